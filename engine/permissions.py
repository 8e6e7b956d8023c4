"""Who may act: roles from the definition, scoped to the subjects an actor is bound to.

The engine checks permissions itself, so every interface (command line, API, web) enforces the
same rules. A refusal names the role that may act, so the person knows whom to ask.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.contracts import Actor, Wording
from engine.definition import WorkflowDefinition
from engine.errors import PermissionDenied


def _join_roles(roles: Iterable[str]) -> str:
    ordered = sorted(set(roles))
    if len(ordered) == 1:
        return ordered[0]
    return ", ".join(ordered[:-1]) + " or " + ordered[-1]


def check_role(action: str, allowed: Iterable[str], actor: Actor) -> None:
    """Refuse unless the actor's role is one of ``allowed``."""
    allowed = list(allowed)
    if actor.role not in allowed:
        raise PermissionDenied(
            f"only {_join_roles(allowed)} may {action}; {actor.describe()} may not"
        )


def check_scope(definition: WorkflowDefinition, subject: str, actor: Actor,
                wording: Wording | None = None) -> None:
    """Refuse unless the actor may act for ``subject``.

    A scoped role must be bound to the subject; an unscoped role may be bound to some subjects
    (then it acts for those only) or to none in particular (then it acts for all).
    """
    words = wording or Wording()
    role = definition.roles.get(actor.role)
    if role is None:
        raise PermissionDenied(
            f"role {actor.role!r} takes no part in workflow {definition.key!r} "
            f"(roles: {', '.join(definition.roles)})"
        )
    if actor.subjects is None:
        if role.scoped:
            raise PermissionDenied(
                f"{actor.describe()} is not bound to any {words.subject}; a {actor.role} "
                f"acts only for the {words.subjects} assigned to it"
            )
        return
    if subject not in actor.subjects:
        raise PermissionDenied(
            f"{actor.describe()} is not assigned to {subject}; only the {actor.role} of "
            f"{subject} may act for it"
        )
