"""Who may act: roles from the definition, scoped to the subjects an actor is bound to.

The engine checks permissions itself, so every interface (command line, API, web) enforces the
same rules. A refusal names the role that may act, so the person knows whom to ask.
"""

from __future__ import annotations

from collections.abc import Iterable

from config.messages import text, word
from engine.contracts import Actor, Wording
from engine.definition import WorkflowDefinition
from engine.errors import PermissionDenied


class RoleNames:
    """Roles named as people know them, joined by the language's "or" when written out."""

    def __init__(self, roles: Iterable[str], definition: WorkflowDefinition | None) -> None:
        self.roles = sorted(set(roles))
        self.definition = definition

    def __format__(self, spec: str) -> str:
        named = [self.definition.role_label(r) if self.definition else r for r in self.roles]
        if len(named) == 1:
            return named[0]
        return text("engine.or", first=", ".join(named[:-1]), last=named[-1])

    def __str__(self) -> str:
        return format(self)


def check_role(action: object, allowed: Iterable[str], actor: Actor,
               definition: WorkflowDefinition | None = None) -> None:
    """Refuse unless the actor's role is one of ``allowed``; ``action`` says what was tried
    (a label or a message, written out in the reader's language)."""
    allowed = list(allowed)
    if actor.role not in allowed:
        raise PermissionDenied("engine.only_roles", roles=RoleNames(allowed, definition),
                               action=action, who=actor.name or actor.identity)


def check_scope(definition: WorkflowDefinition, subject: str, actor: Actor,
                wording: Wording | None = None) -> None:
    """Refuse unless the actor may act for ``subject``.

    A scoped role must be bound to the subject; an unscoped role may be bound to some subjects
    (then it acts for those only) or to none in particular (then it acts for all).
    """
    words = wording or Wording()
    role = definition.roles.get(actor.role)
    if role is None:
        raise PermissionDenied("engine.role_not_in_workflow", role=actor.role,
                               workflow=definition.title,
                               roles=[spec.label or definition.role_label(key)
                                      for key, spec in definition.roles.items()])
    if actor.subjects is None:
        if role.scoped:
            raise PermissionDenied("engine.not_bound", who=actor.name or actor.identity,
                                   role=role.label or definition.role_label(actor.role),
                                   subjects=word(words.subjects))
        return
    if subject not in actor.subjects:
        raise PermissionDenied("engine.not_assigned", who=actor.name or actor.identity,
                               subject=subject,
                               role=role.label or definition.role_label(actor.role))
