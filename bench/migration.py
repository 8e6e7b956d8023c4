"""Migrating 500 running regions to another version of the master plan, beside a raw baseline.

For each database (a SQLite file in WAL mode, and PostgreSQL when reachable) this sets up the
programme with :func:`~interfaces.bootstrap.initialise` (514 regions, master plan version 4),
selects ``--regions`` (default 500) regions into one cohort (each starts its master plan in
``assessment``) and publishes a version 5 that gives ``assessment`` a 30-day deadline. Then,
through :mod:`workflows.migrations` (what ``smartcity workflow migrate --all`` runs):

* the **dry run** (the plan of every region, nothing written);
* the **migration**, one transaction per region (the default): each region's version-checked
  UPDATE, its history entry, the deadline opened and its reminder schedule row, its line of
  the migration's record; and its **revert**;
* the same **all or nothing** (one transaction for the batch), and its revert.

Beside them, in the same run, a **raw baseline** written here with SQLAlchemy Core does the
least the same job needs, one transaction per region: a version-checked UPDATE of the
instance, one history INSERT, one deadline INSERT and one reminder schedule INSERT (the state
is put back before the programme's migration runs). Reported: seconds for each, the migration
per region, the ratio migration / baseline, and the target: 500 regions in under a minute.

    .venv/bin/python bench/migration.py [--regions 500] [--backends sqlite,postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import pg_database

from config.settings import Settings
from engine import load_definition
from engine.models import Deadline, HistoryEntry, WorkflowInstance
from interfaces.bootstrap import initialise
from workflows import migrations
from workflows.deadlines.models import ReminderSchedule
from workflows.directory import cohorts, imports, registration
from workflows.directory.models import Region
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
COORDINATOR = "koordinator@komdigi.go.id"
COHORT = "Bench 2026"
V4 = Path(__file__).resolve().parents[1] / "workflows" / "definitions" / "master_plan.yaml"
INSTANCE = WorkflowInstance.__table__  # type: ignore[attr-defined]
HISTORY = HistoryEntry.__table__  # type: ignore[attr-defined]
DEADLINE = Deadline.__table__  # type: ignore[attr-defined]
SCHEDULE = ReminderSchedule.__table__  # type: ignore[attr-defined]


def setup(url: str, folder: Path, count: int) -> Programme:
    prog = Programme(Settings(data_dir=folder / "data", database_url=url), clock=lambda: NOW)
    initialise(prog)
    registration.upsert_people(prog, imports.parse_people(
        f"email,name,role,region\n{COORDINATOR},Tim Koordinator,coordinator,\n"))
    with prog.db.read() as session:
        codes = list(session.execute(select(col(Region.code)).order_by(col(Region.code))
                                     .limit(count)).scalars())
    cohorts.create_cohort(prog, COHORT, 2026)
    cohorts.add_members(prog, COHORT, codes)
    source = V4.read_text("utf-8").replace("\nversion: 4\n", "\nversion: 5\n").replace(
        "    requires: [assessment_result]\n",
        "    requires: [assessment_result]\n    deadline: {days: 30}\n", 1)
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(source, "v5", prog.guards))
    return prog


def raw_baseline(prog: Programme) -> float:
    """One transaction per region: UPDATE (version-checked), history, deadline, schedule."""
    with prog.db.read() as session:
        rows = session.execute(select(INSTANCE.c.id, INSTANCE.c.state, INSTANCE.c.version)
                               .where(INSTANCE.c.definition_key == MASTER_PLAN)).all()
    move = update(INSTANCE).where(INSTANCE.c.id == bindparam("iid"),
                                  INSTANCE.c.version == bindparam("seen")).values(
        definition_version=5, version=bindparam("next"), updated_at=bindparam("now"))
    due = NOW + timedelta(days=30)
    started = time.perf_counter()
    opened = []
    for iid, state, version in rows:
        with prog.db.engine.begin() as conn:
            assert conn.execute(move, {"iid": iid, "seen": version, "next": version + 1,
                                       "now": NOW}).rowcount == 1
            conn.execute(insert(HISTORY), {
                "instance_id": iid, "seq": version + 1, "at": NOW, "actor": COORDINATOR,
                "role": "coordinator", "kind": "migration", "trigger": "migrate",
                "from_state": state, "to_state": state, "comment": None,
                "detail": "v4->v5 raw"})
            did = conn.execute(insert(DEADLINE).returning(DEADLINE.c.id), {
                "instance_id": iid, "state": state, "due_at": due, "origin": "definition",
                "version": 1, "created_at": NOW, "tz": None}).scalar_one()
            conn.execute(insert(SCHEDULE), {"deadline_id": did, "version": 1, "since": NOW,
                                            "done_until": NOW, "next_at": NOW})
            opened.append(did)
    elapsed = time.perf_counter() - started
    # Put the state back (the history is append-only and stays: its seq follows the version).
    with prog.db.engine.begin() as conn:
        conn.execute(delete(SCHEDULE).where(SCHEDULE.c.deadline_id.in_(opened)))
        conn.execute(update(DEADLINE).where(DEADLINE.c.id.in_(opened)).values(closed_at=NOW))
        conn.execute(update(INSTANCE).where(INSTANCE.c.definition_key == MASTER_PLAN)
                     .values(definition_version=4))
    return elapsed


def timed(label: str, run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    print(f"  {label:<38} {elapsed:7.2f} s")
    return elapsed, result


def measure(name: str, url: str, folder: Path, count: int) -> dict[str, float]:
    print(f"{name}: setting up {count} regions ...")
    prog = setup(url, folder, count)
    try:
        every = migrations.Scope(all=True)
        raw = raw_baseline(prog)
        print(f"  {'raw baseline (tx per region)':<38} {raw:7.2f} s")
        dry_s, dry = timed("dry run (plan)", lambda: migrations.migrate(
            prog, MASTER_PLAN, 5, every, COORDINATOR, dry_run=True))
        assert sum(p.applies for p in dry.plans) == count, "every region is planned"
        per_s, done = timed("migrate, tx per region", lambda: migrations.migrate(
            prog, MASTER_PLAN, 5, every, COORDINATOR))
        assert done.ok and len(done.applied) == count
        rev_s, back = timed("revert, tx per region", lambda: migrations.revert(
            prog, done.migration_id, COORDINATOR))
        assert back.ok and len(back.applied) == count
        all_s, whole = timed("migrate, all or nothing", lambda: migrations.migrate(
            prog, MASTER_PLAN, 5, every, COORDINATOR, all_or_nothing=True))
        assert whole.ok and len(whole.applied) == count
        rev_all_s, _ = timed("revert, all or nothing", lambda: migrations.revert(
            prog, whole.migration_id, COORDINATOR, all_or_nothing=True))
    finally:
        prog.close()
    print(f"  per region: {per_s / count * 1000:.1f} ms; migration / raw baseline: "
          f"{per_s / raw:.1f}x (all or nothing {all_s / raw:.1f}x)")
    return {"raw": raw, "dry": dry_s, "per": per_s, "revert": rev_s, "all": all_s,
            "revert_all": rev_all_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as name:
            results["SQLite WAL"] = measure("SQLite WAL", f"sqlite:///{name}/bench.db",
                                            Path(name), args.regions)
    if "postgresql" in backends:
        try:
            url, drop = pg_database(args.pg_url, "bench_migration")
        except DBAPIError as exc:
            print(f"PostgreSQL skipped: not reachable at {args.pg_url} ({exc.orig or exc})")
        else:
            try:
                with tempfile.TemporaryDirectory() as name:
                    results["PostgreSQL"] = measure("PostgreSQL", url, Path(name),
                                                    args.regions)
            finally:
                drop()
    print("\n| database | raw baseline | dry run | migrate (tx/region) | revert | "
          "all or nothing | ratio |")
    print("|---|---|---|---|---|---|---|")
    for backend, r in results.items():
        print(f"| {backend} | {r['raw']:.2f} s | {r['dry']:.2f} s | {r['per']:.2f} s | "
              f"{r['revert']:.2f} s | {r['all']:.2f} s | {r['per'] / r['raw']:.1f}x |")
    worst = max(max(r["per"], r["all"], r["revert"]) for r in results.values())
    print(f"target: {args.regions} regions in under 60 s; slowest {worst:.1f} s: "
          + ("met" if worst < 60 else "NOT met"))


if __name__ == "__main__":
    main()
