"""The master plan's guards: the programme rules a definition can name.

Since version 4 the definition names generic conditions with arguments (:mod:`engine.conditions`);
this registry gives them what only the programme knows: the parties of a region (its OPDs), the
settings a count may name (``max_review_rounds``, ``cycle_years``), dates in the region's words,
and ``latest_items_tagged``, which reads the quick-win table. The Python guards below stay
registered for the regions still running on version 3.

Each reads the instance through the :class:`~engine.TransitionContext` (the engine's data
through its ``records``, the programme's own tables through its session) and returns ``None``
when the rule holds or a message saying what is missing and what to do (a catalogue key and
its parameters, written in the reader's language); each is registered with the key of what
holds when it passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import select

from config.messages import Message
from engine import Arg, Condition, GuardRegistry, TransitionContext
from workflows.directory.models import Opd
from workflows.directory.reference import DimensionSet
from workflows.master_plan import GRANT_EXTRA_ROUND, QUESTIONNAIRE, QUICK_WIN_PLAN
from workflows.master_plan.quick_wins import QuickWin
from workflows.zones import Moment

REJECTED = "rejected"
_OPD = Opd.__table__  # type: ignore[attr-defined]
#: A region's OPDs (built once: closing bimtek I asks on every try).
_OPDS = (core_select(_OPD.c.code, _OPD.c.name)
         .where(_OPD.c.region_code == bindparam("region")).order_by(_OPD.c.code))


def programme_guards(
    *, max_review_rounds: int, cycle_years: int, dimensions: DimensionSet
) -> GuardRegistry:
    """The guard registry of the master-plan workflow, bound to the programme's settings."""
    guards = GuardRegistry(
        parameters={"max_review_rounds": max_review_rounds, "cycle_years": cycle_years},
        parties=_region_opds, date=lambda at: Moment(at, time=False))
    guards.register_condition(_latest_items_tagged(dimensions))

    # Version 3's guards, by name.
    @guards.register("all_opds_submitted_questionnaire",
                     "master_plan.guard.all_opds_submitted_questionnaire")
    def all_opds_submitted_questionnaire(ctx: TransitionContext) -> Message | None:
        region = ctx.instance.subject
        opds = ctx.session.connection().execute(_OPDS, {"region": region}).all()
        if not opds:
            return Message("master_plan.no_opds_registered", region=region)
        done = {party for name, party in ctx.submitted() if name == QUESTIONNAIRE}
        missing = [f"{name} ({code})" for code, name in opds if code not in done]
        if not missing:
            return None
        if len(missing) > 5:
            return Message("master_plan.questionnaires_missing_more", missing=len(missing),
                           total=len(opds), names=missing[:5], more=len(missing) - 5)
        return Message("master_plan.questionnaires_missing", missing=len(missing),
                       total=len(opds), names=missing)

    @guards.register("quick_win_plan_tagged", "master_plan.guard.quick_win_plan_tagged")
    def quick_win_plan_tagged(ctx: TransitionContext) -> Message | None:
        latest = ctx.records.latest_submission(ctx.instance.id, QUICK_WIN_PLAN)
        if latest is None:
            return Message("master_plan.no_quick_win_plan")
        tags = ctx.session.execute(
            select(QuickWin.dimension, QuickWin.element).where(QuickWin.submission_id == latest.id)
        ).all()
        if any(dimensions.check_tag(dim, el) is None for dim, el in tags):
            return None
        return Message("master_plan.no_tagged_quick_win", version=latest.version)

    def rounds_used(ctx: TransitionContext) -> tuple[int, int]:
        used = ctx.records.review_count(ctx.instance.id, QUICK_WIN_PLAN, REJECTED)
        granted = ctx.records.times_fired(ctx.instance.id, GRANT_EXTRA_ROUND)
        return used, max_review_rounds + granted

    @guards.register("review_rounds_left", "master_plan.guard.review_rounds_left")
    def review_rounds_left(ctx: TransitionContext) -> Message | None:
        used, allowed = rounds_used(ctx)
        if used + 1 < allowed:
            return None
        return Message("master_plan.last_round", round=used + 1, allowed=allowed)

    @guards.register("revised_since_rejection", "master_plan.guard.revised_since_rejection")
    def revised_since_rejection(ctx: TransitionContext) -> Message | None:
        last = ctx.records.last_review(ctx.instance.id, QUICK_WIN_PLAN)
        latest = ctx.records.latest_submission(ctx.instance.id, QUICK_WIN_PLAN)
        if last is None or (latest is not None and latest.id != last.submission_id):
            return None
        return Message("master_plan.revise_first", round=last.round, comment=last.comment)

    @guards.register("cycle_elapsed", "master_plan.guard.cycle_elapsed")
    def cycle_elapsed(ctx: TransitionContext) -> Message | None:
        ends = ctx.instance.entered_at + timedelta(days=round(365.25 * cycle_years))
        if ctx.now >= ends:
            return None
        return Message("master_plan.cycle_runs", years=cycle_years,
                       began=Moment(ctx.instance.entered_at, time=False),
                       ends=Moment(ends, time=False))

    return guards


def _region_opds(ctx: TransitionContext) -> list[tuple[str, str]]:
    """The parties of a region's instance: its registered OPDs, by code."""
    rows = ctx.session.connection().execute(_OPDS, {"region": ctx.instance.subject}).all()
    return [(code, name) for code, name in rows]


def _latest_items_tagged(dimensions: DimensionSet) -> Condition:
    """``latest_items_tagged``: the latest version of a deliverable lists at least
    ``at_least`` quick wins tagged with a known dimension and element."""

    def build(a: Mapping[str, Any]) -> Callable[[TransitionContext], Message | None]:
        deliverable, at_least = a["deliverable"], a["at_least"]

        def check(ctx: TransitionContext) -> Message | None:
            latest = ctx.records.latest_submission(ctx.instance.id, deliverable)
            label = ctx.definition.deliverables[deliverable].label
            if latest is None:
                return Message(a["missing"], deliverable=label)
            tags = ctx.session.execute(
                select(QuickWin.dimension, QuickWin.element)
                .where(QuickWin.submission_id == latest.id)).all()
            found = sum(dimensions.check_tag(dim, el) is None for dim, el in tags)
            if found >= at_least:
                return None
            return Message(a["message"], deliverable=label, version=latest.version,
                           at_least=at_least, found=found)

        return check

    return Condition(
        "latest_items_tagged", "conditions.latest_items_tagged",
        {"deliverable": Arg("deliverable"), "at_least": Arg("count", False, 1),
         "message": Arg("key", False, "conditions.too_few_tagged"),
         "missing": Arg("key", False, "conditions.nothing_submitted")}, build)
