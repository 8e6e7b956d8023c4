"""How the engine words a refusal: stages and actions by the names people know.

A refusal names the stage a subject is in and the actions possible there by their labels
(written out in the reader's language when the message is read), never by their keys; the
checks of a submission live here too, as they are mostly refusals.
"""

from __future__ import annotations

from config.messages import InSentence, Message
from engine.contracts import Actor, InstanceSnapshot
from engine.definition import DeliverableSpec, Label, TransitionSpec, WorkflowDefinition
from engine.errors import InvalidInputError, TransitionNotAllowed
from engine.permissions import check_role


def stage_named(d: WorkflowDefinition, state: str) -> Label:
    """A stage as people know it: its label (written out in the reader's language), or its
    key made readable when it has none -- never the bare key."""
    return d.states[state].label or d.state_label(state)


def action_named(d: WorkflowDefinition, transition: TransitionSpec) -> Label:
    """An action as people know it: its label, or its trigger made readable."""
    return transition.label or d.transition_label(transition)


def actions_named(d: WorkflowDefinition, triggers: list[str]) -> list[Label] | Message:
    """The actions possible now, by their labels (written out in the reader's language)."""
    labels: list[Label] = []
    for trigger in triggers:
        labels.append(action_named(d, next(t for t in d.transitions if t.trigger == trigger)))
    return labels or Message("engine.none")


def check_submission(d: WorkflowDefinition, instance: InstanceSnapshot, spec: DeliverableSpec,
                     actor: Actor, party: str | None) -> str:
    """Refuse a submission the role, the stage or a missing party forbids; the party it is
    recorded for (``""`` unless the deliverable is per party)."""
    check_role(Message("engine.submit_action", deliverable=spec.label), spec.submitted_by,
               actor, d)
    if instance.state not in spec.during:
        raise TransitionNotAllowed(
            "engine.not_during", deliverable=spec.label, subject=instance.subject,
            during=[stage_named(d, s) for s in spec.during],
            stage=stage_named(d, instance.state))
    if spec.per_party and not party:
        raise InvalidInputError("engine.party_needed", deliverable=spec.label)
    return party or "" if spec.per_party else ""


def not_from_here(d: WorkflowDefinition, instance: InstanceSnapshot,
                  trigger: str) -> TransitionNotAllowed:
    """The refusal of a trigger that does not leave the instance's state: an unknown action,
    or one of another stage, with the actions possible now."""
    possible = actions_named(d, d.triggers_from(instance.state))
    action = next((t for t in d.transitions if t.trigger == trigger), None)
    if action is None:
        return TransitionNotAllowed("engine.unknown_action", trigger=trigger, workflow=d.title,
                                    possible=possible)
    return TransitionNotAllowed(
        "engine.not_now", action=InSentence(action_named(d, action)), subject=instance.subject,
        stage=stage_named(d, instance.state), possible=possible)
