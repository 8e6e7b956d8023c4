"""A confirmation step before the actions that cannot be undone: approve, withdraw, adopt.

A mentor's approval ends the review rounds and moves the region on; a withdrawal ends its
programme; an adoption records the regulation. A stray tap on a phone must not do any of
them, so the form that fires one (the mentor's queue, the region page) first gets a page
asking "Yakin ...?", with what will happen, what was typed (kept, and editable when a comment
is required), a confirm button and a way back. Only a post carrying ``confirmed=yes`` acts;
any other is answered with this page and changes nothing, so the step holds for every client,
not only a browser running a script. An action the engine would refuse anyway (another role
or region, a stale page) skips the step and gets the engine's refusal, as before.

A region's other workflows (the award round ...) go through the same step on their own page:
there the actions named above are confirmed too, and so is every action that ends the workflow
(an award, a last rejection), since none of them can be undone either; their page says so in
general words, with the action's and the workflow's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fastapi import Request
from fastapi.responses import Response

from config.messages import text
from engine import Records, TransitionSpec, WorkflowDefinition
from interfaces.web.deps import Viewer
from interfaces.web.templating import render
from workflows import instances
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme

#: The triggers that are confirmed first, and the word a confirmed post carries.
CONFIRMED: Final = frozenset({"approve", "withdraw", "adopt"})
YES: Final = "yes"


def needed(trigger: str, confirmed: str, key: str = MASTER_PLAN) -> bool:
    """True when ``trigger`` may need confirming and this post does not carry the
    confirmation. For a workflow other than the master plan any action may (one that ends
    it); :func:`step` then decides, from the definition."""
    if confirmed == YES:
        return False
    return key != MASTER_PLAN or trigger.strip() in CONFIRMED


def _asks(d: WorkflowDefinition, specs: list[TransitionSpec], trigger: str, key: str) -> bool:
    """Whether firing ``trigger`` (its transitions ``specs`` from the current stage) is
    confirmed first: the named actions, and in other workflows any that ends the workflow."""
    if trigger in CONFIRMED:
        return True
    return key != MASTER_PLAN and any(
        s.dest in d.states and d.states[s.dest].final for s in specs)


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and posts again."""

    trigger: str
    region_code: str
    region_name: str
    question: str
    consequence: str
    button: str
    danger: bool
    action: str  # where the confirmed form posts
    back: str  # where "Batal" leads
    expected_version: int
    comment: str
    comment_required: bool
    fields: dict[str, str]  # other fields the form posts again (the decision of a review)


def step(request: Request, viewer: Viewer, prog: Programme, *, code: str, trigger: str,
         action: str, back: str, comment: str, expected_version: int | None,
         fields: dict[str, str] | None = None, key: str = MASTER_PLAN) -> Response | None:
    """The confirmation page for firing ``trigger`` on region ``code``'s instance of workflow
    ``key``; nothing is done.

    None when there is nothing to confirm because the engine would refuse the action anyway
    (another role, another region, a stale page, a condition unmet), or because the action
    needs no confirming: the caller then fires it (and shows the engine's own refusal), as it
    would without this step.
    """
    trigger = trigger.strip()
    if viewer.actor is None or not viewer.sees(code.strip()):
        return None
    with prog.db.read() as session:
        region = instances.subject_of(prog, session, key, code)  # a region or a province
        instance = prog.current_instance(session, region.code, key)
        if expected_version is not None and expected_version != instance.version:
            return None
        if not any(a.trigger == trigger and a.allowed
                   for a in prog.engine.available(session, instance.id, viewer.actor)):
            return None
        d = prog.definition_of(session, instance)
        specs = d.transitions_for(trigger, instance.state)
        if not _asks(d, specs, trigger, key):
            return None
        values: dict[str, object] = {"region": region.name,
                                     "stage": d.state_label(specs[0].dest)}
        if key != MASTER_PLAN:
            values.update(action=d.transition_label(specs[0]), workflow=str(d.title))
        review = next((s.review for s in specs if s.review is not None), None)
        if review is not None:
            records = Records(session)
            latest = records.latest_submission(instance.id, review.deliverable)
            values.update(version=latest.version if latest else 0,
                          round=len(records.reviews(instance.id, review.deliverable)) + 1)
    # The master plan's actions have words of their own; another workflow's, general ones.
    words = f"confirm.{trigger}" if key == MASTER_PLAN else "instances.confirm"
    confirmation = Confirmation(
        trigger=trigger, region_code=region.code, region_name=region.name,
        question=text(f"{words}.question", **values),
        consequence=text(f"{words}.consequence", **values),
        button=text(f"{words}.button", **values),
        danger=trigger == "withdraw" or any(s.skip_requirements for s in specs),
        action=action, back=back, expected_version=instance.version, comment=comment,
        comment_required=any(s.comment == "required" for s in specs),
        fields=fields or {})
    return render(request, "confirm.html", viewer, confirm=confirmation)
