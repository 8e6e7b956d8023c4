"""What a person may upload to a region now, and where each of those documents stands.

The pages offer one upload form per deliverable the engine would accept from the viewer in
the region's current stage (:meth:`engine.WorkflowEngine.submittable`: scope, role, state, the
checks a submission itself makes), so a head of region finds the commitment sheet's form on
their page in Bimtek IV and a coordinator the regulation's on the region page in Adoption, and
nobody is offered a form the server would refuse.

Each form says whether the person owes the document (the one obligation rule of reminders,
:mod:`workflows.obligations`), whether the stage still waits for it from someone else, whether
its latest version was rejected by a reviewer, or whether a new version is simply accepted;
and it shows the newest version already in, so nobody uploads twice by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from engine import SUBMIT, Actor, InstanceSnapshot, Records, WorkflowDefinition
from workflows import roles
from workflows.directory.agencies import opds
from workflows.master_plan import QUICK_WIN_PLAN
from workflows.obligations import Owed
from workflows.programme import Programme
from workflows.reporting.submissions import SubmissionRow

#: How a document stands for the person who may upload it, most pressing first.
OWED, REVISE, NEEDED, OPTIONAL = "owed", "revise", "needed", "optional"
_ORDER = {OWED: 0, REVISE: 1, NEEDED: 2, OPTIONAL: 3}


@dataclass(frozen=True)
class UploadSlot:
    """One deliverable the person may submit now."""

    deliverable: str
    label: str
    status: str  # OWED, REVISE (the latest version was rejected), NEEDED (the stage waits for
    #              it from someone else), OPTIONAL (a new version is accepted)
    per_party: bool
    quick_wins: bool  # a quick-win plan lists its quick wins (a CSV beside the document)
    parties: tuple[tuple[str, str], ...]  # (code, name) of the OPDs it may be sent for
    latest: SubmissionRow | None  # the newest version already in (any OPD's when per OPD)


def upload_slots(prog: Programme, session: Session, instance: InstanceSnapshot,
                 d: WorkflowDefinition, actor: Actor | None, owed: list[Owed],
                 sent: list[SubmissionRow]) -> list[UploadSlot]:
    """The upload forms ``actor`` gets on ``instance`` (none without an actor), most
    pressing first; ``owed`` is the stage's obligations, ``sent`` the cycle's submissions."""
    if actor is None:
        return []
    names = prog.engine.submittable(session, instance, actor)
    if not names:
        return []
    records = Records(session)
    mine = {o.duty.name for o in owed if o.kind == SUBMIT and o.party is not None
            and o.party.email == actor.identity}
    waited = {o.duty.name for o in owed if o.kind == SUBMIT}
    region_opds: tuple[tuple[str, str], ...] | None = None
    slots = []
    for name in names:
        spec = d.deliverables[name]
        versions = [s for s in sent if s.deliverable == name]
        if name in mine:
            status = OWED
        elif _rejected(records, instance, name):
            status = REVISE
        elif name in waited:
            status = NEEDED
        else:
            status = OPTIONAL
        parties: tuple[tuple[str, str], ...] = ()
        if spec.per_party:
            if actor.role == roles.OPD:  # an OPD submits for itself only
                parties = ((actor.party or "", actor.name or actor.identity),)
            else:
                if region_opds is None:
                    region_opds = tuple((o.code, o.name) for o in opds(session, instance.subject))
                parties = region_opds
        slots.append(UploadSlot(name, d.deliverable_label(name), status, spec.per_party,
                                name == QUICK_WIN_PLAN, parties,
                                versions[-1] if versions else None))
    return sorted(slots, key=lambda s: _ORDER[s.status])


def _rejected(records: Records, instance: InstanceSnapshot, name: str) -> bool:
    """Whether a reviewer rejected the latest version of ``name`` and none came since."""
    decided = records.reviews(instance.id, name)
    latest = records.latest_submission(instance.id, name)
    return bool(decided) and decided[-1].decision == "rejected" and latest is not None \
        and latest.id == decided[-1].submission_id
