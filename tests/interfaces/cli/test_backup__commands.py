"""``smartcity backup``, ``smartcity restore`` and ``smartcity audit export`` as a user runs them.

Proves (on SQLite, as the command-line tests run; both backends are proven in
tests/workflows/operations): ``backup`` writes DATA_DIR/backups/smartcity-<UTC time>.tar.gz
and says what it holds, and never overwrites an archive; ``restore`` refuses, in one line
naming ``--yes``, to replace a database holding data when nobody can answer, replaces it with
``--yes`` (rows and uploads back, schema at head), checks only with ``--check``, and refuses
an altered archive in one line with exit 1; ``audit export`` writes a CSV with a BOM and the
reader's headers to a file or JSON lines to standard output, and refuses a bad format or
date in one line.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tarfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

import migrations

SUMMARY = re.compile(r"made \S+Z, sqlite, schema \S+: 514 regions, (\d+) history entries, "
                     r"(\d+) submissions, (\d+) emails, (\d+) uploaded files")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_backup_then_restore_with_yes(cli: Any, cast: Any) -> None:
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    uploads = cli.data_dir / "uploads"
    saved = _files(uploads)
    assert len(saved) == 1

    out = cli.ok("backup")
    written = re.search(r"Backup written to (\S+) \(", out)
    assert written, out
    archive = Path(written[1])
    assert archive.parent == cli.data_dir / "backups"
    assert re.fullmatch(r"smartcity-\d{8}T\d{6}Z\.tar\.gz", archive.name)
    found = SUMMARY.search(out)
    assert found and found[2] == "1" and found[4] == "1", out
    assert cli.fail("backup", "--output", str(archive)) == (
        f"error: {archive} already exists; choose another name with --output "
        "(an older backup is never overwritten)")

    cli.ok("cohort", "create", "Smart City 2027", "--year", "2027")
    next(uploads.rglob("*/*")).unlink()
    line = cli.fail("restore", str(archive))  # CliRunner's stdin is no terminal
    assert line.startswith("error: the target database sqlite:///") and line.endswith(
        "holds data and nobody can answer the question; pass --yes to replace it with the "
        "archive's contents")
    assert "Smart City 2027" in cli.ok("cohort", "list")

    out = cli.ok("restore", str(archive), "--yes")
    assert f"Restored {archive}" in out and "1 uploaded file restored." in out
    assert "Smart City 2027" not in cli.ok("cohort", "list")
    assert _files(uploads) == saved
    engine = create_engine(cli.url)
    assert migrations.current(engine) == migrations.head()
    engine.dispose()
    assert "is sound and can be restored" in cli.ok("restore", "--check", str(archive))


def test_an_altered_archive_is_refused_in_one_line(cli: Any, cast: Any, tmp_path: Path) -> None:
    cli.setup_region()
    archive = tmp_path / "b.tar.gz"
    cli.ok("backup", "--output", str(archive))
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as tin, tarfile.open(altered, "w:gz") as tout:
        for member in tin:
            body = tin.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("database/"):
                body = body[:100] + bytes([body[100] ^ 1]) + body[101:]
            tout.addfile(member, io.BytesIO(body))
    assert cli.fail("restore", str(altered), "--yes") == (
        "error: the size or SHA-256 checksum of database/smartcity.db does not match the "
        "manifest (the archive is damaged or was altered); the archive is refused, nothing "
        "was changed")
    assert cli.fail("restore", str(tmp_path / "none.tar.gz")) == (
        f"error: there is no archive at {tmp_path / 'none.tar.gz'}; check the file name")
    assert "Smart City 2026" in cli.ok("cohort", "list")


def test_audit_export_to_a_file_and_to_standard_output(cli: Any, cast: Any,
                                                        tmp_path: Path) -> None:
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    target = tmp_path / "audit.csv"
    result = cli.run("audit", "export", "--from", "2000-01-01", "--to", "2099-12-31",
                     "--output", str(target), env={"SMARTCITY_LANG": "id"})
    assert result.exit_code == 0, result.output
    assert cli.squash(result.stdout) == cli.squash(
        f"2 entri riwayat dari 2000-01-01 s.d. 2099-12-31 (WIB) ditulis ke {target}")
    body = target.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["ID entri", "Waktu (UTC)", "Kode daerah", "Daerah"]
    assert [r[7] for r in rows[1:]] == ["start", "submit assessment_result"]
    assert not list(tmp_path.glob(".*partial"))

    out = cli.ok("audit", "export", "--from", "2000-01-01", "--to", "2099-12-31",
                 "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(x["region_code"], x["region_name"], x["kind"]) for x in lines] == [
        (cast.region, cast.region_name, "start"), (cast.region, cast.region_name, "submission")]
    assert cli.ok("audit", "export", "--from", "2000-01-01", "--to", "2000-01-31",
                  "--format", "jsonl") == ""


def test_audit_export_refuses_a_bad_format_or_date(cli: Any) -> None:
    assert cli.fail("audit", "export", "--from", "2026-03-01", "--to", "2026-03-31",
                    "--format", "xml") == "error: unknown format xml; choose one of: csv, jsonl"
    assert cli.fail("audit", "export", "--from", "1 March", "--to", "2026-03-31") == (
        "error: 1 March is not a valid date; write it as YYYY-MM-DD, for example 2026-03-01")
    assert cli.fail("audit", "export", "--from", "2026-03-01", "--to", "9999-12-31") == (
        "error: 9999-12-31 is outside the dates an export covers; choose dates from "
        "2000-01-01 to 2100-12-31")
    assert cli.fail("audit", "export", "--from", "2026-04-01", "--to", "2026-03-31") == (
        "error: --to 2026-03-31 is before --from 2026-04-01; swap them")


def test_a_file_named_like_a_folder_is_refused_by_the_check_in_one_line(
        cli: Any, tmp_path: Path) -> None:
    """``uploads/a`` then ``uploads/a/b``: the second cannot be unpacked (its folder is a
    file): the archive's fault, one line and exit 1, not an internal error."""
    cli.setup_region()
    archive = tmp_path / "b.tar.gz"
    cli.ok("backup", "--output", str(archive))
    crafted = tmp_path / "crafted.tar.gz"
    with tarfile.open(archive) as tin, tarfile.open(crafted, "w:gz") as tout:
        for name in ("uploads/a", "uploads/a/b"):
            info = tarfile.TarInfo(name)
            info.size = 1
            tout.addfile(info, io.BytesIO(b"x"))
        for member in tin:
            tout.addfile(member, tin.extractfile(member))
    assert cli.fail("restore", "--check", str(crafted)) == (
        "error: the archive holds uploads/a/b, which is not a plain file under database/ or "
        "uploads/; the archive is refused, nothing was changed")
