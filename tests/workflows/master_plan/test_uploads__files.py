"""Submitted files are checked, stored once by checksum, and their names are never paths.

``workflows.master_plan.uploads.store`` refuses executables and unknown types, empty files and
files over ``upload_max_bytes``, each with a message naming the rule; it keeps only a safe base
name for display ('../../etc/passwd.pdf' becomes 'passwd.pdf') and stores the bytes under their
SHA-256, so identical content is stored once. The direct tests need no database; the submission
tests go through ``workflows.master_plan.actions.submit`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from worldkit import document

from engine import InvalidInputError
from workflows.master_plan import actions
from workflows.master_plan.uploads import ALLOWED, safe_name, store
from workflows.reporting import submissions as sent

PDF = b"%PDF-1.4\n% rencana aksi quick win\n%%EOF\n"
LIMIT = 1024
BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
COORDINATOR = "koordinator@komdigi.go.id"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_file_is_stored_under_its_checksum(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    stored = store(uploads, "Buku 2 Masterplan.PDF", PDF, LIMIT)
    digest = hashlib.sha256(PDF).hexdigest()
    assert (stored.file_name, stored.media_type, stored.size_bytes, stored.sha256) == (
        "Buku 2 Masterplan.PDF", "application/pdf", len(PDF), digest)
    assert _files(uploads) == [uploads / digest[:2] / digest]
    assert (uploads / digest[:2] / digest).read_bytes() == PDF


def test_identical_content_is_stored_once(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    first = store(uploads, "plan.pdf", PDF, LIMIT)
    second = store(uploads, "plan-copy.pdf", PDF, LIMIT)
    other = store(uploads, "plan-v2.pdf", PDF + b"% v2\n", LIMIT)
    assert first.sha256 == second.sha256 != other.sha256
    assert len(_files(uploads)) == 2


@pytest.mark.parametrize(("name", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/etc/cron.d/job.pdf", "job.pdf"),
    ("..\\..\\Windows\\System32\\boot.pdf", "boot.pdf"),
    ("C:\\Users\\bappeda\\Desktop\\Buku 1.docx", "Buku 1.docx"),
    ("plan.pdf\x00.exe", "plan.pdf.exe"),
    ("laporan\r\n.xlsx", "laporan.xlsx"),
    (".htaccess.pdf", "htaccess.pdf"),
    ("laporan\x85\x9b.pdf", "laporan.pdf"),  # C1 controls
])
def test_directories_and_control_characters_are_stripped(name: str, kept: str) -> None:
    assert safe_name(name) == kept


@pytest.mark.parametrize(("name", "kept"), [
    pytest.param("x\u202egnp.xls", "xgnp.xls", id="right-to-left-override"),
    pytest.param("rencana\u202dfdp.exe", "rencanafdp.exe", id="left-to-right-override"),
    pytest.param("plan\u2066\u2069.pdf", "plan.pdf", id="isolates"),
    pytest.param("Buku\u200b 1\u200c\u200d.pdf", "Buku 1.pdf", id="zero-width"),
    pytest.param("\ufeff.htaccess.pdf", "htaccess.pdf", id="bom-before-dot"),
    pytest.param("\u202e", "file", id="nothing-left"),
])
def test_format_characters_are_stripped(name: str, kept: str) -> None:
    """A bidirectional override cannot make 'x<RLO>gnp.xls' display as 'xslx.png'."""
    assert safe_name(name) == kept


def test_a_disguised_spreadsheet_is_stored_under_its_real_extension(tmp_path: Path) -> None:
    stored = store(tmp_path / "uploads", "x\u202egnp.xls", document(".xls"), LIMIT)
    assert (stored.file_name, stored.media_type) == ("xgnp.xls", "application/vnd.ms-excel")


def test_a_traversing_name_cannot_write_outside_the_upload_folder(tmp_path: Path) -> None:
    uploads = tmp_path / "a" / "b" / "uploads"
    stored = store(uploads, "../../etc/passwd.pdf", PDF, LIMIT)
    assert stored.file_name == "passwd.pdf"
    assert _files(tmp_path) == [uploads / stored.sha256[:2] / stored.sha256]
    assert not (tmp_path / "a" / "etc").exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("setup.exe", b"MZ\x90\x00", "setup.exe: files of type .exe are not accepted; "
                 "send one of " + ", ".join(sorted(ALLOWED)), id="executable"),
    pytest.param("install.sh", b"#!/bin/sh\n", "install.sh: files of type .sh are not accepted",
                 id="script"),
    pytest.param("plan.pdf\x00.exe", PDF, "plan.pdf.exe: files of type .exe are not accepted",
                 id="hidden-executable"),
    pytest.param("README", b"text", "README: files of type (none) are not accepted",
                 id="no-extension"),
    pytest.param("arsip.zip", b"PK\x03\x04", "arsip.zip: files of type .zip", id="archive"),
    pytest.param("plan.pdf", b"", "plan.pdf: the file is empty", id="empty"),
    pytest.param("plan.pdf", b"x" * (LIMIT + 1),
                 "plan.pdf: 1,025 bytes is over the limit of 1,024 bytes", id="too-big"),
])
def test_a_refused_file_is_not_stored(tmp_path: Path, name: str, data: bytes,
                                      message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        store(tmp_path / "uploads", name, data, LIMIT)
    assert str(caught.value).startswith(message)
    assert _files(tmp_path) == []


def test_a_file_exactly_at_the_limit_is_accepted(tmp_path: Path) -> None:
    assert store(tmp_path, "plan.pdf", PDF.ljust(LIMIT, b"x"), LIMIT).size_bytes == LIMIT


def test_a_long_name_keeps_its_extension(tmp_path: Path) -> None:
    name = "Rencana Aksi Gerakan Menuju Smart City Kabupaten Kotawaringin Timur " * 5 + ".pdf"
    stored = store(tmp_path, name, PDF, LIMIT)
    assert stored.file_name.endswith(".pdf")
    assert len(stored.file_name.encode()) <= 255


# -- through the submission action, on both databases ----------------------------------------

def test_a_submission_keeps_the_checked_name_and_checksum(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    upload = world.folder / "Hasil Asesmen.pdf"
    upload.write_bytes(PDF)
    result = actions.submit(world.prog, r.code, "assessment_result", upload,
                            "penilai@komdigi.go.id")
    assert result.sha256 == hashlib.sha256(PDF).hexdigest()
    uploads = world.prog.settings.upload_dir
    assert _files(uploads) == [uploads / result.sha256[:2] / result.sha256]
    with world.prog.db.read() as session:
        rows = sent.submissions(world.prog, session, r.code)
    assert [(s.deliverable, s.version, s.file_name, s.sha256, s.submitted_by) for s in rows] == [
        ("assessment_result", 1, "Hasil Asesmen.pdf", result.sha256, "penilai@komdigi.go.id")]


def test_resubmitting_the_same_file_stores_it_once(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "institutions")
    upload = world.folder / "SK Dewan Smart City.pdf"
    upload.write_bytes(PDF)
    one = actions.submit(world.prog, r.code, "council_decree", upload, COORDINATOR)
    two = actions.submit(world.prog, r.code, "council_decree", upload, COORDINATOR)
    three = actions.submit(world.prog, r.code, "implementation_team_decree", upload, COORDINATOR)
    assert (one.version, two.version, three.version) == (1, 2, 1)
    assert one.sha256 == two.sha256 == three.sha256
    # the earlier documents of the drive plus this one decree, stored once
    uploads = world.prog.settings.upload_dir
    assert (uploads / one.sha256[:2] / one.sha256).read_bytes() == PDF
    assert sum(1 for p in _files(uploads) if p.name == one.sha256) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("hasil.exe", b"MZ", r"^hasil\.exe: files of type \.exe are not accepted",
                 id="executable"),
    pytest.param("hasil.pdf", b"", r"^hasil\.pdf: the file is empty$", id="empty"),
    pytest.param("hasil.pdf", PDF + b"x" * 100,
                 rf"^hasil\.pdf: {len(PDF) + 100} bytes is over the limit of 64 bytes$",
                 id="too-big"),
])
def test_a_refused_upload_records_nothing(world: Any, make_prog: Any, world_type: Any,
                                          name: str, data: bytes, message: str) -> None:
    small = world_type(make_prog(upload_max_bytes=64), world.folder)
    r = small.region(BALIKPAPAN)
    upload = world.folder / name
    upload.write_bytes(data)
    with small.unchanged(r.code), pytest.raises(InvalidInputError, match=message):
        actions.submit(small.prog, r.code, "assessment_result", upload, "penilai@komdigi.go.id")
    assert _files(small.prog.settings.upload_dir) == []


def test_an_unreadable_file_is_refused(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    missing = world.folder / "hilang.pdf"
    with world.unchanged(r.code), pytest.raises(
            InvalidInputError, match=r"hilang\.pdf: cannot read: No such file or directory$"):
        actions.submit(world.prog, r.code, "assessment_result", missing,
                       "penilai@komdigi.go.id")
