"""Who may act: roles from the definition, scoped to the subjects (regions) an actor holds.

The engine checks permissions itself, so every interface (command line, API, web) enforces the
same rules. A refusal names the role that may act, so the person knows whom to ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.definition import WorkflowDefinition
from engine.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """Someone acting: an identity, one role, and the subjects they act for.

    ``subjects`` is ``None`` for programme-wide actors (a ministry coordinator); otherwise the
    set of subject keys (region codes) they are bound to. ``party`` identifies the
    sub-unit they speak for, such as an OPD within a region.
    """

    identity: str
    role: str
    subjects: frozenset[str] | None = None
    party: str | None = None
    name: str | None = None

    def describe(self) -> str:
        who = self.name or self.identity
        return f"{who} ({self.role})"


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


def check_scope(definition: WorkflowDefinition, subject: str, actor: Actor) -> None:
    """Refuse unless the actor may act for ``subject``.

    A scoped role (OPD, mentor, head of region) must be bound to the subject; an unscoped role
    may be bound (a region's own coordinator) or programme-wide.
    """
    role = definition.roles.get(actor.role)
    if role is None:
        raise PermissionDenied(
            f"role {actor.role!r} takes no part in workflow {definition.key!r} "
            f"(roles: {', '.join(definition.roles)})"
        )
    if actor.subjects is None:
        if role.scoped:
            raise PermissionDenied(
                f"{actor.describe()} is not bound to any region; a {actor.role} acts only for "
                "the regions assigned to it"
            )
        return
    if subject not in actor.subjects:
        raise PermissionDenied(
            f"{actor.describe()} is not assigned to {subject}; only the {actor.role} of "
            f"{subject} may act for it"
        )
