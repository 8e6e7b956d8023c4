"""What an OPD owes and was told: the read model of the OPD's page.

"What I still have to submit" is what the reminders list (:mod:`workflows.obligations`, the one
rule): the documents the current stage waits for from this OPD (a per-OPD deliverable counts
only this OPD's own); plus a deliverable whose latest version a reviewer rejected and that has
no newer version since. The stage's open deadline is this OPD's only when it owes something in
the stage; otherwise the page says whom the stage waits for. The last rejection is shown with
its comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from engine import SUBMIT, Actor, InstanceSnapshot, Records, WorkflowDefinition
from workflows.obligations import Obligations, Owed, of_party
from workflows.programme import Programme


@dataclass(frozen=True)
class OpenItem:
    deliverable: str
    label: str
    reason: str  # "missing" (no version yet) or "revise" (the latest version was rejected)


@dataclass(frozen=True)
class Rejection:
    deliverable_label: str
    round: int
    comment: str | None
    reviewer: str
    decided_at: datetime
    revised: bool  # a newer version was submitted since


@dataclass(frozen=True)
class StageDuties:
    """The current stage's obligations: this OPD's own, and everyone else's."""

    mine: list[Owed]
    others: list[Owed]


def stage_duties(prog: Programme, session: Session, region: str, actor: Actor) -> StageDuties:
    """Who owes what in the region's current stage, split into this actor's and the rest."""
    owed = Obligations(prog, session).master_plan([region])
    mine = of_party(owed, actor.identity)
    return StageDuties(mine, [o for o in owed if o not in mine])


def open_items(session: Session, instance: InstanceSnapshot, d: WorkflowDefinition,
               actor: Actor, duties: StageDuties) -> tuple[list[OpenItem], list[OpenItem]]:
    """(what this OPD still owes in the current state, everything it may submit now)."""
    state = instance.state
    accepted = {name: spec for name, spec in d.deliverables.items()
                if state in spec.during and actor.role in spec.submitted_by}
    records = Records(session)
    owed: dict[str, OpenItem] = {
        o.duty.name: OpenItem(o.duty.name, o.label, "missing")
        for o in duties.mine if o.kind == SUBMIT}
    for name, spec in accepted.items():
        if name in owed or spec.per_party:  # reviews decide on one document per instance
            continue
        decided = records.reviews(instance.id, name)
        latest = records.latest_submission(instance.id, name)
        if decided and decided[-1].decision == "rejected" and latest is not None \
                and latest.id == decided[-1].submission_id:
            owed[name] = OpenItem(name, str(spec.label), "revise")
    rest = [OpenItem(name, str(spec.label), "version") for name, spec in accepted.items()
            if name not in owed]
    return list(owed.values()), list(owed.values()) + rest


def last_rejection(session: Session, instance: InstanceSnapshot,
                   d: WorkflowDefinition) -> Rejection | None:
    """The mentor's latest decision when it was a rejection: the OPD must see its comment."""
    records = Records(session)
    last = records.last_review(instance.id)
    if last is None or last.decision != "rejected":
        return None
    latest = records.latest_submission(instance.id, last.deliverable)
    return Rejection(d.deliverable_label(last.deliverable), last.round, last.comment,
                     last.reviewer, last.decided_at,
                     latest is not None and latest.id != last.submission_id)
