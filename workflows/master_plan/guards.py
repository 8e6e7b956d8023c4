"""The master plan's guards: the programme rules a definition can name.

Each reads the instance through the :class:`~engine.TransitionContext` (the engine's data
through its ``records``, the programme's own tables through its session) and returns ``None``
when the rule holds or a sentence saying what is missing and what to do.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import select

from engine import GuardRegistry, TransitionContext
from workflows.directory.models import Opd
from workflows.directory.reference import DimensionSet
from workflows.master_plan import GRANT_EXTRA_ROUND, QUESTIONNAIRE, QUICK_WIN_PLAN
from workflows.master_plan.quick_wins import QuickWin

REJECTED = "rejected"
_OPD = Opd.__table__  # type: ignore[attr-defined]
#: A region's OPDs (built once: closing bimtek I asks on every try).
_OPDS = (core_select(_OPD.c.code, _OPD.c.name)
         .where(_OPD.c.region_code == bindparam("region")).order_by(_OPD.c.code))


def programme_guards(
    *, max_review_rounds: int, cycle_years: int, dimensions: DimensionSet
) -> GuardRegistry:
    """The guard registry of the master-plan workflow, bound to the programme's settings."""
    guards = GuardRegistry()

    @guards.register("all_opds_submitted_questionnaire", "every OPD has sent its questionnaire")
    def all_opds_submitted_questionnaire(ctx: TransitionContext) -> str | None:
        region = ctx.instance.subject
        opds = ctx.session.connection().execute(_OPDS, {"region": region}).all()
        if not opds:
            return f"no OPDs are registered for {region}; register them before closing bimtek I"
        done = {party for name, party in ctx.submitted() if name == QUESTIONNAIRE}
        missing = [f"{name} ({code})" for code, name in opds if code not in done]
        if not missing:
            return None
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        shown = ", ".join(missing[:5]) + more
        return f"{len(missing)} of {len(opds)} OPDs have not submitted the questionnaire: {shown}"

    @guards.register("quick_win_plan_tagged",
                     "the quick-win plan lists a quick win tagged with a dimension and element")
    def quick_win_plan_tagged(ctx: TransitionContext) -> str | None:
        latest = ctx.records.latest_submission(ctx.instance.id, QUICK_WIN_PLAN)
        if latest is None:
            return "no quick-win plan has been submitted"
        tags = ctx.session.execute(
            select(QuickWin.dimension, QuickWin.element).where(QuickWin.submission_id == latest.id)
        ).all()
        if any(dimensions.check_tag(dim, el) is None for dim, el in tags):
            return None
        return (f"quick-win plan version {latest.version} lists no quick win tagged with a "
                "dimension and an element; resubmit it with its quick wins")

    def rounds_used(ctx: TransitionContext) -> tuple[int, int]:
        used = ctx.records.review_count(ctx.instance.id, QUICK_WIN_PLAN, REJECTED)
        granted = ctx.records.times_fired(ctx.instance.id, GRANT_EXTRA_ROUND)
        return used, max_review_rounds + granted

    @guards.register("review_rounds_left", "revision rounds remain")
    def review_rounds_left(ctx: TransitionContext) -> str | None:
        used, allowed = rounds_used(ctx)
        if used + 1 < allowed:
            return None
        return f"this is revision round {used + 1} of {allowed}, the last one"

    @guards.register("revised_since_rejection",
                     "a new quick-win plan version was submitted after the last rejection")
    def revised_since_rejection(ctx: TransitionContext) -> str | None:
        last = ctx.records.last_review(ctx.instance.id, QUICK_WIN_PLAN)
        latest = ctx.records.latest_submission(ctx.instance.id, QUICK_WIN_PLAN)
        if last is None or (latest is not None and latest.id != last.submission_id):
            return None
        return (f"submit a revised quick-win plan first; round {last.round} asked: "
                f"{last.comment}")

    @guards.register("cycle_elapsed", f"the {cycle_years}-year cycle is over")
    def cycle_elapsed(ctx: TransitionContext) -> str | None:
        ends = ctx.instance.entered_at + timedelta(days=round(365.25 * cycle_years))
        if ctx.now >= ends:
            return None
        return (f"the {cycle_years}-year cycle that began with adoption on "
                f"{ctx.instance.entered_at:%Y-%m-%d} runs until {ends:%Y-%m-%d}")

    return guards
