"""Finding the due reminders among 10,000 and among 1,000,000 planned ones.

For each database (a SQLite file in WAL mode, and PostgreSQL when reachable) this plans
reminders in bulk (SQLAlchemy Core ``executemany`` in chunks), a fixed number (``--due``,
default 500) due now and the rest spread over the next year, then times the sweep's own
due-selection query (:func:`workflows.deadlines.sweep.due_reminders`: ``status='planned' AND
due_at <= now ORDER BY due_at`` through ``ix_reminder_status_due``) as the median of several
runs, first at 10,000 planned rows, then after topping up to 1,000,000. It prints both times
and their ratio (target: within 2x, because the sweep costs what is due, not what is
planned), and the query plan at the large size.

    .venv/bin/python bench/reminder_sweep.py [--small 10000] [--large 1000000] [--due 500]
        [--runs 15] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import pg_database

from engine import Database
from engine.models import Deadline, WorkflowInstance
from migrations import upgrade
from workflows.deadlines.models import Reminder
from workflows.deadlines.sweep import due_reminders

NOW = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
CHUNK = 20_000
REMINDER = Reminder.__table__  # type: ignore[attr-defined]
DEADLINES = 200


def setup(url: str) -> tuple[Database, list[int]]:
    db = Database(url)
    upgrade(db.engine)
    with db.engine.begin() as conn:
        iid = conn.execute(insert(WorkflowInstance.__table__).values(  # type: ignore[attr-defined]
            definition_key="bench", definition_version=1, subject="00.00", cycle=1,
            state="open", version=1, created_at=NOW, updated_at=NOW, entered_at=NOW,
        ).returning(WorkflowInstance.__table__.c.id)).scalar_one()  # type: ignore[attr-defined]
        ids = [conn.execute(insert(Deadline.__table__).values(  # type: ignore[attr-defined]
            instance_id=iid, state="open", due_at=NOW + timedelta(days=30), origin="bench",
            version=1, created_at=NOW).returning(Deadline.__table__.c.id)).scalar_one()  # type: ignore[attr-defined]
            for _ in range(DEADLINES)]
    return db, ids


def plan(db: Database, deadline_ids: list[int], start: int, stop: int, due_now: set[int],
         rng: random.Random) -> None:
    """Insert reminders numbered start..stop-1; those in ``due_now`` are due, the rest later."""
    with db.engine.begin() as conn:
        for lo in range(start, stop, CHUNK):
            rows = []
            for n in range(lo, min(stop, lo + CHUNK)):
                if n in due_now:
                    due = NOW - timedelta(minutes=rng.randint(0, 600))
                else:
                    due = NOW + timedelta(minutes=rng.randint(1, 365 * 24 * 60))
                rows.append({
                    "key": f"bench:{n}", "deadline_id": deadline_ids[n % len(deadline_ids)],
                    "deadline_version": 1, "recipient": f"opd{n % 5000}@pemda.go.id",
                    "kind": "before", "offset_days": 1, "due_at": due, "status": "planned",
                    "outbox_id": None, "created_at": NOW,
                })
            conn.execute(insert(REMINDER), rows)
        conn.execute(text("ANALYZE"))


def time_query(db: Database, runs: int, due: int) -> float:
    """Median seconds of the sweep's due selection (rows fetched), after one warm-up."""
    query = due_reminders(NOW, limit=5000)
    times = []
    with db.engine.connect() as conn:
        for i in range(runs + 1):
            t0 = time.perf_counter()
            rows = conn.execute(query).all()
            elapsed = time.perf_counter() - t0
            assert len(rows) == due, (len(rows), due)
            if i:
                times.append(elapsed)
    return statistics.median(times)


def explain(db: Database) -> str:
    compiled = due_reminders(NOW, limit=5000).compile(
        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.engine.connect() as conn:
        rows = conn.execute(text(prefix + str(compiled))).all()
    return " | ".join(str(r[-1]) for r in rows)


def measure(label: str, url: str, small: int, large: int, due: int,
            runs: int) -> dict[str, float]:
    db, deadline_ids = setup(url)
    rng = random.Random(7)
    due_now = set(rng.sample(range(small), due))  # the same due rows at both sizes
    t0 = time.perf_counter()
    plan(db, deadline_ids, 0, small, due_now, rng)
    t_small = time_query(db, runs, due)
    plan(db, deadline_ids, small, large, due_now, rng)
    loaded = time.perf_counter() - t0
    t_large = time_query(db, runs, due)
    plan_text = explain(db)
    db.dispose()
    ratio = t_large / t_small
    print(f"{label:<11} due {due} of {small:>9,}: {t_small * 1000:7.2f} ms   "
          f"of {large:>9,}: {t_large * 1000:7.2f} ms   ratio {ratio:.2f}   "
          f"(planning {large:,} rows took {loaded:.0f} s)", flush=True)
    print(f"{'':<11} plan: {plan_text}", flush=True)
    return {"small": t_small, "large": t_large, "ratio": ratio}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    backends = args.backends.split(",")
    common: dict[str, Any] = {"small": args.small, "large": args.large, "due": args.due,
                              "runs": args.runs}
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            results["sqlite"] = measure("SQLite WAL", f"sqlite:///{folder}/bench.db", **common)
    if "postgresql" in backends:
        try:
            url, drop = pg_database(args.pg_url, "bench_sweep")
        except DBAPIError as exc:
            print(f"PostgreSQL skipped: not reachable at {args.pg_url} ({exc.orig or exc})")
        else:
            try:
                results["postgresql"] = measure("PostgreSQL", url, **common)
            finally:
                drop()
    worst = max(r["ratio"] for r in results.values())
    print(f"target: {args.large:,} planned within 2x of {args.small:,}; worst ratio "
          f"{worst:.2f}: " + ("met" if worst <= 2.0 else "NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
