"""Submitted files: checked, then stored by checksum (so a resubmitted file is stored once).

The check comes first and the write last, after every other rule of the submission has
passed, so a refused submission leaves no file behind.

File names from users are never trusted as paths: the stored object is named by its SHA-256,
and the name kept for display is reduced to a safe base name.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from config import language
from config.messages import Message
from engine import InvalidInputError
from workflows.master_plan import signatures

ALLOWED = {
    ".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx", ".odp",
    ".png", ".jpg", ".jpeg",
}


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str


class Count:
    """A number written with the reader's digit grouping when shown: ``2,059`` in English,
    ``2.059`` in Indonesian (CLDR, through Babel)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __str__(self) -> str:
        from babel.numbers import format_decimal

        return format_decimal(self.n, locale=language.current())


# Unicode categories dropped from file names: controls (C0, DEL, C1) and format characters.
_HIDDEN = frozenset({"Cc", "Cf"})


def safe_name(name: str) -> str:
    """The base name without directories, control or format characters, at most 255 bytes.

    Format characters (Unicode category Cf: bidirectional overrides such as U+202E, zero-width
    spaces and joiners, ...) are dropped with the control characters (Cc), so a name cannot
    display other than it is: 'x', U+202E, 'gnp.xls' is kept as ``xgnp.xls`` instead of
    showing as ``xslx.png``. A long name is shortened before its extension, so the type it declares
    survives.
    """
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _HIDDEN)
    base = base.strip().lstrip(".") or "file"
    if len(base.encode("utf-8")) <= 255:
        return base
    suffix = Path(base).suffix if len(Path(base).suffix) <= 16 else ""
    stem = base[: len(base) - len(suffix)]
    room = 255 - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + suffix


def check(name: str, data: bytes, max_bytes: int) -> StoredFile:
    """Check ``data`` against the upload rules; the refusal says which rule it broke.

    Every way in (the CLI, the API, the pages) comes through here, so the content check of
    :mod:`~workflows.master_plan.signatures` holds for all of them: the bytes must be what the
    extension claims, and programs and scripts are refused whatever their name. The media type
    kept (and served back on download) follows the extension only once the content agrees.
    """
    file_name = safe_name(name)
    suffix = Path(file_name).suffix.lower()
    if suffix not in ALLOWED:
        raise InvalidInputError("upload_check.type", file=file_name,
                                suffix=suffix or Message("upload_check.no_suffix"),
                                allowed=sorted(ALLOWED))
    if not data:
        raise InvalidInputError("upload_check.empty", file=file_name)
    if len(data) > max_bytes:
        raise InvalidInputError("upload_check.too_big", file=file_name, size=Count(len(data)),
                                limit=Count(max_bytes))
    signatures.verify(file_name, data)
    digest = hashlib.sha256(data).hexdigest()
    media_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    return StoredFile(file_name, media_type, len(data), digest)


def write(directory: Path, data: bytes, digest: str) -> Path:
    """Store checked bytes under their digest (atomically; once per content).

    The bytes go to a fresh, randomly named file next to the target, reach the disk, and are
    then renamed over it: a reader sees the whole file or none, and a crash leaves at most a
    stray temporary file, never a short one under a digest's name.
    """
    target = directory / digest[:2] / digest
    if target.exists():
        return target
    temporary = target.parent / f".{digest[:16]}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(temporary, flags, 0o600)
    except FileNotFoundError:  # the first file under this prefix
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # the bytes are on disk before the name points at them
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def store(directory: Path, name: str, data: bytes, max_bytes: int) -> StoredFile:
    """:func:`check` then :func:`write`, for callers with no other rule to check in between."""
    stored = check(name, data, max_bytes)
    write(directory, data, stored.sha256)
    return stored


def path_of(directory: Path, digest: str) -> Path:
    """Where :func:`write` put the bytes of ``digest`` (a hex SHA-256, checked here)."""
    if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise ValueError(f"not a SHA-256 digest: {digest!r}")
    return directory / digest[:2] / digest
