"""Extension requests: asked by whoever owes something in the stage, emailed to the
coordinators who decide; a grant moves the deadline and starts its reminders over; the decision
is emailed to whoever asked; all in history.

On both databases: the head of region (who owes the signed MoU) asks; the coordinators, not the
head, get ``extension_requested``; the grant makes the deadline's third version, counted in the
region's zone, with its next reminder seven days before the new date; the head gets
``extension_decided``; a refusal needs a comment and keeps the date; an OPD that owes nothing
in the stage may not ask, and the other refusals name their reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import ConflictError, InvalidInputError, PermissionDenied
from engine.models import Deadline, HistoryEntry
from notifications.models import OutboxMessage
from workflows.deadlines import extensions, setting
from workflows.directory import registration
from workflows.reporting.deadlines import open_deadlines

BALIKPAPAN = "64.71"  # WITA
LOCAL_COORDINATOR = "sekretariat.6471@pemda.go.id"


@pytest.fixture
def w(world: Any) -> Any:
    return world


def _emails(prog: Any, kind: str) -> list[OutboxMessage]:
    with prog.db.read() as s:
        return list(s.execute(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.recipient)).scalars())


def test_grant_moves_the_deadline_and_starts_its_reminders_over(w: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    registration.add_person(w.prog, LOCAL_COORDINATOR, "Sekretariat", "coordinator", r.code)
    w.leave(r, "assessment")  # MoU: the head of region owes the signed MoU
    setting.set_region_deadline(w.prog, r.code, "mou", date(2026, 2, 20),
                                actor=w.COORDINATOR)
    asked = extensions.request_extension(w.prog, r.code, date(2026, 3, 6),
                                         "Kepala daerah sedang dinas luar", actor=r.head)
    assert asked.status == "pending"
    requested = _emails(w.prog, "extension_requested")
    assert [m.recipient for m in requested] == sorted([w.COORDINATOR, LOCAL_COORDINATOR])
    assert all("Kepala daerah sedang dinas luar" in m.text_body for m in requested)
    assert all("Jumat, 6 Maret 2026 pukul 23.59 WITA" in m.text_body for m in requested)

    granted = extensions.decide_extension(w.prog, asked.id, True, "Disetujui",
                                          actor=w.COORDINATOR)
    assert granted.status == "granted"
    assert granted.due_at == datetime(2026, 3, 6, 15, 59, tzinfo=UTC)  # 23:59 WITA
    with w.prog.db.read() as s:
        deadline = s.execute(select(Deadline).where(Deadline.state == "mou")).scalar_one()
        (row,) = open_deadlines(w.prog, s, region=r.code)
    # definition (v1) -> region override (v2) -> extension (v3), in the region's zone
    assert (deadline.version, deadline.origin, deadline.due_at, deadline.tz) == (
        3, "extension", granted.due_at, "Asia/Makassar")
    assert row.next_reminder == datetime(2026, 2, 27, 0, 0, tzinfo=UTC)  # D-7, 08:00 WITA
    (decided,) = _emails(w.prog, "extension_decided")
    assert decided.recipient == r.head
    assert "Jumat, 6 Maret 2026 pukul 23.59 WITA" in decided.text_body
    assert "Disetujui" in decided.text_body
    with w.prog.db.read() as s:
        history = s.execute(select(HistoryEntry.kind, HistoryEntry.trigger,
                                   HistoryEntry.actor, HistoryEntry.comment)
                            .order_by(HistoryEntry.seq)).all()
    assert [tuple(h) for h in history[-3:]] == [
        ("deadline", "set_deadline", w.COORDINATOR, None),
        ("extension", "request_extension", r.head, "Kepala daerah sedang dinas luar"),
        ("extension", "grant_extension", w.COORDINATOR, "Disetujui"),
    ]


def test_refusal_keeps_the_deadline_and_needs_a_reason(w: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.leave(r, "assessment")
    asked = extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "Butuh waktu",
                                         actor=r.head)
    with pytest.raises(InvalidInputError, match="comment"):
        extensions.decide_extension(w.prog, asked.id, False, None, actor=w.COORDINATOR)
    refused = extensions.decide_extension(w.prog, asked.id, False, "Tidak ada alasan kuat",
                                          actor=w.COORDINATOR)
    assert refused.status == "refused" and refused.version == 1
    (decided,) = _emails(w.prog, "extension_decided")
    assert decided.recipient == r.head and "Tidak ada alasan kuat" in decided.text_body
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
    with pytest.raises(InvalidInputError, match=r"owes nothing in MoU.*waits for: Signed MoU"):
        extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "x", actor=r.opd)
    with pytest.raises(InvalidInputError, match="not later than the deadline"):
        extensions.request_extension(w.prog, r.code, date(2026, 2, 1), "x", actor=r.head)
    with pytest.raises(InvalidInputError, match="in the past"):
        extensions.request_extension(w.prog, r.code, date(2025, 12, 1), "x", actor=r.head)
    with pytest.raises(InvalidInputError, match="nothing to extend"):
        extensions.request_extension(w.prog, other.code, date(2026, 12, 1), "x",
                                     actor=other.opd)  # still in assessment: no deadline
    registration.add_person(w.prog, LOCAL_COORDINATOR, "Sekretariat", "coordinator", r.code)
    asked = extensions.request_extension(w.prog, r.code, date(2026, 12, 1), "x",
                                         actor=LOCAL_COORDINATOR)
    # Whoever asked is not told of their own request.
    assert [m.recipient for m in _emails(w.prog, "extension_requested")] == [w.COORDINATOR]
    with pytest.raises(ConflictError, match="still pending"):
        extensions.request_extension(w.prog, r.code, date(2026, 12, 2), "y", actor=r.head)
    with pytest.raises(PermissionDenied, match="may not decide it"):
        extensions.decide_extension(w.prog, asked.id, True, None, actor=LOCAL_COORDINATOR)
    with pytest.raises(PermissionDenied, match="only a coordinator"):
        extensions.decide_extension(w.prog, asked.id, True, None, actor=r.opd)
