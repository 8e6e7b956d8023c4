"""The model a transition fires on: one per action, wrapping the instance read for it.

``transitions`` fires a shared machine on a short-lived :class:`TransitionContext` instead of a
registered model. Guards receive the context and read through it: the instance, the actor,
the comment, the time, and the engine's data through :attr:`TransitionContext.records` (a
programme's own tables through :attr:`TransitionContext.session`). ``failures`` collects the
reasons of the conditions that did not hold, so a refusal lists every one of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from config.messages import Message
from engine.contracts import Actor, InstanceSnapshot
from engine.definition import Label, WorkflowDefinition
from engine.records import Records


class TransitionContext:
    """What a guard sees of the action being tried."""

    def __init__(
        self,
        session: Session,
        instance: InstanceSnapshot,
        definition: WorkflowDefinition,
        actor: Actor,
        comment: str | None,
        now: datetime,
        trigger: str,
    ) -> None:
        self.session = session
        self.records = Records(session)
        self.instance = instance
        self.definition = definition
        self.actor = actor
        self.comment = comment
        self.now = now
        self.trigger = trigger
        self.state = instance.state
        self.failures: list[Message | str] = []
        self.transition: Any = None
        self.fired_index = -1
        self._submitted: set[tuple[str, str]] | None = None

    def record(self, reason: Message | str | None) -> bool:
        if reason is None:
            return True
        if reason not in self.failures:
            self.failures.append(reason)
        return False

    def submitted(self) -> set[tuple[str, str]]:
        """The ``(deliverable, party)`` pairs with a version, read once per action: the
        requirements and every guard of one firing share the one read."""
        if self._submitted is None:
            self._submitted = self.records.submitted(self.instance.id)
        return self._submitted

    def submitted_deliverables(self) -> set[str]:
        return {name for name, _ in self.submitted()}

    def action_label(self) -> Label:
        """What is being done, as people know it (the first matching transition's label)."""
        d = self.definition
        specs = d.transitions_for(self.trigger, self.state)
        return (specs[0].label or d.transition_label(specs[0])) if specs else self.trigger

    def missing_requirements(self) -> Message | None:
        required = self.definition.states[self.instance.state].requires
        missing = [r for r in required if r not in self.submitted_deliverables()]
        if not missing:
            return None
        return Message("engine.still_to_submit",
                       names=[self.definition.deliverables[m].label for m in missing])

    def comment_missing(self) -> Message | None:
        if self.comment and self.comment.strip():
            return None
        return Message("engine.comment_required", action=self.action_label())

    def nothing_to_review(self, deliverable: str) -> Message | None:
        if self.records.latest_submission(self.instance.id, deliverable):
            return None
        return Message("engine.nothing_to_review",
                       deliverable=self.definition.deliverables[deliverable].label)
