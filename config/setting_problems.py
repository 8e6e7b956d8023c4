"""A refused setting as one line a person can act on, in their language.

Pydantic words its errors in English ("Input should be a valid integer, unable to parse
string as an integer"), names the field rather than the variable the operator set, and says
nothing of what would have been right. :func:`describe` turns the first error of a refused
:class:`config.settings.Settings` into ``setting SMARTCITY_X: what is wrong (given: ...); for
example SMARTCITY_X=good``: pydantic's error *type* (with its context: a limit, a length)
picks a text of the catalogue, the messages this project raises itself are already worded in
the reader's language, and the good value is the field's ``examples`` or its default, written
as one would write it in the environment.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from datetime import time
from typing import Any, Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from config.messages import text
from config.settings import Settings

PREFIX: Final = "SMARTCITY_"

#: pydantic's own error types (its English messages are never shown); any other type is one
#: this project raised with a catalogue text, shown as it is.
_BUILTIN: Final = frozenset(typing.get_args(ErrorType))

#: pydantic's error type -> the catalogue text saying the same (``{given}`` is the value).
_KEYS: Final = {
    "int_parsing": "int", "int_type": "int", "int_from_float": "int",
    "float_parsing": "float", "float_type": "float", "finite_number": "float",
    "bool_parsing": "bool", "bool_type": "bool",
    "greater_than_equal": "at_least", "less_than_equal": "at_most",
    "greater_than": "above", "less_than": "below",
    "literal_error": "one_of",
    "datetime_parsing": "datetime", "datetime_from_date_parsing": "datetime",
    "datetime_type": "datetime",
    "date_parsing": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date", "date_type": "date",
    "time_parsing": "time", "time_type": "time",
    "too_short": "count", "too_long": "count",
    "list_type": "list", "tuple_type": "list", "dict_type": "pairs_type",
    "json_invalid": "json", "json_type": "json", "string_too_short": "empty",
}


def variable(field: str) -> str:
    return f"{PREFIX}{field.upper()}"


def _written(value: object) -> str:
    """A value as it is written in the environment: ``7,3,1``, ``baseline=0.1,...``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple | list):
        return ",".join(_written(v) for v in value)
    if isinstance(value, Mapping):
        return ",".join(f"{k}={_written(v)}" for k, v in value.items())
    return str(value)


def example(field: str) -> str | None:
    """A good value of ``field``: its first ``examples`` entry, else its default."""
    info = Settings.model_fields.get(field)
    if info is None:
        return None
    if info.examples:
        return _written(info.examples[0])
    if info.default is None:
        return None
    return _written(info.default)


def _choices(field: str) -> str:
    info = Settings.model_fields.get(field)
    names = [str(a) for a in typing.get_args(info.annotation)] if info else []
    return ", ".join(names)


def _limit(ctx: Mapping[str, Any]) -> str:
    for name in ("ge", "le", "gt", "lt"):
        if name in ctx:
            return _written(ctx[name])
    return ""


def problem(error: ErrorDetails) -> str:
    """What is wrong, in the current language: a catalogue text, never pydantic's English."""
    kind = error["type"]
    if kind not in _BUILTIN:
        return error["msg"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    given = error.get("input")
    shown = repr(given) if isinstance(given, str) else _written(given)
    field = str(error["loc"][0]) if error["loc"] else ""
    key = _KEYS.get(kind, "other")
    count = ctx.get("max_length", ctx.get("min_length", ""))
    return text(f"limits.setting.{key}", given=shown, limit=_limit(ctx),
                choices=_choices(field), count=count)


def describe(exc: ValidationError, given_as: Mapping[str, str] | None = None) -> str:
    """The first problem of a refused ``Settings`` as one line naming the variable, or the
    option it was given by (``given_as``: field -> option, ``--database-url``)."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    good = example(field)
    option = (given_as or {}).get(field)
    if option is not None:
        if good is None:
            return text("limits.setting.option_plain", name=option, problem=problem(first))
        return text("limits.setting.option", name=option, problem=problem(first),
                    example=good)
    name = variable(field) if field else PREFIX + "*"
    if good is None:
        return text("limits.setting.line_plain", name=name, problem=problem(first))
    return text("limits.setting.line", name=name, problem=problem(first), example=good)


def describe_unreadable(detail: str) -> str:
    """pydantic-settings' ``SettingsError`` (a value its source could not even read) as one
    line naming the variable."""
    found = re.search(r'field "([^"]+)"', detail)
    field = found[1] if found else ""
    good = example(field) if field else None
    name = variable(field) if field else PREFIX + "*"
    wrong = text("limits.setting.unreadable")
    if good is None:
        return text("limits.setting.line_plain", name=name, problem=wrong)
    return text("limits.setting.line", name=name, problem=wrong, example=good)
