"""Text out of a CSV file as spreadsheets really save it: which encoding, which separator.

People make these files in Excel, LibreOffice or Google Sheets, on Windows set to Indonesian.
Such an Excel saves "CSV (dipisahkan koma)" with semicolons (the Indonesian list separator,
because the comma is the decimal sign) in the Windows code page (cp1252, a superset of
latin-1), "CSV UTF-8" with a byte-order mark, and "Unicode Text" as UTF-16 with tabs. All of
them are accepted:

- :func:`decode`: a byte-order mark decides (UTF-8, UTF-16, UTF-32); else strict UTF-8; else
  charset-normalizer (the detector ``requests`` ships with), limited to the encodings such a
  file can be in, so a short file is not taken for Cyrillic or a Mac code page. A workbook
  (``.xlsx``, ``.xls``) or any other binary is refused with what to do, in the reader's
  language, never with a codec's error.
- :func:`delimiter`: the separator that splits the header into the most columns the caller
  knows (the header is where a wrong guess shows), else :class:`csv.Sniffer`'s guess. A first
  line ``sep=;`` (Excel's own hint) is honoured and dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable

from config import messages
from engine import InvalidInputError

#: Separators a spreadsheet's CSV comes with, the most common first.
DELIMITERS = (",", ";", "\t", "|")

#: What a spreadsheet's text file can be encoded in, besides UTF-8 with or without a BOM.
_CANDIDATES = ["utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1252", "latin_1"]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))

#: The first bytes of the workbook formats people upload instead of their CSV export.
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class UnreadableFile(InvalidInputError):
    """A file that is not CSV text this reader can decode; the message says what to do."""


def decode(data: bytes, name: str) -> str:
    """The text of a CSV file in whichever encoding a spreadsheet saved it."""
    if not data.strip():
        raise UnreadableFile(messages.text("spreadsheet.empty", name=name))
    if data.startswith(_WORKBOOKS):
        raise UnreadableFile(messages.text("spreadsheet.workbook", name=name))
    text = _decoded(data)
    if text is None or _binary(text):
        raise UnreadableFile(messages.text("spreadsheet.unreadable", name=name))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decoded(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" not in data:  # UTF-16 without a BOM is valid UTF-8, full of NULs
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    # Loaded only for a file that is not UTF-8: most never need it.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    return str(best) if best is not None else None


def _binary(text: str) -> bool:
    """True for text with control characters a CSV never has (a NUL, a misread binary)."""
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r")
    return "\x00" in text or controls > max(2, len(text) // 100)


def delimiter(text: str, known: Callable[[str], bool]) -> tuple[str, str]:
    """``(separator, text)``: the separator of ``text``, and the text without an Excel
    ``sep=`` line. ``known`` says whether a header cell is a column the caller reads."""
    first, _, rest = text.partition("\n")
    hint = first.strip().strip('"')
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return hint[4], rest
    header = first.lstrip("\ufeff")

    def score(sep: str) -> tuple[int, int]:
        cells = next(csv.reader(io.StringIO(header), delimiter=sep), [])
        return sum(1 for c in cells if known(c)), len(cells)

    ranked = sorted(DELIMITERS, key=lambda sep: score(sep), reverse=True)
    best = ranked[0]
    if score(best)[0] > 0:
        return best, text
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters="".join(DELIMITERS)).delimiter, text
    except csv.Error:
        return ",", text


def records(text: str, sep: str) -> list[list[str]]:
    """The rows of ``text``: one list of cells per spreadsheet row (a blank line is ``[]``,
    so rows keep the numbers a spreadsheet shows)."""
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def write(rows: Iterable[Iterable[object]], sep: str = ";") -> bytes:
    """CSV that Excel in Indonesian opens in columns as it is (``;`` with a UTF-8 BOM) and
    every other spreadsheet reads too."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
