"""Upgrading to evaluation editions keeps every window's scores as they were.

Proves on both databases: a database at revision 0006 with two windows is upgraded to head:
one ``default`` edition is frozen from the settings of the upgrade (here weights given in the
environment, as a deployment sets them), starting 2017-01-01, and both windows are attached
to it; a database without windows gets no edition (the first window makes it); downgrading
removes the table and the column.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

import migrations
from engine import Database

T0 = datetime(2026, 5, 31, 17, 0, tzinfo=UTC)


def test_existing_windows_are_attached_to_a_default_edition_from_the_settings(
        empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_EVALUATION_WEIGHTS",
                       "baseline=0.1,output=0.2,outcome=0.3,impact=0.2,quick_win=0.2")
    db = Database(empty_url)
    try:
        migrations.upgrade(db.engine, "0006")
        with db.transaction() as session:
            for n, name in enumerate(("2026-H1", "2026-H2"), start=1):
                session.execute(text(
                    "INSERT INTO evaluation_window (id, name, opens_at, closes_at, status) "
                    "VALUES (:id, :name, :t, :t, 'scheduled')"), {"id": n, "name": name, "t": T0})
        migrations.upgrade(db.engine)
        assert migrations.current(db.engine) == migrations.head()
        with db.read() as session:
            editions = session.execute(text(
                "SELECT id, key, starts_on, instrument_key, instrument, sha256 "
                "FROM evaluation_edition")).all()
            attached = session.execute(text(
                "SELECT name, edition_id FROM evaluation_window ORDER BY name")).all()
        [(edition_id, key, starts_on, instrument_key, frozen, sha)] = editions
        assert (key, str(starts_on), instrument_key) == ("default", "2017-01-01", "settings")
        assert json.loads(frozen)["parts"] == {"baseline": 0.1, "output": 0.2, "outcome": 0.3,
                                               "impact": 0.2, "quick_win": 0.2}
        assert json.loads(frozen)["scale"] == {"low": 1.0, "high": 4.0}
        assert len(sha) == 64
        assert [tuple(a) for a in attached] == [("2026-H1", edition_id),
                                                ("2026-H2", edition_id)]

        migrations.downgrade(db.engine, "0006")
        assert "evaluation_edition" not in inspect(db.engine).get_table_names()
        assert "edition_id" not in {c["name"] for c in
                                    inspect(db.engine).get_columns("evaluation_window")}
    finally:
        db.dispose()


def test_a_database_without_windows_gets_no_edition(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        migrations.upgrade(db.engine)
        with db.read() as session:
            assert session.execute(text("SELECT count(*) FROM evaluation_edition")).scalar() == 0
    finally:
        db.dispose()
