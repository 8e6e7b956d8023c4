"""Persisted transitions per second: the engine beside the raw database, in the same run.

For each database (a SQLite file in WAL mode, and PostgreSQL when reachable) this measures:

* **engine**: ``WorkflowEngine.fire`` in its own transaction (read the instance, check role
  and scope, run the shared ``transitions`` machine, guarded UPDATE with the version check,
  INSERT of the history row, COMMIT);
* **raw**: SQLAlchemy Core on the same engine and the same tables committing one UPDATE plus
  one INSERT per transaction, with statements built once, each transaction in its own
  ``engine.begin()`` (a pooled connection per transaction, as every user action has);
* **raw, held connection**: the same on one connection kept open for the whole run, the
  floor any engine pays (shown too; the engine's extra read of the instance and its Session
  cost most against it);

interleaved over several rounds (medians reported) so machine noise hits both alike, and
prints their ratios (target: engine >= 0.5 of raw). It also reports the engine's own CPU cost
per trigger (the shared machine firing on a context, no database), in microseconds.

    .venv/bin/python bench/transitions_rate.py [--n 2000] [--rounds 3] \\
        [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import pg_database

from engine import (
    Actor,
    Database,
    GuardRegistry,
    TransitionContext,
    WorkflowEngine,
    load_definition,
)
from engine.models import HistoryEntry, WorkflowInstance
from migrations import upgrade

DEFINITION = """
key: bench
version: 1
title: Two states and back
initial: open
roles: {coordinator: {}}
states: {open: {}, closed: {}}
transitions:
  - {trigger: close, source: open, dest: closed, roles: [coordinator]}
  - {trigger: reopen, source: closed, dest: open, roles: [coordinator]}
"""
INSTANCES = 100
ACTOR = Actor("bench@example.org", "coordinator")


def setup(url: str) -> tuple[Database, WorkflowEngine, list[int]]:
    db = Database(url)
    upgrade(db.engine)
    engine = WorkflowEngine(GuardRegistry())
    with db.transaction() as session:
        engine.publish(session, load_definition(DEFINITION, "bench"))
        ids = [engine.start(session, "bench", f"S{i:03d}", ACTOR).id for i in range(INSTANCES)]
    return db, engine, ids


def current_states(db: Database) -> dict[int, str]:
    with db.engine.connect() as conn:
        return dict(conn.execute(text("select id, state from workflow_instance")).all())


def run_engine(db: Database, engine: WorkflowEngine, ids: list[int], n: int) -> float:
    states = current_states(db)
    start = time.perf_counter()
    for k in range(n):
        instance_id = ids[k % len(ids)]
        trigger = "close" if states[instance_id] == "open" else "reopen"
        with db.transaction() as session:
            result = engine.fire(session, instance_id, trigger, ACTOR)
        states[instance_id] = result.to_state
    return n / (time.perf_counter() - start)


def run_raw(db: Database, ids: list[int], n: int, *, per_transaction: bool) -> float:
    instance = WorkflowInstance.__table__  # type: ignore[attr-defined]
    history = HistoryEntry.__table__  # type: ignore[attr-defined]
    bind = db.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
    with bind.connect() as conn:
        seqs = dict(conn.execute(
            text("select instance_id, max(seq) from workflow_history group by instance_id")
        ).all())
    states = current_states(db)
    flip = {"open": "closed", "closed": "open"}
    upd = update(instance).where(instance.c.id == text(":iid")).values(
        state=text(":state"), version=instance.c.version + 1, updated_at=text(":now"))
    ins = insert(history)
    start = time.perf_counter()
    held = None if per_transaction else bind.connect()
    for k in range(n):
        instance_id = ids[k % len(ids)]
        seqs[instance_id] += 1
        source, dest = states[instance_id], flip[states[instance_id]]
        states[instance_id] = dest
        now = datetime.now(UTC)
        with (bind.begin() if held is None else held.begin()) as tx:
            conn = tx if held is None else held
            conn.execute(upd, {"iid": instance_id, "state": dest, "now": now})
            conn.execute(ins, {
                "instance_id": instance_id, "seq": seqs[instance_id], "at": now,
                "actor": ACTOR.identity, "role": ACTOR.role, "kind": "transition",
                "trigger": "raw", "from_state": source, "to_state": dest,
            })
    if held is not None:
        held.close()
    return n / (time.perf_counter() - start)


def machine_microseconds(engine: WorkflowEngine, db: Database, ids: list[int]) -> float:
    """CPU cost of the engine's state machine alone: fire on a context, no database."""
    with db.read() as session:
        instance = engine.get_instance(session, ids[0])
        loaded = engine.definition(session, "bench", 1)
        machine = engine._machines.get(loaded)
        d = loaded.definition
        reps = 20_000
        start = time.perf_counter()
        for _ in range(reps):
            ctx = TransitionContext(session, instance, d, ACTOR, None, instance.entered_at,
                                    "close")
            ctx.state = "open"
            machine.events["close"].trigger(ctx)
        return (time.perf_counter() - start) / reps * 1e6


def measure(label: str, url: str, n: int, rounds: int) -> dict[str, float]:
    db, engine, ids = setup(url)
    warm = max(50, n // 10)  # caches and pooled connections for all three
    run_raw(db, ids, warm, per_transaction=False)
    run_raw(db, ids, warm, per_transaction=True)
    run_engine(db, engine, ids, warm)
    held, checkout, eng = [], [], []
    for _ in range(rounds):
        held.append(run_raw(db, ids, n, per_transaction=False))
        checkout.append(run_raw(db, ids, n, per_transaction=True))
        eng.append(run_engine(db, engine, ids, n))
    result = {
        "raw_held": statistics.median(held),
        "raw": statistics.median(checkout),
        "engine": statistics.median(eng),
        "machine_us": machine_microseconds(engine, db, ids),
    }
    result["ratio"] = result["engine"] / result["raw"]
    result["ratio_held"] = result["engine"] / result["raw_held"]
    db.dispose()
    print(f"{label:<11} raw {result['raw']:6.0f} tx/s (held connection {result['raw_held']:6.0f})"
          f"   engine {result['engine']:6.0f} tx/s   ratio {result['ratio']:.2f} "
          f"(vs held {result['ratio_held']:.2f})   machine {result['machine_us']:.1f} us/trigger",
          flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="transitions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    results = {}
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            results["sqlite"] = measure("SQLite WAL", f"sqlite:///{folder}/bench.db",
                                        args.n, args.rounds)
    if "postgresql" in backends:
        try:
            url, drop = pg_database(args.pg_url, "bench_transitions")
        except DBAPIError as exc:
            print(f"PostgreSQL skipped: not reachable at {args.pg_url} ({exc.orig or exc})")
            backends.remove("postgresql")
    if "postgresql" in backends:
        try:
            results["postgresql"] = measure("PostgreSQL", url, args.n, args.rounds)
        finally:
            drop()
    worst = min(r["ratio"] for r in results.values())
    print(f"target: engine >= 0.50 of raw (connection per transaction); worst {worst:.2f}: "
          + ("met" if worst >= 0.5 else "NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
