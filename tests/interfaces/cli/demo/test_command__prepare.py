"""The demo's folder: made fresh on a first run, wiped when an earlier demo made it, refused
otherwise, before anything is written.

``test_command__demo.py`` runs the demo once, into a folder an earlier run left; these cases
check the other first runs a user meets (no folder yet, a folder under one that does not exist,
an empty folder) and the refusals, without running the year itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import InvalidInputError
from interfaces.cli.demo.command import MARKER, _prepare


@pytest.mark.parametrize("where", ["var", "a/new/nested/folder"])
def test_a_first_run_makes_the_folder_with_its_marker(tmp_path: Path, where: str) -> None:
    folder = tmp_path / where
    _prepare(folder)
    assert sorted(p.name for p in folder.iterdir()) == [MARKER]


def test_an_empty_folder_is_used_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    _prepare(folder)
    assert sorted(p.name for p in folder.iterdir()) == [MARKER]


def test_a_folder_the_demo_made_is_wiped(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    (folder / "uploads" / "0f").mkdir(parents=True)
    (folder / MARKER).write_text("made by smartcity demo; wiped on every run\n")
    (folder / "smartcity.db").write_bytes(b"stale")
    (folder / "uploads" / "0f" / "old.pdf").write_bytes(b"%PDF-1.4")
    _prepare(folder)
    assert sorted(p.name for p in folder.iterdir()) == [MARKER]


def test_a_folder_it_did_not_make_and_a_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(InvalidInputError, match="not made by 'smartcity demo'"):
        _prepare(tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    with pytest.raises(InvalidInputError, match=r"precious\.txt is a file; pass --data-dir "
                                                r"with a directory"):
        _prepare(tmp_path / "precious.txt")
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    with pytest.raises(InvalidInputError, match=r"cannot create .*precious\.txt/var"):
        _prepare(tmp_path / "precious.txt" / "var")
