"""What the page of one of a region's workflows shows (``/regions/{code}/workflows/{key}``):
its stage, what is owed, the viewer's actions, the documents sent, the history and what the
diagram needs; for any workflow other than the master plan, whose own page says much more
(:mod:`workflows.reporting.region`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
from workflows import instances
from workflows.directory.actors import names
from workflows.directory.subjects import Subject
from workflows.obligations import Obligations, Owed
from workflows.programme import Programme
from workflows.reporting.deadlines import DeadlineRow, instance_deadlines
from workflows.reporting.submissions import SubmissionRow, submissions
from workflows.reporting.timeline import described


@dataclass
class InstanceView:
    region: Subject  # whom it runs for: a region, or a province for a province workflow
    instance: InstanceSnapshot
    definition: WorkflowDefinition
    stage: str
    subject: str  # what the definition calls its subject ("Daerah"), else ""
    owed: list[Owed]
    available: list[AvailableAction]
    history: list[HistoryRecord]  # newest first, every cycle of this workflow
    names: dict[str, str]
    deadlines: list[DeadlineRow]  # newest first
    submissions: list[SubmissionRow]  # the current cycle's, in the order received
    latest: list[SubmissionRow]
    passed: frozenset[str]
    taken: frozenset[tuple[str, str]]
    trigger_labels: dict[str, str]
    deliverable_labels: dict[str, str]
    words: dict[tuple[int, int], Message] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        spec = self.definition.states.get(self.instance.state)
        return spec is not None and spec.final


def instance_view(prog: Programme, session: Session, region_ref: str, key: str,
                  actor: Actor | None) -> InstanceView:
    """Everything the workflow page shows of the region's instance of ``key``, for
    ``actor`` (None: no actions). An unknown key or a workflow the region never ran is a
    404 that says so."""
    region = instances.subject_of(prog, session, key, region_ref)
    instance = prog.current_instance(session, region.code, key)
    d = prog.definition_of(session, instance)
    records = Records(session)
    history = list(reversed(records.history(region.code, key)))
    moves = records.moves(instance.id)
    sent = submissions(prog, session, region.code, key)
    trigger_labels: dict[str, str] = {}
    for t in d.transitions:
        trigger_labels.setdefault(t.trigger, d.transition_label(t))
    return InstanceView(
        region=region, instance=instance, definition=d, stage=d.state_label(instance.state),
        subject=d.subject_label() or "",
        owed=Obligations(prog, session).current([region.code], [key]),
        available=(prog.engine.available(session, instance.id, actor)
                   if actor is not None else []),
        history=history,
        names=names(session, {h.actor for h in history} | {s.submitted_by for s in sent}),
        deadlines=list(reversed(instance_deadlines(prog, session, instance))),
        submissions=sent, latest=list({(s.deliverable, s.party): s for s in sent}.values()),
        passed=frozenset({a for a, _ in moves if a} | {b for _, b in moves})
        - {instance.state},
        taken=frozenset((a, b) for a, b in moves if a and a != b),
        trigger_labels=trigger_labels,
        deliverable_labels={k: str(v.label) for k, v in d.deliverables.items()},
        words=described(prog, session, history, region.tz))
