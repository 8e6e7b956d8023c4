"""``smartcity submit`` checks a file by its content: a Windows program or an ELF binary named
``.pdf`` and a shell script named ``.csv`` are one ``error:`` line each, exit 1, and nothing is
stored; the same file's real PDF is then received as version 1."""

from __future__ import annotations

from pathlib import Path


def _stored(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_disguised_programs_are_refused_by_the_command_line(cli, cast) -> None:
    cli.setup_region()
    for name, data, found in [
        ("hasil.pdf", b"MZ\x90\x00" + bytes(60), "a Windows program"),
        ("hasil.pdf", b"\x7fELF\x02\x01\x01" + bytes(57), "a Linux program (ELF)"),
        ("hasil.csv", b"#!/bin/sh\nrm -rf ~\n", "a script"),
    ]:
        path = cli.files / name
        path.write_bytes(data)
        line = cli.fail("submit", cast.region, "assessment_result", str(path),
                        "--as", cast.assessor)
        assert line.startswith(f"error: the file “{name}” is not "), line
        assert f"its content is {found}" in line
    assert _stored(cli.data_dir / "uploads") == []
    out = cli.ok("submit", cast.region, "assessment_result", cli.document("hasil.pdf"),
                 "--as", cast.assessor)
    assert "assessment_result version 1 received" in out
