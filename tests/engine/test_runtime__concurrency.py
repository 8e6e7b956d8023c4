"""Concurrent actions on one instance: exactly one wins, the others get ConflictError.

Proves on both databases, with real sessions and real threads:

* a session that read the instance before another one committed a change is refused
  (ConflictError) when it acts on what it read, and history gains exactly one row;
* two writers interleaved inside ``fire`` (the second commits while the first is between its
  read and its write) never both commit: on PostgreSQL the version check in the UPDATE makes the
  first one lose; on SQLite the first one's ``BEGIN IMMEDIATE`` already holds the write lock, so
  the second is refused as busy and the first commits;
* N threads (2 and 8) firing the same trigger at once: exactly one succeeds, N-1 get
  ConflictError, and one history row is written. On PostgreSQL a Barrier inside a guard makes
  every thread read the instance before any of them writes. SQLite serialises write
  transactions from their first read (BEGIN IMMEDIATE), so a barrier inside the transaction
  would deadlock; there the threads start together and act on the version they all saw
  (``expected_version``), as an interface does.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import text
from wfkit import COORDINATOR

import engine.database
from engine.contracts import Actor
from engine.database import Database
from engine.errors import ConflictError
from engine.guards import GuardRegistry

RACE = """\
key: race
version: 1
title: Race
initial: open
roles:
  clerk: {}
states:
  open: {}
  taken: {}
  closed: {final: true}
transitions:
  - {trigger: take, source: open, dest: taken, roles: [clerk], guards: [meanwhile]}
  - {trigger: close, source: [open, taken], dest: closed, roles: [clerk]}
"""


def race_guards(hook):
    registry = GuardRegistry()

    @registry.register("meanwhile", "nothing else is happening")
    def meanwhile(ctx):
        hook(ctx)
        return None

    return registry


def clerk(n=0):
    return Actor(f"clerk{n}@example.org", "clerk")


def test_a_session_acting_on_a_stale_read_gets_a_conflict(workflow):
    wf = workflow(RACE, race_guards(lambda ctx: None))
    iid = wf.start("R1", clerk())
    with wf.db.read() as session:  # B looks at the instance
        seen = wf.engine.get_instance(session, iid)
    wf.fire(iid, "take", clerk(1))  # A acts and commits

    with pytest.raises(ConflictError) as info:
        wf.fire(iid, "close", clerk(2), expected_version=seen.version)
    # refused by the version check before anything was written, not by a clash on commit
    assert info.value.code == "engine.stale"
    assert str(info.value) == "R1 changed since you looked; reload and try again"

    assert [(r["seq"], r["trigger"]) for r in wf.history(iid)] == [(1, "start"), (2, "take")]
    assert wf.instance(iid).state == "taken"


def test_interleaved_writers_never_both_commit(workflow, engine_url, monkeypatch):
    monkeypatch.setattr(engine.database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    other_db = Database(engine_url)  # new connections get the short busy timeout
    outcome = {}

    def act_meanwhile(ctx):
        if "inner" in outcome:
            return
        outcome["inner"] = "running"
        try:
            with other_db.transaction() as session:
                wf.engine.fire(session, ctx.instance.id, "close", clerk(2))
            outcome["inner"] = "committed"
        except ConflictError as exc:
            outcome["inner"] = f"conflict: {exc}"
        except Exception as exc:  # noqa: BLE001 - see test_a_busy_sqlite_database_is_a_conflict
            outcome["inner"] = f"refused: {type(exc).__name__}: {exc}"

    wf = workflow(RACE, race_guards(act_meanwhile))
    iid = wf.start("R1", clerk())
    try:
        try:
            wf.fire(iid, "take", clerk(1))
            outcome["outer"] = "committed"
        except ConflictError as exc:
            outcome["outer"] = f"conflict: {exc}"
    finally:
        other_db.dispose()

    history = wf.history(iid)
    assert len(history) == 2
    assert wf.instance(iid).version == 2
    if engine_url.startswith("sqlite"):
        assert outcome["outer"] == "committed"
        # refused because the outer transaction holds the write lock; the error type is
        # pinned by test_a_busy_sqlite_database_is_a_conflict
        assert outcome["inner"].startswith(("conflict: ", "refused: "))
        assert "locked" in outcome["inner"] or "busy" in outcome["inner"]
        assert (history[-1]["trigger"], wf.instance(iid).state) == ("take", "taken")
    else:
        assert outcome["inner"] == "committed"
        assert outcome["outer"] == (
            "conflict: R1 was changed by someone else while you acted; "
            "check its status and try again")
        assert (history[-1]["trigger"], wf.instance(iid).state) == ("close", "closed")


@pytest.mark.parametrize("threads", [2, 8])
def test_threads_firing_at_once_exactly_one_wins(workflow, threads):
    barrier = threading.Barrier(threads, timeout=20)
    holder = {}

    def wait_for_all_readers(ctx):
        if not holder["sqlite"]:
            barrier.wait()  # every thread has read version 1 before anyone writes

    wf = workflow(RACE, race_guards(wait_for_all_readers))
    holder["sqlite"] = wf.db.is_sqlite
    iid = wf.start("R1", COORDINATOR.__class__("starter@example.org", "clerk"))
    results: list[str] = []
    lock = threading.Lock()

    def run(n):
        try:
            if holder["sqlite"]:
                barrier.wait()
            with wf.db.transaction() as session:
                expected = 1 if holder["sqlite"] else None
                wf.engine.fire(session, iid, "take", clerk(n), expected_version=expected)
            outcome = "won"
        except ConflictError:
            outcome = "conflict"
        except Exception as exc:  # noqa: BLE001 - any other outcome is reported by the assert
            outcome = f"{type(exc).__name__}: {exc}"
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not any(w.is_alive() for w in workers)

    assert sorted(results) == ["conflict"] * (threads - 1) + ["won"]
    history = wf.history(iid)
    assert [r["seq"] for r in history] == [1, 2]
    assert history[-1]["trigger"] == "take"
    assert history[-1]["actor"].startswith("clerk")
    inst = wf.instance(iid)
    assert (inst.state, inst.version) == ("taken", 2)


def test_a_busy_sqlite_database_is_a_conflict(sqlite_engine_template, tmp_path, monkeypatch):
    path = tmp_path / "busy.db"
    shutil.copyfile(sqlite_engine_template, path)
    holder = Database(f"sqlite:///{path}")
    monkeypatch.setattr(engine.database, "SQLITE_BUSY_TIMEOUT_MS", 100)
    waiter = Database(f"sqlite:///{path}")
    try:
        with holder.transaction() as held:
            held.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is taken
            try:
                with waiter.transaction() as session:
                    session.execute(text("SELECT 1"))
                outcome = "got the lock"
            except ConflictError as exc:
                outcome = f"conflict: {exc}"
            except Exception as exc:  # noqa: BLE001 - the wrong type is the bug under test
                outcome = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    finally:
        holder.dispose()
        waiter.dispose()
    assert outcome == (
        "conflict: the database is busy with another change; try again in a moment")
