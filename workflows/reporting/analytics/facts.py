"""What the analytics of one cohort are computed from, read with a fixed number of queries.

:func:`load` reads, whatever the number of regions (ten statements at most; one more when
the cohort is named by its year):

1. the cohort, and 2. its regions with their provinces and zones (only the viewer's regions
   when the viewer is bound to some); 3. the master plan's latest version (its text is
   cached after the first read);
4. every start and transition of their master plans (:meth:`engine.Records.state_changes`),
   from which the stays in each stage are built (:mod:`.stays`);
5. every deadline of their master plans, open and closed;
6. the versions of per-OPD deliverables (the bimtek I questionnaire), for OPDs' lateness;
7. their OPDs; 8. their mentors;
9. the evaluation windows, and 10. the cohort's evaluation indices in those that have opened.

Everything else is computed in Python by the figures' modules, so the page for 514 regions
costs the same statements as the page for eight.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from engine import DeadlineRecord, Records, TransitionSpec, WorkflowDefinition
from workflows.directory.cohorts import find_cohort
from workflows.directory.models import CohortMember, MentorAssignment, Opd, Person, Province, Region
from workflows.evaluation.models import EvaluationWindow
from workflows.evaluation.scores import EvaluationIndex, indices_by_window
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme
from workflows.reporting.analytics.stats import utc
from workflows.reporting.analytics.stays import Stay, build, current_stays
from workflows.zones import zone_of


@dataclass(frozen=True)
class RegionFacts:
    code: str
    name: str
    province: str
    zone: str
    tz: str


@dataclass(frozen=True)
class OpdFacts:
    region: str
    code: str
    name: str


@dataclass(frozen=True)
class MentorFacts:
    email: str
    name: str
    regions: frozenset[str]  # the regions of the cohort (in scope) assigned to the mentor


@dataclass
class Facts:
    """A cohort's regions (in the viewer's scope) and what happened to them, as of ``now``."""

    cohort: str
    now: datetime
    definition: WorkflowDefinition  # the latest master plan: stage names and transitions
    regions: dict[str, RegionFacts]
    stays: list[Stay]
    deadlines: list[DeadlineRecord]
    #: (instance, deliverable, party) -> when that party's first version arrived
    first_sent: dict[tuple[int, str, str], datetime]
    opds: dict[str, list[OpdFacts]]
    mentors: list[MentorFacts]
    windows: list[EvaluationWindow]  # opened by now, oldest first
    indices: dict[str, dict[str, EvaluationIndex]]  # window name -> region -> its index
    current: dict[str, Stay] = field(init=False)  # each region's stay now
    #: The definition's states in order, then any state only an older version has.
    stages: list[str] = field(init=False)
    _transitions: dict[tuple[str, str, str], TransitionSpec] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.current = current_stays(self.stays)
        known = dict.fromkeys(self.definition.states)
        known.update((stay.state, None) for stay in self.stays)
        self.stages = list(known)
        # (trigger, source, dest) -> the first transition of the definition that matches
        self._transitions = {(t.trigger, source, t.dest): t
                             for t in reversed(self.definition.transitions)
                             for source in t.sources}

    def label(self, state: str) -> str:
        """A stage's name in the current language."""
        return self.definition.state_label(state)

    def is_final(self, state: str) -> bool:
        spec = self.definition.states.get(state)
        return spec is not None and spec.final

    def transition(self, trigger: str | None, source: str, dest: str | None
                   ) -> TransitionSpec | None:
        """The definition's transition a history entry took (by trigger, source and dest)."""
        if trigger is None or dest is None:
            return None
        return self._transitions.get((trigger, source, dest))

    def review_states(self) -> set[str]:
        """States a review decision leaves (the mentor review)."""
        return {s for t in self.definition.transitions if t.review is not None
                for s in t.sources}

    def region_name(self, code: str) -> str:
        found = self.regions.get(code)
        return found.name if found is not None else code


def load(prog: Programme, session: Session, cohort_ref: str,
         scope: frozenset[str] | None = None) -> Facts:
    """The facts of cohort ``cohort_ref`` (name or year), limited to ``scope`` when given."""
    now = utc(prog.engine.clock())
    cohort = find_cohort(session, cohort_ref)
    members = session.execute(
        select(col(Region.code), col(Region.name), col(Province.name), col(Region.tz))
        .join(CohortMember, col(CohortMember.region_code) == Region.code)
        .join(Province, col(Province.code) == Region.province_code)
        .where(col(CohortMember.cohort_id) == cohort.id)
        .order_by(col(Region.code))).all()
    regions = {code: RegionFacts(code, name, province, zone_of(tz), tz)
               for code, name, province, tz in members if scope is None or code in scope}
    codes = sorted(regions)
    definition = prog.master_plan(session)
    records = Records(session)
    stays = build(records.state_changes(codes, MASTER_PLAN))
    deadlines = [d for d in records.open_deadlines(subjects=codes, include_closed=True)
                 if d.definition_key == MASTER_PLAN] if codes else []
    per_party = [name for name, spec in definition.deliverables.items() if spec.per_party]
    first_sent: dict[tuple[int, str, str], datetime] = {}
    instances = sorted({s.instance_id for s in stays})
    for sent in records.submissions_of(instances, per_party) if per_party else []:
        first_sent.setdefault((sent.instance_id, sent.deliverable, sent.party),
                              utc(sent.submitted_at))
    opds: dict[str, list[OpdFacts]] = defaultdict(list)
    if codes:
        for region, code, name in session.execute(
                select(col(Opd.region_code), col(Opd.code), col(Opd.name))
                .where(col(Opd.region_code).in_(codes))
                .order_by(col(Opd.region_code), col(Opd.code))).all():
            opds[region].append(OpdFacts(region, code, name))
    return Facts(cohort.name, now, definition, regions, stays, deadlines, first_sent,
                 dict(opds), _mentors(session, codes), *_evaluation(prog, session, codes, now))


def _mentors(session: Session, codes: list[str]) -> list[MentorFacts]:
    if not codes:
        return []
    assigned: dict[tuple[str, str], set[str]] = defaultdict(set)
    for email, name, region in session.execute(
            select(col(Person.email), col(Person.name), col(MentorAssignment.region_code))
            .join(MentorAssignment, col(MentorAssignment.person_id) == Person.id)
            .where(col(MentorAssignment.region_code).in_(codes))).all():
        assigned[(email, name)].add(region)
    return [MentorFacts(email, name, frozenset(found))
            for (email, name), found in sorted(assigned.items())]


def _evaluation(prog: Programme, session: Session, codes: list[str], now: datetime
                ) -> tuple[list[EvaluationWindow], dict[str, dict[str, EvaluationIndex]]]:
    opened = [w for w in session.execute(
        select(EvaluationWindow).order_by(col(EvaluationWindow.opens_at))).scalars()
        if utc(w.opens_at) <= now]
    if not opened or not codes:
        return opened, {}
    return opened, indices_by_window(session, prog, opened, codes)
