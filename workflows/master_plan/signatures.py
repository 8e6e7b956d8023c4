"""What an uploaded file's bytes are, whatever its name says.

An extension is only a claim: a Windows program renamed ``rencana.pdf`` would otherwise be
stored, listed to reviewers and served back as ``application/pdf``. So the content is read
too, and it must be what the extension promises. Office files are containers, and are checked
as such: OOXML (``.docx``, ``.xlsx``, ``.pptx``) is a ZIP holding ``[Content_Types].xml``,
OpenDocument is a ZIP holding a ``mimetype`` entry, and the 97–2003 formats are OLE2 compound
files. Programs and scripts (MZ, ELF, Mach-O, ``#!``) are refused under any name. The
``filetype`` library names whatever else the bytes turn out to be, so the refusal can say it.

Only signatures and container directories are read (never a whole archive member), so the
check costs the same on a 1 KB and a 50 MB file, and a ZIP bomb is never inflated.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import filetype

from config.messages import Message
from engine import InvalidInputError

# The kind of content each allowed extension must hold.
EXPECTED = {
    ".pdf": "pdf",
    ".docx": "ooxml", ".xlsx": "ooxml", ".pptx": "ooxml",
    ".doc": "ole2", ".xls": "ole2", ".ppt": "ole2",
    ".odt": "odf", ".ods": "odf", ".odp": "odf",
    ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg",
    ".csv": "text",
}

# How to put each refusal right, by the kind that was expected.
_FIX = {"pdf": "pdf", "ooxml": "office", "ole2": "office", "odf": "opendocument",
        "png": "image", "jpeg": "image", "text": "csv"}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG = b"\x89PNG\r\n\x1a\n"
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
           b"\xca\xfe\xba\xbe")
# filetype's detections that are programs or installers rather than documents.
_PROGRAMS = frozenset({"exe", "elf", "wasm", "swf", "crx", "deb", "rpm", "nes"})
# Bytes that plain text never holds: C0 controls other than tab, LF, FF, CR and ESC, and DEL.
# 0x80–0xFF are allowed, so a CSV that Excel saved in the Windows code page is still text.
_NOT_TEXT = frozenset(set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x1B))
                      | set(range(0x1C, 0x20)) | {0x7F})


def kind_of(data: bytes) -> tuple[str, dict[str, str]]:
    """The kind of content ``data`` holds, and what naming it needs (for an unlisted kind).

    Programs are looked for first, so that no container or text rule can let one through.
    """
    head = data[:8]
    if head.startswith(b"MZ"):
        return "windows_program", {}
    if head.startswith(b"\x7fELF"):
        return "linux_program", {}
    if head[:4] in _MACH_O:
        return "mac_program", {}
    if data.removeprefix(b"\xef\xbb\xbf").startswith(b"#!"):
        return "script", {}
    if head.startswith(b"%PDF-"):
        return "pdf", {}
    if head == _OLE2:
        return "ole2", {}
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data), {}
    if head == _PNG:
        return "png", {}
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", {}
    guess = filetype.guess(data)
    if guess is not None:
        kind = "program" if guess.extension in _PROGRAMS else "other"
        return kind, {"kind": guess.extension.upper(), "media": guess.mime}
    if not _NOT_TEXT.intersection(data):
        return "text", {}
    return "unknown", {}


def _zip_kind(data: bytes) -> str:
    """``ooxml``, ``odf`` or ``zip`` (any other or a damaged archive), from its directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(64).startswith(b"application/vnd.oasis.opendocument"):
                        return "odf"
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        pass
    return "zip"


def verify(file_name: str, data: bytes) -> str:
    """Refuse ``data`` unless it is the kind its extension claims; return that kind.

    ``file_name`` is the cleaned name, with an allowed extension (checked before).
    """
    suffix = Path(file_name).suffix.lower()
    expected = EXPECTED[suffix]
    found, params = kind_of(data)
    if found != expected:
        raise InvalidInputError(
            "upload_check.content", file=file_name,
            expected=Message(f"upload_check.expected.{expected}"),
            found=Message(f"upload_check.found.{found}", **params),
            fix=Message(f"upload_check.fix.{_FIX[expected]}", suffix=suffix))
    return expected
