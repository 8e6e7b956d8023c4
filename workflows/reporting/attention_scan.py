"""Which regions need a coordinator now, and why: one read of the regions in a viewer's scope,
sorted into the inbox's region categories (see :mod:`workflows.reporting.attention`).

Every region's current stage is looked at once, from its master plan's newest cycle with the
open deadline of that stage (:meth:`engine.Records.current_with_deadlines`, one statement):

* a **review** stage (one a transition with ``review`` leaves, such as the mentor review) whose
  deadline has passed is an overdue review; the mentors owe the decision, so it is neither an
  escalation nor waiting for a coordinator;
* any other stage's open deadline past its **escalation** point, the morning the sweep
  escalates it to coordinators (:func:`workflows.deadlines.occasions.escalation`:
  ``SMARTCITY_ESCALATION_DAYS`` after it passed, at the reminder hour; in WIB for the
  programme's coordinators, in the region's zone for its own), is an escalation when someone
  other than a coordinator still owes something on it (:func:`workflows.deadlines.mornings.
  late`: what an escalation names);
* a stage whose every obligation is a coordinator's action (everything is in; what is left is
  the closing transition, or granting one more round after an escalated review) is **waiting
  for the coordinator** (:mod:`workflows.obligations`, the one rule of who owes what);
* a stage someone is expected to close (neither final nor one such as implementation that
  ends by itself), entered more than ``SMARTCITY_STALL_DAYS`` days ago, is **stalled**.

What each party owes is read only for the regions that can be an escalation or wait for a
coordinator (and, for the page, those in an overdue review, to name their mentors), in the
fixed number of statements of :class:`~workflows.obligations.Obligations`: the work is one
pass over the regions in scope and a few statements, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from config.messages import Message
from engine import SUBMIT, DeadlineRecord, InstanceSnapshot, Label, Records, WorkflowDefinition
from workflows import roles
from workflows.deadlines import mornings, occasions
from workflows.directory.models import CohortMember, Region
from workflows.master_plan import MASTER_PLAN
from workflows.obligations import Obligations, Owed
from workflows.programme import Programme
from workflows.zones import NATIONAL_TZ

ESCALATIONS, COORDINATOR, REVIEWS, STALLED = "escalations", "coordinator", "reviews", "stalled"
#: The region categories, in the order the inbox shows them.
REGION_CATEGORIES = (ESCALATIONS, COORDINATOR, REVIEWS, STALLED)


@dataclass(frozen=True)
class Found:
    """A region in one category: its stage, since when, and what it waits for."""

    code: str
    name: str
    tz: str
    state: str
    stage: Label
    since: datetime
    due_at: datetime | None = None
    what: tuple[Label, ...] = ()  # what is owed (escalations) or the action awaited
    who: tuple[str | Message, ...] = ()  # who is late (escalations), the mentors (reviews)


@dataclass(frozen=True)
class _Shape:
    """What the definition says of a state, for the inbox."""

    final: bool
    review: bool  # a review decides it
    expected: bool  # someone is expected to close it (else it ends by itself)
    coordinator: bool  # a coordinator is among those expected to close it


def _shape(d: WorkflowDefinition, state: str) -> _Shape:
    spec = d.states.get(state)
    leaving = [t for t in d.transitions if state in t.sources]
    expected = {role for t in leaving for role in d.expected_to_fire(t)}
    return _Shape(spec is None or spec.final, any(t.review is not None for t in leaving),
                  bool(expected), roles.COORDINATOR in expected)


def _stage(d: WorkflowDefinition, state: str) -> Label:
    spec = d.states.get(state)
    return spec.label if spec is not None and spec.label else state


@dataclass
class Scan:
    """The regions in scope, their current stage and open deadline, sorted into categories."""

    now: datetime
    regions: dict[str, tuple[str, str]]  # code -> (name, tz)
    current: dict[str, tuple[InstanceSnapshot, DeadlineRecord | None]]
    stages: dict[tuple[str, int, str], Label] = field(default_factory=dict)
    found: dict[str, list[Found]] = field(
        default_factory=lambda: {c: [] for c in REGION_CATEGORIES})

    def stage(self, code: str, state: str) -> Label:
        instance, _ = self.current[code]
        return self.stages.get((instance.definition_key, instance.definition_version, state),
                               state)

    def open_deadlines(self) -> list[DeadlineRecord]:
        return [d for _, d in self.current.values() if d is not None]


def regions_in(session: Session, scope: frozenset[str] | None) -> dict[str, tuple[str, str]]:
    """The cohort regions a viewer sees (``None``: all of them), with name and zone."""
    query = (select(col(Region.code), col(Region.name), col(Region.tz))
             .join(CohortMember, col(CohortMember.region_code) == col(Region.code)))
    if scope is not None:
        if not scope:
            return {}
        query = query.where(col(Region.code).in_(sorted(scope)))
    return {code: (name, tz) for code, name, tz in session.execute(query).all()}


def escalation_point(prog: Programme, deadline: DeadlineRecord, tz: str) -> datetime:
    """When the sweep escalates ``deadline`` to coordinators told in ``tz`` (counted from when
    the deadline was opened, as the sweep counts from when it was set)."""
    return occasions.escalation(prog.settings, deadline.due_at, tz, deadline.created_at).at


def scan(prog: Programme, session: Session, scope: frozenset[str] | None, *,
         details: bool = False) -> Scan:
    """Sort the regions in ``scope`` into the region categories (each list oldest first).

    ``details`` also reads who owes what in an overdue review (the mentors, for the page);
    the counts do without.
    """
    now = prog.engine.clock()
    regions = regions_in(session, scope)
    current = (Records(session).current_with_deadlines(MASTER_PLAN, sorted(regions))
               if regions else {})
    found = Scan(now, regions, current)
    stall = timedelta(days=prog.settings.stall_days)
    shapes: dict[tuple[str, int, str], _Shape] = {}
    owe_check: dict[str, _Shape] = {}  # regions whose obligations decide their category
    escalating: set[str] = set()
    for code, (instance, deadline) in sorted(current.items()):
        ident = (instance.definition_key, instance.definition_version, instance.state)
        if ident not in shapes:
            d = prog.definition_of(session, instance)
            shapes[ident] = _shape(d, instance.state)
            found.stages[ident] = _stage(d, instance.state)
        shape = shapes[ident]
        if shape.final:
            continue
        name, tz = regions[code]
        stage = found.stages[ident]
        if shape.expected and now - instance.entered_at > stall:
            found.found[STALLED].append(Found(code, name, tz, instance.state, stage,
                                              instance.entered_at))
        if shape.review:
            if deadline is not None and deadline.due_at <= now:
                found.found[REVIEWS].append(Found(code, name, tz, instance.state, stage,
                                                  deadline.due_at, deadline.due_at))
                if details:
                    owe_check[code] = shape
            continue
        if shape.coordinator:
            owe_check[code] = shape
        told_in = NATIONAL_TZ if scope is None else tz
        if deadline is not None and escalation_point(prog, deadline, told_in) <= now:
            owe_check[code] = shape
            escalating.add(code)
    if owe_check:
        _by_obligations(prog, session, found, owe_check, escalating)
    for items in found.found.values():
        items.sort(key=lambda f: (f.since, f.code))
    return found


def _by_obligations(prog: Programme, session: Session, found: Scan,
                    regions: dict[str, _Shape], escalating: set[str]) -> None:
    """Escalations, regions waiting for a coordinator and the mentors of overdue reviews,
    from what each party owes now."""
    # A stage with an open deadline is read through it (its instance and stage are known
    # already); one without (an escalated review waiting for a coordinator) is read afresh.
    obligations = Obligations(prog, session)
    with_deadline = [d for code in sorted(regions) if (d := found.current[code][1]) is not None]
    without = [code for code in sorted(regions) if found.current[code][1] is None]
    owed: dict[str, list[Owed]] = defaultdict(list)
    for o in [*obligations.on_deadlines(with_deadline),
              *(obligations.master_plan(without) if without else [])]:
        owed[o.region].append(o)
    reviews = {f.code: i for i, f in enumerate(found.found[REVIEWS])}
    for code, shape in sorted(regions.items()):
        instance, deadline = found.current[code]
        name, tz = found.regions[code]
        stage = found.stage(code, instance.state)
        owing = owed.get(code, [])
        if code in reviews:
            i = reviews[code]
            found.found[REVIEWS][i] = _with(found.found[REVIEWS][i], owing)
            continue
        late = mornings.late(owing)
        if code in escalating and late and deadline is not None:
            found.found[ESCALATIONS].append(_with(Found(
                code, name, tz, instance.state, stage, deadline.due_at, deadline.due_at),
                late))
        if shape.coordinator and owing and all(
                o.role == roles.COORDINATOR and o.kind != SUBMIT for o in owing):
            found.found[COORDINATOR].append(Found(
                code, name, tz, instance.state, stage, instance.entered_at,
                deadline.due_at if deadline is not None else None, _labels(owing)))


def _labels(owing: Iterable[Owed]) -> tuple[Label, ...]:
    """What is owed, each thing once (a per-OPD document owed by three OPDs is one)."""
    return tuple({o.duty.name: o.duty.label for o in owing}.values())


def _with(item: Found, owing: list[Owed]) -> Found:
    """``item`` with what is owed and who owes it (a role, when nobody of it is there)."""
    who = dict.fromkeys(o.party.label() if o.party is not None else Message(f"role.{o.role}")
                        for o in owing)
    return Found(item.code, item.name, item.tz, item.state, item.stage, item.since,
                 item.due_at, _labels(owing), tuple(who))
