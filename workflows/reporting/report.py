"""A region's printable status report: its stage, timeline, submissions, deadlines and the
mentors' review comments, for the current cycle (the timeline covers every cycle).

All of that is the master plan's; the region's other workflows (the award round ...) are
listed with their stage, one line each, so the printout leaves none of them out (each has its
own page with its history)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from config.messages import Message
from engine import HistoryRecord, Records, ReviewRecord
from workflows.directory.cohorts import cohort_of
from workflows.directory.models import Region
from workflows.directory.regions import province_name
from workflows.instances import Running, running
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme
from workflows.reporting.deadlines import DeadlineRow, instance_deadlines
from workflows.reporting.submissions import SubmissionRow, submissions
from workflows.reporting.timeline import described, history
from workflows.zones import zone_of


@dataclass(frozen=True)
class RegionReport:
    """Everything a region's printed status report shows."""

    region: Region
    province: str
    zone: str
    cohort: str | None
    state: str
    stage: str
    cycle: int
    version: int
    entered_at: datetime
    history: list[HistoryRecord]
    submissions: list[SubmissionRow]
    deadlines: list[DeadlineRow]
    reviews: list[ReviewRecord]
    deliverable_labels: dict[str, str]
    stage_labels: dict[str, str]
    trigger_labels: dict[str, str] = field(default_factory=dict)
    # what each submission, extension and deadline entry did (timeline.described)
    words: dict[tuple[int, int], Message] = field(default_factory=dict)
    # the region's other workflows, each in its current stage
    others: list[Running] = field(default_factory=list)


def region_report(prog: Programme, session: Session, region_ref: str) -> RegionReport:
    """A region's current stage, timeline, submissions, deadlines and review comments."""
    region, timeline = history(session, region_ref, MASTER_PLAN)
    instance = prog.current_instance(session, region.code)
    d = prog.definition_of(session, instance)
    cohort = cohort_of(session, region.code)
    labels = {key: str(spec.label) for key, spec in d.deliverables.items()}
    return RegionReport(
        region, province_name(session, region), zone_of(region.tz),
        cohort.name if cohort else None, instance.state, d.state_label(instance.state),
        instance.cycle, instance.version, instance.entered_at, timeline,
        submissions(prog, session, region.code), instance_deadlines(prog, session, instance),
        Records(session).reviews(instance.id), labels,
        {s: d.state_label(s) for s in d.states},
        {t.trigger: d.transition_label(t) for t in reversed(d.transitions)},
        described(prog, session, timeline, region.tz),
        [w for w in running(prog, session, region.code)
         if w.instance.definition_key != MASTER_PLAN])
