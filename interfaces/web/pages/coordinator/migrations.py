"""``/workflows/{key}/migrations``: running regions moved to another version, and reverted.

The page lists past migrations (newest first) with a revert button each, and a form: the
version to move to, which regions (all, a cohort, or codes and names), state mappings (one
``old=new`` a line) and a reason. Sending the form shows the plan (a dry run, nothing
written) with an "apply" button that sends the same fields again; applying goes through
:func:`workflows.migrations.migrate`, like ``smartcity workflow migrate``, and answers with a
redirect back to the page naming the migration (POST/redirect/GET). A refused plan is shown
again with the reasons; nothing is written. Reverting shows its plan first the same way.
Programme-wide coordinators migrate (the domain checks again); administrators read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from config.messages import Message, text
from engine import InstancePlan, InvalidInputError, NotFoundError, recorded_migrations
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.pages.coordinator.common import (
    MAX_INT,
    NO_NUL,
    CommentField,
    CsrfField,
    require_coordinator,
    require_programme_wide,
    visible_cohorts,
)
from interfaces.web.templating import render
from workflows import instances, migrations
from workflows.directory.subjects import subjects
from workflows.programme import Programme

router = APIRouter()

KeyPath = Annotated[str, Path(min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$")]
IdPath = Annotated[int, Path(ge=1, le=MAX_INT)]
StepField = Annotated[str, Form(pattern=r"^(plan|apply)$")]
ScopeField = Annotated[str, Form(pattern=r"^(all|cohort|regions)$")]
TextField = Annotated[str, Form(max_length=4000, pattern=NO_NUL)]
DoneId = Annotated[int | None, Query(ge=1, le=MAX_INT)]
DoneWhat = Annotated[str | None, Query(pattern=r"^(migrated|reverted)$")]


def _page(request: Request, viewer: Viewer, prog: Prog, key: str, status: int = 200,
          **context: object) -> Response:
    with prog.db.read() as session:
        past = [(m, migrations.scope_words(m.scope)) for m in recorded_migrations(session, key)]
        versions = prog.engine.definition_versions(session, key)
        cohorts = [c.name for c, _ in visible_cohorts(session, viewer)]
        title = str(prog.engine.workflow(session, key).title) if versions else key
        result = context.get("result")
        names = (_Names(session, prog, key, result.plans)
                 if isinstance(result, migrations.MigrationResult) else None)
    defaults = {"to_version": versions[-1] if versions else 1, "scope": "all", "cohort": "",
                "regions": "", "mapping": "", "reason": ""}
    form = {**defaults, **context.pop("form", {})}  # type: ignore[dict-item]
    return render(request, "coordinator_migrations.html", viewer, status=status, key=key,
                  title=title,
                  past=past, versions=versions, cohorts=cohorts, form=form,
                  can_act=viewer.actor is not None, tool="migrations", names=names,
                  **context)


class _Names:
    """What a plan's codes and keys are called, in the reader's language: subjects (regions,
    or provinces for a province workflow) by name,
    stages and deliverables by the label of the version they belong to (a coordinator maps
    ``mou`` to ``institutions`` by key, but reads "Penandatanganan MoU")."""

    def __init__(self, session: Session, prog: Programme, key: str,
                 plans: Sequence[InstancePlan]) -> None:
        self._defs = {v: prog.engine.workflow(session, key, v)
                      for v in {p.from_version for p in plans} | {p.to_version for p in plans}}
        self._regions = {code: s.name for code, s in
                         subjects(session, {p.subject for p in plans}).items()}

    def region(self, code: str) -> str:
        return self._regions.get(code, code)

    def stage(self, version: int, state: str) -> str:
        """The stage's label with its version and key; a key the version does not have (a
        refused mapping's typo) shown as such, not dressed up as a label."""
        definition = self._defs[version]
        if state not in definition.states:
            return text("migration.page.not_in_version", state=state, version=version)
        return f"{definition.state_label(state)} (v{version}, {state})"

    def deliverables(self, version: int, names: Sequence[str]) -> str:
        return ", ".join(self._defs[version].deliverable_label(n) for n in names)


def _allowed(viewer: Viewer, prog: Programme, key: str) -> None:
    """Programme-wide coordinators (and administrators, who read) only; an unknown workflow
    is a 404 naming the published ones."""
    require_coordinator(viewer)
    require_programme_wide(viewer, Message("migration.action"))
    with prog.db.read() as session:
        instances.workflow(prog, session, key)


@router.get("/workflows/{key}/migrations")
def migrations_page(request: Request, viewer: PageViewer, prog: Prog, key: KeyPath,
                    done: DoneWhat = None, id: DoneId = None) -> Response:
    """Past migrations with their revert buttons, and the form of a new one."""
    _allowed(viewer, prog, key)
    return _page(request, viewer, prog, key, done=done, done_id=id)


def _scope(scope: str, cohort: str, regions: str) -> migrations.Scope:
    if scope == "cohort":
        return migrations.Scope(cohort=cohort.strip() or None)
    if scope == "regions":
        found = tuple(r.strip() for r in regions.replace(",", "\n").splitlines() if r.strip())
        if not found:
            raise InvalidInputError("migration.regions_empty")
        return migrations.Scope(regions=found)
    return migrations.Scope(all=True)


@router.post("/workflows/{key}/migrations")
def migrate(request: Request, viewer: PageViewer, prog: Prog, key: KeyPath,
            to_version: Annotated[int, Form(ge=1, le=MAX_INT)], step: StepField,
            scope: ScopeField = "all", cohort: TextField = "", regions: TextField = "",
            mapping: TextField = "", reason: CommentField = "",
            csrf_token: CsrfField = "") -> Response:
    """``plan``: the dry run's plan with an apply button; ``apply``: migrate, then back to
    the page naming the migration. A refused plan is shown with the reasons (422)."""
    check_csrf(viewer, csrf_token)
    _allowed(viewer, prog, key)
    form = {"to_version": to_version, "scope": scope, "cohort": cohort, "regions": regions,
            "mapping": mapping, "reason": reason}
    try:
        state_map = migrations.parse_map([line for line in mapping.splitlines()
                                          if line.strip()])
        result = migrations.migrate(prog, key, to_version, _scope(scope, cohort, regions),
                                    acting(viewer), state_map=state_map,
                                    dry_run=step == "plan", reason=reason.strip() or None)
    except (InvalidInputError, NotFoundError) as exc:  # a typo in a region: the form again
        return _page(request, viewer, prog, key, 422, form=form, problem=str(exc))
    if result.refused or step == "plan":
        return _page(request, viewer, prog, key, 422 if result.refused else 200, form=form,
                     result=result)
    return RedirectResponse(f"/workflows/{key}/migrations?done=migrated&id="
                            f"{result.migration_id}#past", status_code=303)


@router.post("/workflows/{key}/migrations/{migration_id}/revert")
def revert(request: Request, viewer: PageViewer, prog: Prog, key: KeyPath,
           migration_id: IdPath, step: StepField, reason: CommentField = "",
           csrf_token: CsrfField = "") -> Response:
    """``plan``: the way back, with a confirm button; ``apply``: revert, then back."""
    check_csrf(viewer, csrf_token)
    _allowed(viewer, prog, key)
    result = migrations.revert(prog, migration_id, acting(viewer), dry_run=step == "plan",
                               reason=reason.strip() or None)
    if result.refused or step == "plan":
        return _page(request, viewer, prog, key, 422 if result.refused else 200,
                     result=result, reverting=migration_id)
    return RedirectResponse(f"/workflows/{key}/migrations?done=reverted&id="
                            f"{result.migration_id}#past", status_code=303)
