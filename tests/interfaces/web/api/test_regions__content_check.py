"""Through the API, an upload is checked by content: a real Word file is stored and served back
with its own type, while a Windows program or an ELF binary named ``.pdf`` and a plain ZIP named
``.docx`` are refused with 422 and the sentence, leaving no row and no file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]
from worldkit import document

from engine.models import Submission

BASE = "/api/v1/regions"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(api: Any, code: str, name: str, data: bytes) -> Any:
    return api.post(f"{BASE}/{code}/submissions", data={"deliverable": "questionnaire"},
                    files={"file": (name, data, "application/pdf")})


def _stored(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_disguised_programs_are_refused_and_a_real_document_is_served_as_itself(
        web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    opd = web.api(r.opd)
    uploads = web.prog.settings.upload_dir
    before = _stored(uploads)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("setup.exe", b"MZ")
    with web.world.unchanged(r.code):
        for name, data, found in [
            ("kuesioner.pdf", b"MZ\x90\x00" + bytes(60), "a Windows program"),
            ("kuesioner.pdf", b"\x7fELF\x02\x01\x01" + bytes(57), "a Linux program (ELF)"),
            ("kuesioner.docx", plain_zip.getvalue(), "a ZIP archive with no Office document"),
        ]:
            refused = _upload(opd, r.code, name, data)
            assert refused.status_code == 422, refused.text
            assert f"the file “{name}” is not" in refused.json()["detail"]
            assert f"its content is {found}" in refused.json()["detail"]
    assert _stored(uploads) == before

    data = document(".docx", "kuesioner OPD")
    made = _upload(opd, r.code, "kuesioner.docx", data)
    assert made.status_code == 201, made.text
    with web.prog.db.read() as session:
        row = session.execute(select(Submission).where(
            col(Submission.deliverable) == "questionnaire")).scalars().one()
    got = opd.get(f"{BASE}/{r.code}/submissions/{row.id}/file")
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"] == DOCX
