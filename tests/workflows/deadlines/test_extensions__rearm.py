"""Extension requests: a grant moves the deadline and re-arms its reminders; all in history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import ConflictError, InvalidInputError, PermissionDenied
from engine.models import Deadline, HistoryEntry
from workflows.deadlines import extensions, setting
from workflows.deadlines.models import Reminder
from workflows.directory import registration

BALIKPAPAN = "64.71"  # WITA


@pytest.fixture
def w(world: Any) -> Any:
    return world


def _reminders(prog: Any) -> list[Reminder]:
    with prog.db.read() as s:
        return list(s.execute(select(Reminder).order_by(Reminder.id)).scalars())


def test_grant_moves_the_deadline_and_rearms_reminders(w: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.leave(r, "assessment")
    setting.set_region_deadline(w.prog, r.code, "mou", date(2026, 2, 20),
                                  actor=w.COORDINATOR)
    asked = extensions.request_extension(w.prog, r.code, date(2026, 3, 6),
                                        "Kepala daerah sedang dinas luar", actor=r.opd)
    assert asked.status == "pending"
    granted = extensions.decide_extension(w.prog, asked.id, True, "Disetujui",
                                         actor=w.COORDINATOR)
    assert granted.status == "granted"
    assert granted.due_at == datetime(2026, 3, 6, 15, 59, tzinfo=UTC)  # 23:59 WITA
    with w.prog.db.read() as s:
        deadline = s.execute(select(Deadline).where(Deadline.state == "mou")).scalar_one()
    # definition (v1) -> region override (v2) -> extension (v3)
    assert (deadline.version, deadline.origin, deadline.due_at) == (3, "extension",
                                                                    granted.due_at)
    rows = _reminders(w.prog)
    old = [x for x in rows if x.deadline_version < 3]
    new = {(x.kind, x.offset_days): x for x in rows if x.deadline_version == 3}
    assert old and all(x.status == "cancelled" for x in old)
    assert all(x.status == "planned" for x in new.values())
    assert new[("before", 1)].due_at == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)
    assert new[("overdue", 0)].due_at == datetime(2026, 3, 7, 0, 0, tzinfo=UTC)
    assert new[("escalation", 3)].recipient == w.COORDINATOR
    with w.prog.db.read() as s:
        history = s.execute(select(HistoryEntry.kind, HistoryEntry.trigger,
                                   HistoryEntry.actor, HistoryEntry.comment)
                            .order_by(HistoryEntry.seq)).all()
    assert [tuple(h) for h in history[-3:]] == [
        ("deadline", "set_deadline", w.COORDINATOR, None),
        ("extension", "request_extension", r.opd, "Kepala daerah sedang dinas luar"),
        ("extension", "grant_extension", w.COORDINATOR, "Disetujui"),
    ]


def test_refusal_keeps_the_deadline_and_needs_a_reason(w: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.leave(r, "assessment")
    asked = extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "Butuh waktu",
                                        actor=r.head)
    before = _reminders(w.prog)
    with pytest.raises(InvalidInputError, match="comment"):
        extensions.decide_extension(w.prog, asked.id, False, None, actor=w.COORDINATOR)
    refused = extensions.decide_extension(w.prog, asked.id, False, "Tidak ada alasan kuat",
                                         actor=w.COORDINATOR)
    assert refused.status == "refused" and refused.version == 1
    assert _reminders(w.prog) == before
    with pytest.raises(ConflictError, match="already refused"):
        extensions.decide_extension(w.prog, asked.id, True, None, actor=w.COORDINATOR)


def test_extension_refusals(w: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    other = w.region("94.04", opds=("DINKES",))
    w.leave(r, "assessment")
    with pytest.raises(PermissionDenied, match=r"only an OPD of 64\.71"):
        extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "x",
                                    actor=other.opd)
    with pytest.raises(PermissionDenied, match="moves the deadline directly"):
        extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "x",
                                    actor=w.COORDINATOR)
    with pytest.raises(InvalidInputError, match="not later than the deadline"):
        extensions.request_extension(w.prog, r.code, date(2026, 2, 1), "x", actor=r.opd)
    with pytest.raises(InvalidInputError, match="in the past"):
        extensions.request_extension(w.prog, r.code, date(2025, 12, 1), "x", actor=r.opd)
    with pytest.raises(InvalidInputError, match="nothing to extend"):
        extensions.request_extension(w.prog, other.code, date(2026, 12, 1), "x",
                                    actor=other.opd)  # still in assessment: no deadline
    local = "sekretariat.6471@pemda.go.id"
    registration.add_person(w.prog, local, "Sekretariat", "coordinator", r.code)
    asked = extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "x", actor=local)
    with pytest.raises(ConflictError, match="still pending"):
        extensions.request_extension(w.prog, r.code, date(2026, 12, 2), "y", actor=r.opd)
    with pytest.raises(PermissionDenied, match="may not decide it"):
        extensions.decide_extension(w.prog, asked.id, True, None, actor=local)
    with pytest.raises(PermissionDenied, match="only a coordinator"):
        extensions.decide_extension(w.prog, asked.id, True, None, actor=r.opd)
