"""A subject's instances of any published workflow: which ones run, finding one, starting one.

The master plan starts when a region joins a cohort (:mod:`workflows.directory.cohorts`); any
other programme shipped as a definition (``workflows/definitions/``) is started for its subject
by a coordinator: a region, or a province when the definition's ``subject.kind`` says so
(:mod:`workflows.directory.subjects`; callers pass the key, the kind comes from the
definition). Everything a region does (actions, submissions, obligations, history) then works
on the workflow's key, the master plan's when none is named, so a new programme needs a
definition and no code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from config.messages import Message
from engine import (
    ConflictError,
    InstanceSnapshot,
    InvalidInputError,
    NotFoundError,
    Records,
    WorkflowDefinition,
)
from workflows.deadlines.setting import require_coordinator_of
from workflows.directory.actors import Acting, acting
from workflows.directory.subjects import REGION, Subject, find_subject
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme


@dataclass(frozen=True)
class Running:
    """A region's current instance of one workflow, with the definition version it runs on."""

    instance: InstanceSnapshot
    definition: WorkflowDefinition

    @property
    def final(self) -> bool:
        spec = self.definition.states.get(self.instance.state)
        return spec is not None and spec.final

    @property
    def stage(self) -> str:
        return self.definition.state_label(self.instance.state)


def workflow(prog: Programme, session: Session, key: str) -> WorkflowDefinition:
    """The latest published version of ``key``; an unknown key names the published ones."""
    keys = prog.engine.definition_keys(session)
    if key not in keys:
        raise NotFoundError("instances.unknown_workflow", key=key,
                            known=", ".join(keys) or Message("instances.none_published"))
    return prog.engine.workflow(session, key)


def subject_kind(prog: Programme, session: Session, key: str) -> str:
    """What ``key``'s subjects are (``region`` for the master plan); an unknown key is named."""
    return REGION if key == MASTER_PLAN else workflow(prog, session, key).subject.kind


def subject_of(prog: Programme, session: Session, key: str, ref: str) -> Subject:
    """The subject ``ref`` names (code or name) of the kind ``key``'s definition runs for."""
    return find_subject(session, subject_kind(prog, session, key), ref)


def current(prog: Programme, session: Session, region_ref: str,
            key: str = MASTER_PLAN) -> InstanceSnapshot:
    """The subject's current instance of ``key``, locked for an action: by code in one
    statement (the common case: pages and the API name subjects by code), else through the
    subject's name (a region's, or a province's for a province workflow)."""
    found = prog.engine.current_for_action(session, key, region_ref.strip())
    if found is not None:
        return found
    d = workflow(prog, session, key)  # an unknown key is named as such
    return prog.current_instance(session, find_subject(session, d.subject.kind,
                                                       region_ref).code, key)


def running(prog: Programme, session: Session, region: str) -> list[Running]:
    """The region's current instance of every published workflow it has, master plan first,
    then by key (one query per published workflow: a handful)."""
    records = Records(session)
    found: list[Running] = []
    keys = prog.engine.definition_keys(session)
    for key in sorted(keys, key=lambda k: (k != MASTER_PLAN, k)):
        instance = records.current_instance(key, region)
        if instance is not None:
            found.append(Running(instance, prog.definition_of(session, instance)))
    return found


def start(prog: Programme, key: str, region_ref: str, actor: Acting) -> InstanceSnapshot:
    """Start ``key`` for its subject (a region, or a province for a province workflow) as a
    coordinator of that subject (or of the programme).

    A workflow that ended (a final state) starts again as its next cycle, like next year's
    round; one still running is refused. The master plan is started by joining a cohort.
    """
    with prog.db.transaction() as session:
        who = acting(session, actor)
        d = workflow(prog, session, key)
        region = find_subject(session, d.subject.kind, region_ref)
        if key == MASTER_PLAN:
            raise InvalidInputError("instances.master_plan_by_cohort", region=region.code)
        require_coordinator_of(who, region.code,
                               Message("instances.action.start", workflow=d.title))
        previous = Records(session).current_instance(key, region.code)
        cycle = 1
        if previous is not None:
            last = Running(previous, prog.definition_of(session, previous))
            if not last.final:
                raise ConflictError("instances.already_running", region=region.code,
                                    workflow=d.title, stage=last.stage)
            cycle = previous.cycle + 1
        return prog.engine.start(session, key, region.code, who, cycle=cycle)
