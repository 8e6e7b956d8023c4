"""What the operating system refused, in the reader's words; a reader that stops early.

Proves: each errno a person meets writing a file or binding a port (ENOENT, EACCES, EPERM,
EISDIR, ENOTDIR, ENOSPC, EEXIST, EROFS, EADDRINUSE, EADDRNOTAVAIL) has a text in Indonesian
and English, any other is named by its errno symbol; ``audit export``, ``backup`` and
``calendar`` refuse an unwritable target in one Indonesian line with no English in it; and
``audit export`` (CSV and JSON lines) and ``calendar`` to a pipe whose reader has gone (``|
head -1``) stop quietly: exit 0, nothing on stderr, run as the installed console script.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config import language
from interfaces.cli import oserrors

INDONESIAN = {
    errno.ENOENT: "berkas atau folder tidak ada",
    errno.EACCES: "izin ditolak",
    errno.EPERM: "izin ditolak",
    errno.EISDIR: "itu sebuah folder, bukan berkas",
    errno.ENOTDIR: "sebagian jalurnya berupa berkas, bukan folder",
    errno.ENOSPC: "disk penuh",
    errno.EEXIST: "sudah ada",
    errno.EROFS: "sistem berkasnya hanya-baca",
    errno.EADDRINUSE: "alamat itu sudah dipakai",
    errno.EADDRNOTAVAIL: "alamat itu bukan milik mesin ini",
}


@pytest.mark.parametrize("code", list(INDONESIAN))
def test_each_common_error_has_its_words_in_both_languages(code: int) -> None:
    exc = OSError(code, os.strerror(code))
    with language.using("id"):
        assert oserrors.describe(exc) == INDONESIAN[code]
    with language.using("en"):
        english = oserrors.describe(exc)
    assert english and english != INDONESIAN[code]


def test_any_other_error_is_named_by_its_symbol() -> None:
    with language.using("id"):
        assert oserrors.describe(OSError(errno.EIO, "Input/output error")) == "galat sistem EIO"
        assert oserrors.describe(OSError("no errno")) == "galat sistem OSError"
    with language.using("en"):
        assert oserrors.describe(OSError(errno.EIO, "x")) == "system error EIO"


def test_unwritable_targets_are_refused_in_indonesian_only(cli: Any, tmp_path: Path) -> None:
    cli.setup_region()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    id_ = {"SMARTCITY_LANG": "id"}
    cases = [
        (["audit", "export", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(folder)],
         f"tidak dapat menulis {folder}: itu sebuah folder, bukan berkas"),
        (["backup", "--output", str(a_file / "sub" / "b.tar.gz")],
         f"tidak dapat menulis cadangan ke {a_file / 'sub' / 'b.tar.gz'}: "
         "sebagian jalurnya berupa berkas, bukan folder"),
        (["calendar", "64.71", "-o", str(folder)],
         f"{folder}: tidak dapat ditulis: itu sebuah folder, bukan berkas"),
    ]
    for args, says in cases:
        result = cli.run(*args, env=id_)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].endswith(says), (args, lines)
        assert "directory" not in lines[0] and "Is a" not in lines[0]


def _into_a_closed_pipe(script: Any, env: dict[str, str], *args: str
                        ) -> subprocess.CompletedProcess[str]:
    """Run with standard output a pipe nobody reads any more: every write fails (EPIPE)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([str(Path(sys.executable).parent / "smartcity"), *args], env=env,
                              cwd=script.cwd, stdout=write, stderr=subprocess.PIPE, text=True,
                              timeout=120, check=False)
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [
    ("audit", "export", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "jsonl"),
    ("audit", "export", "--from", "2000-01-01", "--to", "2099-12-31"),
    ("calendar", "64.71"),
])
def test_a_reader_that_stops_early_ends_the_command_quietly(
        script: Any, cli: Any, cast: Any, database_url: str, args: tuple[str, ...]) -> None:
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    env = script.env(cli.data_dir, database_url)
    done = _into_a_closed_pipe(script, env, *args)
    assert (done.returncode, done.stderr) == (0, "")
