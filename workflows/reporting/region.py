"""One region at a glance: its stage on its workflow, timeline, deadlines, submissions, review
rounds, who owes what in the current stage (OPDs, mentors, the head of region, coordinators),
and what a given person may do now.

The read model of the region page and of ``GET /api/v1/regions/{region}``: everything is read
in the caller's session, through the engine's :class:`~engine.Records` and the directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from config.messages import Message
from engine import (
    Actor,
    AvailableAction,
    HistoryRecord,
    InstanceSnapshot,
    Records,
    WorkflowDefinition,
)
from workflows import roles
from workflows.directory.actors import names
from workflows.directory.agencies import opds
from workflows.directory.cohorts import cohort_of
from workflows.directory.models import Opd, Region
from workflows.directory.regions import find_region, province_name
from workflows.instances import Running, running
from workflows.master_plan import MASTER_PLAN
from workflows.obligations import Obligations, Owed
from workflows.programme import Programme
from workflows.reporting.deadlines import DeadlineRow, instance_deadlines
from workflows.reporting.paging import DEFAULT_LIMIT
from workflows.reporting.submissions import SubmissionRow, submissions, submissions_page
from workflows.reporting.timeline import described, history_page

#: Review rounds the page shows per deliverable (the latest); the rest are in the history.
REVIEWS_SHOWN = 20


@dataclass(frozen=True)
class RegionSummary:
    """Where a region stands: its province, cohort, current instance and its definition."""

    region: Region
    province: str
    cohort: str | None
    instance: InstanceSnapshot
    definition: WorkflowDefinition
    opds: list[Opd]

    @property
    def stage(self) -> str:
        return self.definition.state_label(self.instance.state)


def summary(prog: Programme, session: Session, region_ref: str) -> RegionSummary:
    """The region's summary (``region_ref``: a code or a name)."""
    region = find_region(session, region_ref)
    instance = prog.current_instance(session, region.code)
    cohort = cohort_of(session, region.code)
    return RegionSummary(region, province_name(session, region),
                         cohort.name if cohort else None, instance,
                         prog.definition_of(session, instance), list(opds(session, region.code)))


@dataclass(frozen=True)
class ReviewRound:
    deliverable: str  # the deliverable's label
    round: int
    decision: str
    comment: str | None
    reviewer: str
    decided_at: datetime
    version: int | None  # the version of the deliverable decided on


@dataclass(frozen=True)
class OpdItems:
    """An OPD and what it still has to submit in the current stage."""

    code: str
    name: str
    email: str
    open: tuple[str, ...]


@dataclass
class RegionView:
    region: Region
    province: str
    cohort: str | None
    instance: InstanceSnapshot
    definition: WorkflowDefinition
    stage: str
    stage_number: int
    history: list[HistoryRecord]  # one keyset page, newest first
    history_next: tuple[int, int] | None  # (cycle, seq) the older page starts after
    cycles: int
    names: dict[str, str]  # email -> name of the people and OPDs in the history
    deadlines: list[DeadlineRow]  # newest first
    current_deadline: DeadlineRow | None
    submissions: list[SubmissionRow]  # one keyset page, newest first
    submissions_next: int | None  # the id the older page starts after
    latest: list[SubmissionRow]  # the newest version of each deliverable (and OPD)
    reviews: list[ReviewRound]  # the latest REVIEWS_SHOWN rounds of each deliverable
    reviews_hidden: int  # earlier rounds left out (they stay in the history and exports)
    opds: list[OpdItems]
    owed: list[Owed]  # who owes what in the current stage (the one rule of the reminders)
    requires: list[str]  # labels of what the current stage requires
    available: list[AvailableAction]  # the engine's answer for the viewer (none: no actor)
    passed: frozenset[str]
    taken: frozenset[tuple[str, str]]
    trigger_labels: dict[str, str]
    deliverable_labels: dict[str, str]
    # what each submission, extension and deadline entry of the history did, by
    # (instance_id, seq), written in the reader's language (timeline.described)
    words: dict[tuple[int, int], Message] = field(default_factory=dict)
    #: the region's other workflows (an award round ...), each with its current stage
    others: list[Running] = field(default_factory=list)


def region_view(prog: Programme, session: Session, region_ref: str,
                actor: Actor | None, *, history_after: tuple[int, int] | None = None,
                submissions_after: int | None = None,
                limit: int = DEFAULT_LIMIT) -> RegionView:
    """Everything the region page shows, for ``actor`` (None: no actions).

    The history and the submissions grow with every action: the page shows ``limit`` of
    each, newest first, read by key past ``history_after`` (cycle, seq) and
    ``submissions_after`` (an id), so a region with a thousand entries renders what one
    with fifty does. The diagram reads only the distinct moves taken, not the timeline.
    """
    base = summary(prog, session, region_ref)
    region, instance, d = base.region, base.instance, base.definition
    _, page = history_page(session, region.code, limit=limit, after=history_after,
                           newest_first=True, key=MASTER_PLAN)
    records = Records(session)
    moves = records.moves(instance.id)
    passed = frozenset({a for a, _ in moves if a} | {b for _, b in moves}) - {instance.state}
    taken = frozenset((a, b) for a, b in moves if a and a != b)
    deadlines = list(reversed(instance_deadlines(prog, session, instance)))
    current_deadline = next((r for r in deadlines
                             if r.closed_at is None and r.state == instance.state), None)
    sent = submissions(prog, session, region.code)  # one light query: versions, latest
    shown = submissions_page(prog, session, region.code, limit=limit,
                             after=submissions_after, newest_first=True)
    versions = {s.id: s.version for s in sent}
    reviewed = list(dict.fromkeys(t.review.deliverable for t in d.transitions if t.review))
    rounds = {name: records.reviews(instance.id, name) for name in reviewed}
    reviews = [
        ReviewRound(d.deliverable_label(name), r.round, r.decision, r.comment, r.reviewer,
                    r.decided_at, versions.get(r.submission_id))
        for name in reviewed for r in rounds[name][-REVIEWS_SHOWN:]]
    latest = list({(s.deliverable, s.party): s for s in sent}.values())
    owed = Obligations(prog, session).master_plan([region.code])
    owing = [OpdItems(o.code, o.name, o.email, tuple(
                 x.label for x in owed if x.role == roles.OPD and x.party is not None
                 and x.party.id == o.code))
             for o in base.opds]
    trigger_labels: dict[str, str] = {}
    for t in d.transitions:
        trigger_labels.setdefault(t.trigger, d.transition_label(t))
    spec = d.states.get(instance.state)
    return RegionView(
        region=region, province=base.province, cohort=base.cohort, instance=instance,
        definition=d, stage=base.stage, stage_number=list(d.states).index(instance.state) + 1,
        history=page.rows, history_next=page.next, cycles=instance.cycle,
        names=names(session, {h.actor for h in page.rows}
                    | {r.reviewer for r in reviews} | {s.submitted_by for s in shown.rows}),
        deadlines=deadlines, current_deadline=current_deadline, submissions=shown.rows,
        submissions_next=shown.next, latest=latest, reviews=reviews,
        reviews_hidden=sum(len(r) for r in rounds.values()) - len(reviews),
        opds=owing, owed=owed,
        requires=[d.deliverable_label(r) for r in (spec.requires if spec else [])],
        available=(prog.engine.available(session, instance.id, actor)
                   if actor is not None else []),
        passed=passed, taken=taken, trigger_labels=trigger_labels,
        deliverable_labels={k: str(v.label) for k, v in d.deliverables.items()},
        words=described(prog, session, page.rows, region.tz),
        others=[w for w in running(prog, session, region.code)
                if w.instance.definition_key != MASTER_PLAN])
