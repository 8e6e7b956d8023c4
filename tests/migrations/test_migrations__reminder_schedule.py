"""Upgrading to reminder schedules keeps every reminder that was planned and not yet sent.

Proves on both databases: a database at revision 0004 with a cohort date and two open
deadlines (one with reminders still planned, one with all of them sent) and a closed one is
upgraded to head: each open deadline gets one schedule row, due at once; the one with planned
reminders is handled from just before the earliest of them, so the next sweep still sends it;
cohort-origin deadlines and cohort dates are marked as announced in WIB; the closed deadline
gets no row; the old reminder table is gone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text

import migrations
from engine import Database

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
NOW_ISH = timedelta(minutes=5)


def _insert(db: Database, sql: str, **values: object) -> None:
    with db.transaction() as session:
        session.execute(text(sql), values)


def test_open_deadlines_get_a_schedule_and_keep_their_unsent_reminders(
        empty_url: str) -> None:
    db = Database(empty_url)
    try:
        migrations.upgrade(db.engine, "0004")
        _insert(db, "INSERT INTO workflow_definition (id, key, version, title, source_text, "
                    "sha256, published_at) VALUES (1, 'w', 1, 'W', 'x', :sha, :t)",
                sha="0" * 64, t=T0)
        _insert(db, "INSERT INTO workflow_instance (id, definition_key, definition_version, "
                    "subject, cycle, state, version, created_at, updated_at, entered_at) "
                    "VALUES (1, 'w', 1, '64.71', 1, 'b', 2, :t, :t, :t)", t=T0)
        for deadline_id, state, origin, closed in ((1, "a", "definition", T0),
                                                   (2, "b", "cohort", None),
                                                   (3, "b", "region", None)):
            _insert(db, "INSERT INTO deadline (id, instance_id, state, due_at, origin, "
                        "version, created_at, closed_at) VALUES (:id, 1, :state, :due, "
                        ":origin, 1, :t, :closed)",
                    id=deadline_id, state=state, due=T0 + timedelta(days=20), origin=origin,
                    t=T0, closed=closed)
        first_planned = T0 + timedelta(days=13)
        for n, (deadline_id, status, due) in enumerate((
                (2, "planned", first_planned), (2, "planned", T0 + timedelta(days=17)),
                (2, "queued", T0 + timedelta(days=3)), (3, "queued", T0 + timedelta(days=3)))):
            _insert(db, "INSERT INTO reminder (key, deadline_id, deadline_version, recipient, "
                        "kind, offset_days, due_at, status, created_at) VALUES (:k, :d, 1, "
                        "'a@x.id', 'before', 7, :due, :status, :t)",
                    k=f"k{n}", d=deadline_id, due=due, status=status, t=T0)

        before = datetime.now(UTC)
        migrations.upgrade(db.engine)
        assert migrations.current(db.engine) == migrations.head()
        assert "reminder" not in inspect(db.engine).get_table_names()
        with db.read() as session:
            rows = {r.deadline_id: r for r in session.execute(text(
                "SELECT deadline_id, version, since, done_until, next_at "
                "FROM reminder_schedule")).all()}
            tz = dict(session.execute(text("SELECT id, tz FROM deadline")).all())
        assert set(rows) == {2, 3}  # the closed deadline has none
        planned = rows[2]
        done = _aware(planned.done_until)
        assert done == first_planned - timedelta(seconds=1)  # the first unsent stays due
        assert _aware(rows[3].done_until) - before < NOW_ISH  # nothing unsent: from now
        assert all(_aware(r.next_at) - before < NOW_ISH for r in rows.values())  # due at once
        assert tz == {1: None, 2: "Asia/Jakarta", 3: None}
    finally:
        db.dispose()


def _aware(value: datetime | str) -> datetime:
    """A raw column value as an aware UTC datetime (SQLite returns text, PostgreSQL aware)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
