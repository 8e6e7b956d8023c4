"""Who owes what in a state: the one rule behind reminders, escalations and every to-do list.

A definition says what a state requires (``requires``), who answers for each deliverable
(``owed_by``; by default the subject-bound roles that may submit it), which transitions decide
a review and who is expected to fire the others (``owed_by`` on a transition). From that and
what the instance has submitted, in this order:

1. while a required deliverable is missing, the roles responsible for it owe it: each party its
   own version of a per-party deliverable, every party of the role the one shared document
   otherwise;
2. once everything required is in, the reviewers owe a decision when a review decides the
   state;
3. otherwise the roles expected to close the state owe that action.

The parties are the caller's: for each role, the parties bound to the subject (an agency's
code, a person's address). A duty whose roles have nobody comes back once with ``party=None``:
nobody is there to do it, and somebody should be told.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from engine.contracts import ACT, REVIEW, SUBMIT, Duty, Obligation
from engine.definition import WorkflowDefinition


def state_duties(d: WorkflowDefinition, state: str,
           submitted: Collection[tuple[str, str]]) -> list[Duty]:
    """What ``state`` still waits for, by role: the missing deliverables, else the review
    decision, else the closing action (without parties: a per-party deliverable is listed
    when at least one party has not submitted it, which only :func:`who_owes` can tell,
    so it is always listed here)."""
    spec = d.states.get(state)
    if spec is None or spec.final:
        return []
    missing = [Duty(SUBMIT, name, d.deliverables[name].label, d.responsible_for(name),
                    d.deliverables[name].per_party)
               for name in spec.requires
               if d.deliverables[name].per_party or (name, "") not in submitted]
    if missing:
        return missing
    return _closing(d, state)


def who_owes(d: WorkflowDefinition, state: str, submitted: Collection[tuple[str, str]],
                parties: Mapping[str, Sequence[str]]) -> list[Obligation]:
    """Every party's part of what ``state`` waits for (see the module's rule).

    ``submitted`` holds the instance's ``(deliverable, party)`` pairs (party ``""`` unless
    per party); ``parties`` the parties of each role bound to the subject.
    """
    owed: list[Obligation] = []
    for duty in state_duties(d, state, submitted):
        if duty.kind != SUBMIT:
            break
        if duty.per_party:
            owed += _per_party(duty, submitted, parties)
        else:
            owed += _everyone(duty, parties)
    if owed:
        return owed
    return [o for duty in _closing(d, state) for o in _everyone(duty, parties)]


def _closing(d: WorkflowDefinition, state: str) -> list[Duty]:
    """The review decision a state waits for, else the actions expected to close it."""
    leaving = [t for t in d.transitions if state in t.sources]
    reviews = [t for t in leaving if t.review is not None]
    if reviews:
        reviewers = tuple(dict.fromkeys(r for t in reviews for r in d.expected_to_fire(t)))
        name = reviews[0].review.deliverable  # type: ignore[union-attr]
        return [Duty(REVIEW, name, d.deliverables[name].label, reviewers)] if reviewers else []
    out: dict[str, Duty] = {}
    for t in leaving:
        expected = d.expected_to_fire(t)
        if expected and t.trigger not in out:
            out[t.trigger] = Duty(ACT, t.trigger, t.label or d.transition_label(t),
                                  expected)
    return list(out.values())


def _everyone(duty: Duty, parties: Mapping[str, Sequence[str]]) -> list[Obligation]:
    if not duty.roles:  # ``owed_by: []``: nobody is expected to
        return []
    owed = [Obligation(duty, role, party) for role in duty.roles
            for party in parties.get(role, ())]
    return owed or [Obligation(duty, duty.roles[0], None)]


def _per_party(duty: Duty, submitted: Collection[tuple[str, str]],
               parties: Mapping[str, Sequence[str]]) -> list[Obligation]:
    if not duty.roles:  # ``owed_by: []``: nobody is expected to
        return []
    everyone = [(role, party) for role in duty.roles for party in parties.get(role, ())]
    if not everyone:  # nobody to owe it: missing only while nobody at all has sent one
        sent = any(name == duty.name for name, _ in submitted)
        return [] if sent else [Obligation(duty, duty.roles[0], None)]
    return [Obligation(duty, role, party) for role, party in everyone
            if (duty.name, party) not in submitted]
