"""The command line speaks ``SMARTCITY_LANG``, else the locale's language, else Indonesian.

The language is chosen when a command starts and holds for that run only: the output, the
tables and the one-line errors are in it, and the caller's language is untouched afterwards.
"""

from __future__ import annotations

import pytest

from config import language


@pytest.mark.parametrize(("env", "expected"), [
    ({"SMARTCITY_LANG": "id"}, "Belum ada kohort: buat dengan 'smartcity cohort create'."),
    ({"SMARTCITY_LANG": "en"}, "No cohorts yet: create one with 'smartcity cohort create'."),
    ({"SMARTCITY_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_GB.UTF-8"},
     "No cohorts yet: create one with 'smartcity cohort create'."),
    ({"SMARTCITY_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"},
     "Belum ada kohort: buat dengan 'smartcity cohort create'."),
])
def test_the_language_of_a_run(cli, env: dict[str, str | None], expected: str) -> None:
    before = language.current()
    result = cli.run("status", env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == expected
    assert language.current() == before  # the run's language ended with it


def test_errors_are_worded_in_it(cli) -> None:
    result = cli.run("outbox", "--status", "hilang", env={"SMARTCITY_LANG": "id"})
    assert result.exit_code == 1
    assert result.stderr.strip() == ("kesalahan: status 'hilang' tidak dikenal; gunakan salah "
                                     "satu dari pending, sending, sent, dead")
