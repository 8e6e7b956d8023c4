"""What went wrong with a request, in its reader's language: the texts of the app's error answers.

The domain's refusals carry their own catalogue message (:class:`engine.WorkflowError`); the
two kinds of failure that do not come from the domain are worded here, from the same catalogue
(``errors_web.po``), so an Indonesian page and an English API answer read alike:

* a request FastAPI refuses before any view runs (a missing field, a number that is not one,
  a text past its length): each of pydantic's error types maps to a catalogue text with the
  field's name in front (``note: terlalu panjang: paling banyak 4000 karakter``); a
  validator's own :class:`ValueError` may carry a :class:`~config.messages.Message`, written
  out here in the reader's language;
* a plain HTTP error from the router (an unknown address, a method the address does not take,
  a body past the size limit), whose default English reason phrase is replaced by the
  catalogue's ``web.http.<status>``;
* a body that cannot be read at all (bytes that are not UTF-8, a multipart form without its
  boundary), which FastAPI and Starlette refuse with a bare 400 in English: it is invalid
  input like a body that is not JSON, so it is answered the same way, 422 with its problem
  (:func:`unreadable_body`, worded in ``api_contract.po``), and the API has one status for
  "fix what you sent".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from http import HTTPStatus
from typing import Any

from config.messages import Message, has
from engine import InvalidInputError

#: Where a problem sits in the request, left out of the field's name (``body.note`` is ``note``).
_PLACES = frozenset({"body", "query", "path", "header", "cookie"})

#: pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) by the
#: catalogue text that says the same, with the ``ctx`` entry that fills its ``{limit}``.
_BY_TYPE: dict[str, tuple[str, str | None]] = {
    "missing": ("web.invalid.missing", None),
    "string_too_long": ("web.invalid.too_long", "max_length"),
    "string_too_short": ("web.invalid.too_short", "min_length"),
    "too_long": ("web.invalid.too_long_list", "max_length"),
    "too_short": ("web.invalid.too_short_list", "min_length"),
    "int_type": ("web.invalid.int", None),
    "int_parsing": ("web.invalid.int", None),
    "int_from_float": ("web.invalid.int", None),
    "int_parsing_size": ("web.invalid.int", None),
    "float_type": ("web.invalid.number", None),
    "float_parsing": ("web.invalid.number", None),
    "finite_number": ("web.invalid.number", None),
    "decimal_type": ("web.invalid.number", None),
    "decimal_parsing": ("web.invalid.number", None),
    "bool_type": ("web.invalid.bool", None),
    "bool_parsing": ("web.invalid.bool", None),
    "string_type": ("web.invalid.string", None),
    "string_unicode": ("web.invalid.string", None),
    "date_type": ("web.invalid.date", None),
    "date_parsing": ("web.invalid.date", None),
    "date_from_datetime_parsing": ("web.invalid.date", None),
    "date_from_datetime_inexact": ("web.invalid.date", None),
    "datetime_type": ("web.invalid.datetime", None),
    "datetime_parsing": ("web.invalid.datetime", None),
    "datetime_from_date_parsing": ("web.invalid.datetime", None),
    "string_pattern_mismatch": ("web.invalid.pattern", None),
    "greater_than_equal": ("web.invalid.greater_equal", "ge"),
    "less_than_equal": ("web.invalid.less_equal", "le"),
    "greater_than": ("web.invalid.greater", "gt"),
    "less_than": ("web.invalid.less", "lt"),
    "json_invalid": ("web.invalid.json", None),
    "json_type": ("web.invalid.json", None),
    "model_type": ("web.invalid.object", None),
    "model_attributes_type": ("web.invalid.object", None),
    "dict_type": ("web.invalid.object", None),
    "list_type": ("web.invalid.list", None),
    "extra_forbidden": ("web.invalid.extra", None),
    "body_unreadable": ("api.invalid.unreadable_body", None),
}


def field_name(loc: Sequence[Any]) -> str:
    """The field a problem is about, as the client named it (``items.0.title``)."""
    return ".".join(str(p) for i, p in enumerate(loc) if not (i == 0 and p in _PLACES))


def problem(error: Mapping[str, Any]) -> str:
    """One of pydantic's errors as a sentence in the current language, without the field."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        cause = ctx["error"]  # a validator's own exception: its message is written out now
        return str(cause.args[0]) if getattr(cause, "args", None) else str(cause)
    if kind in ("literal_error", "enum"):
        return str(Message("web.invalid.choice", choices=ctx.get("expected", "")))
    key, limit = _BY_TYPE.get(kind, ("web.invalid.other", None))
    if limit is not None and limit in ctx:
        return str(Message(key, limit=ctx[limit]))
    return str(Message(key))


def problems(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every problem of a refused request, each with its field in front."""
    found = []
    for error in errors:
        where, what = field_name(error.get("loc", ())), problem(error)
        found.append(str(Message("web.field_problem", field=where, problem=what))
                     if where else what)
    return found


def unreadable_body(status: int) -> list[dict[str, Any]] | None:
    """The validation error of a plain HTTP error that says the body could not be read, or
    None for another error. The framework answers 400 only for that (FastAPI when a JSON body
    is not text, Starlette when a form cannot be parsed), so the status is the sign."""
    if status != 400:
        return None
    return [{"type": "body_unreadable", "loc": ("body",), "msg": "", "input": None}]


def http_message(status: int, detail: object) -> tuple[str, str | None]:
    """The text of a plain HTTP error and its catalogue key: the router's default English
    reason phrase becomes the catalogue's; a detail someone wrote on purpose is kept."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = None
    if detail is None or detail == phrase or isinstance(detail, Message):
        key = f"web.http.{status}" if has(f"web.http.{status}") else "web.http.other"
        chosen = detail if isinstance(detail, Message) else Message(key)
        return str(chosen), chosen.key
    return str(detail), None


def form_date(value: str, key: str = "web.not_a_date") -> date:
    """A form's date field (``YYYY-MM-DD``, as a date input sends it), or the refusal ``key``
    naming what was typed."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(key, value=value.strip()) from None
