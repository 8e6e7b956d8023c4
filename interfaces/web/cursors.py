"""Opaque cursors for keyset pages: the position of the last row shown, as a short token.

A list that grows (a region's history, its submissions, the outbox, decided extension
requests) is read a page at a time from the key of the last row shown
(:mod:`workflows.reporting.paging`). Pages and the API hand that key out as a token
(URL-safe base64 of the key's parts, e.g. ``MS4xMjM`` for cycle 1, seq 123), so a client
follows it without knowing what it is made of and the key can change without breaking links.
A token that does not decode to the expected shape is a 422 with the catalogue's sentence,
never a 500.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

from engine import InvalidInputError

_PART = re.compile(r"-?[0-9]{1,18}")  # within a 64-bit integer


def encode(*parts: int | datetime) -> str:
    """The token of a key (integers; a datetime goes as its UTC microseconds)."""
    text = ".".join(str(_number(p)) for p in parts)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def decode(token: str, arity: int) -> tuple[int, ...]:
    """The key's ``arity`` integers; a token that is not one of ours is refused (422)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    parts = raw.split(".")
    if len(token) > 200 or len(parts) != arity or not all(_PART.fullmatch(p) for p in parts):
        raise InvalidInputError("region.bad_cursor", cursor=token[:40])
    return tuple(int(p) for p in parts)


def optional(token: str | None, arity: int) -> tuple[int, ...] | None:
    """:func:`decode`, or None for an absent or empty token (the first page)."""
    return decode(token, arity) if token else None


def moment(micros: int) -> datetime:
    """A datetime part of a key, back from its UTC microseconds."""
    try:
        return datetime.fromtimestamp(micros / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidInputError("region.bad_cursor", cursor=str(micros)) from None


def _number(part: int | datetime) -> int:
    if isinstance(part, datetime):
        aware = part if part.tzinfo else part.replace(tzinfo=UTC)
        delta = aware - datetime(1970, 1, 1, tzinfo=UTC)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return int(part)
