"""A region's submissions: every version of each deliverable, per party, with its file.

``sent.submissions`` (``workflows.reporting.submissions``) lists the current cycle's versions in
the order they were submitted, numbered per deliverable and party (an OPD's questionnaire is its
own), with who sent them, the file's name and SHA-256, and the time as an aware UTC datetime. On
SQLite and PostgreSQL, with the simulated clock of ``tests/conftest.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.reporting import submissions as sent

BALIKPAPAN = "64.71"  # Kota Balikpapan, Kalimantan Timur, WITA
T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 WIB, 10:00 WITA, 11:00 WIT
DAY = timedelta(days=1)


def _is_utc(value: datetime | None) -> bool:
    return value is not None and value.utcoffset() == timedelta(0)


def test_submissions_list_versions_and_parties(world: Any, clock: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "bimtek_1")
    clock.now = T0 + 10 * DAY
    world.submit(r.code, "questionnaire", r.opds["BAPPEDA"])
    world.submit(r.code, "questionnaire", r.opds["DISKOMINFO"])
    world.submit(r.code, "buku_1", r.opds["BAPPEDA"], note="draf pertama")
    world.submit(r.code, "questionnaire", r.opds["BAPPEDA"])
    with world.prog.db.read() as session:
        rows = sent.submissions(world.prog, session, r.code)
    assert [(s.deliverable, s.party, s.version, s.submitted_by, s.reviews) for s in rows
            if s.submitted_at == T0 + 10 * DAY] == [
        ("questionnaire", "BAPPEDA", 1, r.opds["BAPPEDA"], ()),
        ("questionnaire", "DISKOMINFO", 1, r.opds["DISKOMINFO"], ()),
        ("buku_1", "", 1, r.opds["BAPPEDA"], ()),
        ("questionnaire", "BAPPEDA", 2, r.opds["BAPPEDA"], ()),
    ]
    assert [s.deliverable for s in rows[:4]] == [
        "assessment_result", "signed_mou", "council_decree", "implementation_team_decree"]
    assert all(s.file_name.endswith(".pdf") and len(s.sha256) == 64 for s in rows)
    assert all(_is_utc(s.submitted_at) for s in rows)
