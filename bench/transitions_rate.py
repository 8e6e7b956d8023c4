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

interleaved over several rounds (medians reported) so machine noise hits all alike, and prints
their ratios (target: engine >= 0.5 of raw). It also reports the engine's own CPU cost per
trigger (the shared machine firing on a context, no database), in microseconds.

A bare transition is not what a user waits for, so in the same rounds it also measures two
full user actions through the programme layer (:mod:`workflows.master_plan.actions`, on a
:class:`~workflows.programme.Programme` whose database
:func:`~interfaces.bootstrap.initialise` set up: 514 regions, the master plan published), on
real regions of one cohort, each with 30 OPDs:

* **advance**: a coordinator closes bimtek I (``close_bimtek_1``), each region its own
  action and transaction. It is the engine's transition plus everything the programme adds:
  resolving the region and the actor from their names, the guard that reads the region's 30
  OPDs and every questionnaire sent, closing bimtek I's deadline, and opening bimtek II's at the
  date the cohort set for it (:func:`~workflows.deadlines.setting.set_cohort_deadline`, read by
  the deadline policy) with its reminder schedule row (the engine's listeners; no email is
  queued on entering a bimtek stage);
* **submission**: an OPD uploads its questionnaire (a per-OPD deliverable of bimtek I) from a
  file (:func:`~workflows.master_plan.actions.submit`): the upload checks, the region and
  actor, the scope check and the OPD's membership among the region's 30, the new version with
  the instance's version bump and history row, and the file stored by checksum (fsynced).

Before timing, ``--regions`` regions per round (and one to warm up) are walked along the
master plan through the same actions up to bimtek I (not timed); each round then times the 30
questionnaires of its regions, then their advances. Their rates (actions per second, medians
of the rounds) are printed as ratios to the bare engine's rate of the same run (target: a full
user action >= 0.25 of a bare ``fire``): the ratio is what the programme's layer costs on top
of the engine. ``--profile`` then profiles the same actions on 10 more regions (300
submissions, 10 advances) and prints the top functions by cumulative time.

    .venv/bin/python bench/transitions_rate.py [--n 2000] [--rounds 3] [--regions 50] \\
        [--backends sqlite,postgresql] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import pg_database

from config.settings import Settings
from engine import (
    Actor,
    Database,
    GuardRegistry,
    Records,
    TransitionContext,
    WorkflowEngine,
    load_definition,
)
from engine.models import HistoryEntry, WorkflowInstance
from interfaces.bootstrap import initialise
from migrations import upgrade
from workflows.deadlines.setting import set_cohort_deadline
from workflows.directory import cohorts, imports, registration
from workflows.directory.models import Region
from workflows.master_plan import actions, uploads
from workflows.programme import Programme

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


# -- full user actions through the programme layer ---------------------------------------------

NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # a Monday: the programme's fixed clock
COORDINATOR = "koordinator@komdigi.go.id"
COHORT = "Bench 2026"
OPDS = 30
ADVANCE, ENTERED = "close_bimtek_1", "bimtek_2"
COHORT_DATE = date(2026, 3, 31)  # the cohort's date for bimtek II
QUESTIONNAIRE = "questionnaire"
PROFILED = 10  # regions set aside for --profile


@dataclass(frozen=True)
class Ready:
    """A region in bimtek I: its OPDs' addresses, each with the questionnaire file it sends."""

    code: str
    files: list[tuple[str, Path]]


def setup_programme(url: str, folder: Path, count: int) -> tuple[Programme, list[Ready]]:
    """A programme with ``count`` regions of one cohort in bimtek I, each with 30 OPDs, and the
    cohort's date for bimtek II; every step through the programme's own actions."""
    prog = Programme(Settings(data_dir=folder / "data", database_url=url), clock=lambda: NOW)
    initialise(prog)
    registration.upsert_people(prog, imports.parse_people(
        f"email,name,role,region\n{COORDINATOR},Tim Koordinator,coordinator,\n"))
    with prog.db.read() as session:
        codes = list(session.execute(select(Region.code).order_by(Region.code)
                                     .limit(count)).scalars())
    cohorts.create_cohort(prog, COHORT, 2026)
    cohorts.add_members(prog, COHORT, codes)
    rows = ["region,code,name,email,dimension"]
    emails: dict[str, list[str]] = {}
    for code in codes:
        slug = code.replace(".", "")
        emails[code] = [f"opd{i:02d}.{slug}@pemda.go.id" for i in range(OPDS)]
        rows += [f"{code},OPD{i:02d},Dinas {i} {code},{email},"
                 for i, email in enumerate(emails[code])]
    registration.upsert_opds(prog, imports.parse_opds("\n".join(rows) + "\n", prog.dimensions))
    set_cohort_deadline(prog, COHORT, ENTERED, COHORT_DATE, actor=COORDINATOR)
    files = folder / "files"
    files.mkdir()
    doc = files / "document.pdf"
    doc.write_bytes(b"%PDF-1.4\n% smartcity bench document\n%%EOF\n")
    steps = [("submit", "assessment_result"), ("advance", "assess"),
             ("submit", "signed_mou"), ("advance", "sign_mou"),
             ("submit", "council_decree"), ("submit", "implementation_team_decree"),
             ("advance", "establish_institutions")]
    ready = []
    for code in codes:
        for kind, name in steps:
            if kind == "submit":
                actions.submit(prog, code, name, doc, COORDINATOR)
            else:
                actions.advance(prog, code, name, COORDINATOR)
        sent = []
        for email in emails[code]:
            path = files / f"questionnaire-{email}.pdf"  # a different file from every OPD
            path.write_bytes(b"%PDF-1.4\n% questionnaire of " + email.encode() + b"\n%%EOF\n")
            sent.append((email, path))
        ready.append(Ready(code, sent))
    return prog, ready


def run_submissions(prog: Programme, regions: list[Ready]) -> float:
    """Every OPD of ``regions`` sends its questionnaire: submissions per second."""
    start = time.perf_counter()
    for region in regions:
        for email, path in region.files:
            actions.submit(prog, region.code, QUESTIONNAIRE, path, email)
    return sum(len(r.files) for r in regions) / (time.perf_counter() - start)


def run_file_writes(folder: Path, regions: list[Ready], tag: str) -> float:
    """The submissions' files written alone, durably, by the function a submission uses
    (new content each, as every questionnaire is): files per second. The part of a
    submission that is the disk's, measured beside it in the same round."""
    import hashlib

    target = folder / f"files-{tag}"
    count, start = 0, time.perf_counter()
    for region in regions:
        for email, _ in region.files:
            data = b"%PDF-1.4\n% questionnaire of " + email.encode() + tag.encode() + b"\n"
            uploads.write(target, data, hashlib.sha256(data).hexdigest())
            count += 1
    return count / (time.perf_counter() - start)


def run_advances(prog: Programme, regions: list[Ready]) -> float:
    """A coordinator closes bimtek I of each of ``regions``: advances per second."""
    start = time.perf_counter()
    for region in regions:
        result = actions.advance(prog, region.code, ADVANCE, COORDINATOR)
        assert result.to_state == ENTERED, result
    return len(regions) / (time.perf_counter() - start)


def check_entered(prog: Programme, region: Ready) -> None:
    """The measured advance did what it says: bimtek II's deadline is the cohort's date."""
    with prog.db.read() as session:
        instance = prog.current_instance(session, region.code)
        opened = Records(session).open_deadline(instance.id, ENTERED)
        assert instance.state == ENTERED and opened is not None, (instance, opened)
        assert opened.origin == "cohort", opened
        assert len(Records(session).submitted(instance.id)) == OPDS + 4


def profiled(call: Callable[[], Any], top: int = 25) -> str:
    profile = cProfile.Profile()
    profile.enable()
    call()
    profile.disable()
    out = io.StringIO()
    order = os.environ.get("BENCH_SORT", "cumulative")  # or tottime
    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
    return out.getvalue()


def profile_actions(prog: Programme, regions: list[Ready]) -> None:
    """cProfile the submissions, then the advances, of ``regions`` (the calls are the same as
    timed; several of each, so that the per-call columns are not rounded away)."""
    count = sum(len(r.files) for r in regions)
    print(f"--- cProfile: {count} submissions ({QUESTIONNAIRE}, {len(regions)} regions) ---")
    print(profiled(lambda: run_submissions(prog, regions)))
    print(f"--- cProfile: {len(regions)} advances ({ADVANCE} into {ENTERED}, {OPDS} OPDs) ---")
    print(profiled(lambda: run_advances(prog, regions)))
    check_entered(prog, regions[-1])


def measure(label: str, url: str, prog_url: str, folder: Path, n: int, rounds: int,
            per_round: int, profile: bool) -> dict[str, float]:
    db, engine, ids = setup(url)
    t0 = time.perf_counter()
    extra = PROFILED if profile else 0
    prog, ready = setup_programme(prog_url, folder, 1 + rounds * per_round + extra)
    prepared = time.perf_counter() - t0
    warm = max(50, n // 10)  # caches and pooled connections for all three
    run_raw(db, ids, warm, per_transaction=False)
    run_raw(db, ids, warm, per_transaction=True)
    run_engine(db, engine, ids, warm)
    run_submissions(prog, ready[:1])  # and for the user actions, on a region of their own
    run_advances(prog, ready[:1])
    held, checkout, eng, submits, advances, files = [], [], [], [], [], []
    for k in range(rounds):
        batch = ready[1 + k * per_round: 1 + (k + 1) * per_round]
        held.append(run_raw(db, ids, n, per_transaction=False))
        checkout.append(run_raw(db, ids, n, per_transaction=True))
        eng.append(run_engine(db, engine, ids, n))
        submits.append(run_submissions(prog, batch))
        files.append(run_file_writes(folder, batch, f"{k}"))
        advances.append(run_advances(prog, batch))
    check_entered(prog, ready[rounds * per_round])
    result = {
        "raw_held": statistics.median(held),
        "raw": statistics.median(checkout),
        "engine": statistics.median(eng),
        "machine_us": machine_microseconds(engine, db, ids),
        "submit": statistics.median(submits),
        "advance": statistics.median(advances),
        "file": statistics.median(files),
    }
    result["ratio"] = result["engine"] / result["raw"]
    result["ratio_held"] = result["engine"] / result["raw_held"]
    result["advance_ratio"] = result["advance"] / result["engine"]
    result["submit_ratio"] = result["submit"] / result["engine"]
    # The submission with its durable file write taken out: what the software costs.
    result["submit_dry"] = 1 / (1 / result["submit"] - 1 / result["file"])
    result["submit_dry_ratio"] = result["submit_dry"] / result["engine"]
    db.dispose()
    print(f"{label:<11} raw {result['raw']:6.0f} tx/s (held connection {result['raw_held']:6.0f})"
          f"   engine {result['engine']:6.0f} tx/s   ratio {result['ratio']:.2f} "
          f"(vs held {result['ratio_held']:.2f})   machine {result['machine_us']:.1f} us/trigger",
          flush=True)
    print(f"{'':<11} user actions ({rounds} x {per_round} regions with {OPDS} OPDs; setup "
          f"{prepared:.0f} s): advance into {ENTERED} with the cohort date "
          f"{result['advance']:5.0f}/s ({1000 / result['advance']:.1f} ms) = "
          f"{result['advance_ratio']:.2f}x engine   submission "
          f"{result['submit']:5.0f}/s ({1000 / result['submit']:.1f} ms) = "
          f"{result['submit_ratio']:.2f}x engine", flush=True)
    print(f"{'':<11} of which the file written durably (create, fsync, rename), timed alone "
          f"in the same rounds: {1000 / result['file']:.2f} ms; the submission without it "
          f"{1000 / result['submit_dry']:.1f} ms = {result['submit_dry_ratio']:.2f}x engine",
          flush=True)
    if profile:
        profile_actions(prog, ready[-extra:])
    prog.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="transitions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--regions", type=int, default=50,
                        help=f"regions per round for the user actions ({OPDS} OPDs each)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true",
                        help=f"cProfile the actions of {PROFILED} more regions after the rounds")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="admin URL; scratch databases are created and dropped")
    args = parser.parse_args()
    results = {}
    backends = args.backends.split(",")
    common = {"n": args.n, "rounds": args.rounds, "per_round": args.regions,
              "profile": args.profile}
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            results["sqlite"] = measure("SQLite WAL", f"sqlite:///{folder}/bench.db",
                                        f"sqlite:///{folder}/programme.db", folder, **common)
    if "postgresql" in backends:
        try:
            url, drop = pg_database(args.pg_url, "bench_transitions")
        except DBAPIError as exc:
            print(f"PostgreSQL skipped: not reachable at {args.pg_url} ({exc.orig or exc})")
            backends.remove("postgresql")
    if "postgresql" in backends:
        try:
            prog_url, drop_prog = pg_database(args.pg_url, "bench_actions")
            try:
                with tempfile.TemporaryDirectory() as name:
                    results["postgresql"] = measure("PostgreSQL", url, prog_url, Path(name),
                                                    **common)
            finally:
                drop_prog()
        finally:
            drop()
    worst = min(r["ratio"] for r in results.values())
    print(f"target: engine >= 0.50 of raw (connection per transaction); worst {worst:.2f}: "
          + ("met" if worst >= 0.5 else "NOT met"))
    action = min(min(r["advance_ratio"], r["submit_ratio"]) for r in results.values())
    print(f"target: a full user action >= 0.25 of the bare engine transition; worst {action:.2f}"
          f" (" + ", ".join(f"{b}: advance {r['advance_ratio']:.2f}, submission "
                            f"{r['submit_ratio']:.2f}" for b, r in results.items())
          + "): " + ("met" if action >= 0.25 else "NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
