"""After downtime, a backlog of reminders becomes exactly one digest per recipient, whatever
the batching, a crash in the middle, or a second sweep running at the same time.

On both databases: 100 regions with 30 OPDs each (3,000 recipients) owe a data return on each
of two workflows whose 7-, 3- and 1-day reminder mornings all passed while nothing ran. The
sweep then takes 13 deadlines per transaction, so every recipient's reminders are spread over
several batches; the first attempt crashes in its fourth batch (three committed, one rolled
back), and two sweeps then run: at once on PostgreSQL (several workers share it), one after
the other on SQLite (one process writes it). In the end every OPD has exactly one digest for
the day, listing both of its returns: 0 recipients with two digests, 0 lost.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

import workflows.deadlines.sweep as sweep_module
from engine import load_definition
from notifications.models import OutboxMessage
from workflows.deadlines import sweep
from workflows.directory import actors, imports, registration
from workflows.directory.models import Region

REGIONS, OPDS = 100, 30
RETURN = """\
key: return_{n}
version: 1
title: Return {n}
initial: collecting
roles:
  coordinator: {{label: Coordinator}}
  opd: {{label: OPD, scoped: true}}
deliverables:
  return_{n}:
    label: Data return {n}
    per_party: true
    submitted_by: [opd, coordinator]
    during: [collecting]
states:
  collecting:
    label: Collecting return {n}
    requires: [return_{n}]
    deadline: {{days: 30}}
  done:
    final: true
transitions:
  - {{trigger: close, source: collecting, dest: done, roles: [coordinator]}}
"""


class Crash(RuntimeError):
    pass


def _seed(w: Any) -> list[str]:
    with w.prog.db.read() as session:
        codes = list(session.execute(select(Region.code).order_by(Region.code)
                                     .limit(REGIONS)).scalars())
    rows = ["region,code,name,email,dimension"]
    for code in codes:
        slug = code.replace(".", "")
        rows += [f"{code},OPD{i:02d},Dinas {i} {code},opd{i:02d}.{slug}@pemda.go.id,"
                 for i in range(OPDS)]
    registration.upsert_opds(w.prog, imports.parse_opds("\n".join(rows) + "\n",
                                                        w.prog.dimensions))
    with w.prog.db.transaction() as session:
        for n in (1, 2):
            w.prog.engine.publish(session, load_definition(RETURN.format(n=n), f"r{n}",
                                                           w.prog.guards))
            for code in codes:
                w.prog.engine.start(session, f"return_{n}", code, actors.SYSTEM)
    return codes


def test_a_backlog_becomes_one_digest_per_recipient(world: Any, clock: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    codes = _seed(world)
    sweep.sweep(world.prog)  # the schedule rows learn their first mornings
    # Entered on 5 January: due on 4 February at 23:59 local; every before-morning has passed
    # by noon WIB on 3 February, and nothing ran in between.
    clock.now = datetime(2026, 2, 3, 5, 0, tzinfo=UTC)

    calls = {"n": 0}
    real = sweep_module._send

    def crashing(run: Any, dues: Any, report: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise Crash("the process died in its fourth batch")
        real(run, dues, report)

    monkeypatch.setattr(sweep_module, "_send", crashing)
    with pytest.raises(Crash):
        sweep.sweep(world.prog, limit=13)
    monkeypatch.setattr(sweep_module, "_send", real)

    reports: list[sweep.SweepReport] = []
    threads = [threading.Thread(target=lambda: reports.append(
        sweep.sweep(world.prog, limit=13))) for _ in range(2)]
    for t in threads:
        t.start()
        if world.prog.db.is_sqlite:
            t.join(300)
    for t in threads:
        t.join(300)
    assert len(reports) == 2

    with world.prog.db.read() as session:
        digests = session.execute(select(OutboxMessage.recipient, OutboxMessage.key,
                                         OutboxMessage.text_body)
                                  .where(OutboxMessage.kind == "reminder_digest")).all()
    per_recipient = Counter(recipient for recipient, _, _ in digests)
    assert len(per_recipient) == REGIONS * OPDS  # 0 lost
    assert [r for r, n in per_recipient.items() if n > 1] == []  # 0 twice
    assert {key.rsplit(":", 1)[1] for _, key, _ in digests} == {"2026-02-03"}
    assert all("Data return 1" in text and "Data return 2" in text for _, _, text in digests)
    assert len(codes) == REGIONS
    # Nothing is due any more: a further sweep sends nothing.
    assert sweep.sweep(world.prog).queued == 0
