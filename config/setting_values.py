"""How a list, a pair or a table of numbers is written in one environment variable.

An operator writes ``SMARTCITY_REMINDER_DAYS=7,3,1`` far more often than the JSON
``[7,3,1]`` pydantic-settings reads by default, and a plain-text list used to end in an
internal error. Both are accepted here: text starting with ``[`` (or ``{`` for the weights) is
JSON, anything else is separated by commas. The fields are marked ``NoDecode``, so these
functions see the raw text; their items are then checked by the field's own type (a day is a
whole number, a leave day a date), and every refusal is one sentence from the catalogue in the
reader's language (a :class:`~pydantic_core.PydanticCustomError`), which
:mod:`config.setting_problems` puts after the variable's name.
"""

from __future__ import annotations

import calendar
import json
import math
import re
from typing import Final

from pydantic_core import PydanticCustomError

from config.messages import text

#: The parts of the evaluation's score, each with a weight (``SMARTCITY_EVALUATION_WEIGHTS``).
WEIGHT_PARTS: Final = ("baseline", "output", "outcome", "impact", "quick_win")

_WINDOW = re.compile(r"^\s*(\d{2})-(\d{2})\s*/\s*(\d{2})-(\d{2})\s*$")


def _refuse(kind: str, key: str, **params: object) -> PydanticCustomError:
    return PydanticCustomError(kind, text(key), params)


def _json(value: str) -> object:
    try:
        return json.loads(value)
    except ValueError:
        raise _refuse("setting_json", "limits.setting.json", given=repr(value)) from None


def listed(value: object) -> object:
    """``7,3,1``, ``[7,3,1]`` or an empty text (no items) as a list; anything else as it is
    (a tuple given in code, a value the field's type then refuses)."""
    if not isinstance(value, str):
        return value
    written = value.strip()
    if written.startswith("["):
        return _json(written)
    if not written:
        return []
    return [item.strip() for item in written.split(",")]


def named_numbers(value: object) -> object:
    """``baseline=0.1,output=0.2,...`` (``:`` works too) or a JSON object, as a dict."""
    if not isinstance(value, str):
        return value
    written = value.strip()
    if written.startswith("{"):
        return _json(written)
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in written.split(","))):
        name, sep, number = pair.replace(":", "=", 1).partition("=")
        if not sep or not name.strip() or not number.strip():
            raise _refuse("setting_pairs", "limits.setting.pairs", given=repr(pair))
        found[name.strip()] = number.strip()
    return found


def check_window(spec: str) -> str:
    """A ``MM-DD/MM-DD`` window whose days exist (``02-29`` is February's last day)."""
    found = _WINDOW.match(spec)
    days_exist = found is not None and all(
        1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]
        for month, day in ((int(found[1]), int(found[2])), (int(found[3]), int(found[4]))))
    if not days_exist:
        raise _refuse("setting_window", "limits.setting.window", given=repr(spec))
    return spec.strip()


def check_scale(scale: tuple[float, float]) -> tuple[float, float]:
    low, high = scale
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise _refuse("setting_scale", "limits.setting.scale_order",
                      given=f"{low:g},{high:g}")
    return scale


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """Exactly the five parts, each from 0 to 1, adding up to 1."""
    if set(weights) != set(WEIGHT_PARTS):
        raise _refuse("setting_weight_names", "limits.setting.weight_names",
                      names=", ".join(WEIGHT_PARTS), given=", ".join(weights) or "-")
    if any(not (math.isfinite(w) and 0 <= w <= 1) for w in weights.values()):
        raise _refuse("setting_weight_range", "limits.setting.weight_range")
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        raise _refuse("setting_weight_sum", "limits.setting.weight_sum", total=f"{total:g}")
    return weights
