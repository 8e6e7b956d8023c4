"""``smartcity status`` and ``smartcity deadlines`` mark what is overdue, in the reader's language.

A region in the MoU stage has a deadline 120 days after it entered it. Read on the real clock
nothing is late; read 200 days later (``SMARTCITY_NOW``) the "overdue" column says by how many
days, in red, and a line under the table counts the regions past their deadline. In Indonesian
(``SMARTCITY_LANG=id``) the column is "terlambat" and the days "hari".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import get_settings


@pytest.fixture
def later(cli, cast) -> Iterator[dict[str, str]]:
    """64.71 in the MoU stage; the environment of a reading 200 days from now."""
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    cli.ok("advance", cast.region, "assess", "--as", cast.assessor)
    yield {"SMARTCITY_NOW": (datetime.now(UTC) + timedelta(days=200)).isoformat()}
    get_settings.cache_clear()


def _run(cli, *args: str, **env: str) -> str:
    get_settings.cache_clear()  # settings are read once per process: read these
    result = cli.run(*args, env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def test_status_marks_the_overdue_regions_and_counts_them(cli, cast, later) -> None:
    now = cli.table(_run(cli, "status"))
    assert [r["overdue"] for r in now] == [""]
    (row,) = cli.table(out := _run(cli, "status", **later))
    assert re.fullmatch(r"(7\d|80) days", row["overdue"]), row
    assert row["due"] and row["stage"]
    assert "Past their deadline: 1 of 1 regions" in out


def _cell(pattern: str) -> re.Pattern[str]:
    """A table cell holding exactly ``pattern`` (the deadlines table wraps its first column,
    so its rows are not read back with ``cli.table``)."""
    return re.compile(rf"│\s*{pattern}\s*│")


def test_deadlines_mark_the_overdue_ones(cli, cast, later) -> None:
    now = cli.clean(_run(cli, "deadlines"))
    assert "overdue" in now and " workflow " in now
    assert not _cell(r"\d+ days?").search(now) and "Past their deadline" not in now
    out = cli.clean(_run(cli, "deadlines", **later))
    assert _cell(r"\d+ days").search(out), out
    assert "Past their deadline: 1 of 1" in out


def test_in_indonesian(cli, cast, later) -> None:
    out = _run(cli, "status", SMARTCITY_LANG="id", **later)
    assert "Kohort Smart City 2026: 1 daerah" in out
    (row,) = cli.table(out)
    assert re.fullmatch(r"\d+ hari", row["terlambat"]), row
    assert row["tahap"] == "Penandatanganan MoU"
    assert "Melewati tenggat: 1 dari 1 daerah" in out
    deadlines = cli.clean(_run(cli, "deadlines", SMARTCITY_LANG="id", **later))
    assert "terlambat" in deadlines and "alur kerja" in deadlines
    assert _cell(r"\d+ hari").search(deadlines), deadlines
    assert "Melewati tenggat: 1 dari 1" in deadlines
