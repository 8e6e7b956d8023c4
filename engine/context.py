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

from engine.contracts import Actor, InstanceSnapshot
from engine.definition import WorkflowDefinition
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
        self.failures: list[str] = []
        self.transition: Any = None
        self.fired_index = -1
        self._submitted: set[tuple[str, str]] | None = None

    def record(self, reason: str | None) -> bool:
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

    def missing_requirements(self) -> str | None:
        required = self.definition.states[self.instance.state].requires
        missing = [r for r in required if r not in self.submitted_deliverables()]
        if not missing:
            return None
        names = ", ".join(f"{self.definition.deliverables[m].label} ({m})" for m in missing)
        return f"still to be submitted: {names}"

    def comment_missing(self) -> str | None:
        if self.comment and self.comment.strip():
            return None
        return f"a comment is required to {self.trigger}: say what must change"

    def nothing_to_review(self, deliverable: str) -> str | None:
        if self.records.latest_submission(self.instance.id, deliverable):
            return None
        label = self.definition.deliverables[deliverable].label
        return f"there is no {label} ({deliverable}) to review yet"
