"""The README's "A session by hand" works as written.

The test reads the block from README.md itself, so the README cannot drift from what works: in
a fresh working directory that has the repository's ``examples/`` (the files the session
names), it applies each ``export`` and runs each ``smartcity`` line in order, with the
relative ``SMARTCITY_DATA_DIR`` it sets, and every command must succeed. The files it names
must be shipped in the repository.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interfaces.cli.app import app

ROOT = Path(__file__).resolve().parents[3]


def session() -> list[str]:
    """The lines of the README's session block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^### A session by hand\n.*?^```sh\n(.*?)^```", readme,
                      re.MULTILINE | re.DOTALL)
    assert found, "no session block under '### A session by hand' in README.md"
    return [line for line in found[1].splitlines() if line.strip()]


def test_the_files_it_names_are_shipped() -> None:
    named = [word for line in session() for word in shlex.split(line, comments=True)
             if word.startswith("examples/")]
    assert named, "the session names no sample file"
    for name in named:
        assert (ROOT / name).is_file(), name
    assert (ROOT / "examples" / "hasil_asesmen.pdf").read_bytes().startswith(b"%PDF-1.")


def test_the_session_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     fresh_settings) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.delenv("SMARTCITY_DATABASE_URL", raising=False)
    env: dict[str, str] = {}
    ran = []
    for line in session():
        words = shlex.split(line, comments=True)
        if not words or words[0] in (".", "source"):
            continue  # the virtualenv is already active here
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            env[name] = value
            continue
        assert words[0] == "smartcity", line
        result = CliRunner().invoke(app, words[1:], env=env)
        assert result.exit_code == 0, (line, result.stdout, result.stderr, result.exception)
        ran.append((words[1], result.stdout))
    assert [name for name, _ in ran][:2] == ["init", "cohort"]
    assert (tmp_path / env["SMARTCITY_DATA_DIR"] / "smartcity.db").is_file()
    outputs = dict(ran)
    assert "64.71" in outputs["status"] and "94.04" in outputs["status"]
