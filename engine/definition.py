"""The schema of a workflow definition: states, transitions, roles, deliverables, deadlines.

A definition names its states, the transitions between them (trigger, source, dest), the roles
allowed to fire each, guards by name, the deliverables a state requires and relative deadlines.
These models are the shape only; :mod:`engine.loading` parses YAML into them and reports every
problem of a file at once.

A definition is immutable once published: ``(key, version)`` identifies it, and running
instances keep the version they started on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from config import language

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$", strict=True)
]


#: A guard a transition names: a registered guard, or ``{condition: {argument: value}}``
#: (:mod:`engine.conditions`; the arguments are checked against the program's registry).
GuardEntry = Identifier | dict[Identifier, Any]


class _Spec(BaseModel):
    # extra="forbid" turns a misspelt key ("gaurds") into a reported problem, not a silent no-op.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Words = Annotated[str, StringConstraints(min_length=1, max_length=2000, strict=True)]


class Text(_Spec):
    """A text people read, per language: ``id`` (Bahasa Indonesia) is required, ``en`` may be
    left out and falls back to it.

    ``str()`` gives it in the current language (:func:`config.language.current`), so a label
    put in a page, an email or an error comes out in its reader's language wherever it is
    formatted, without every caller passing a language along.
    """

    id: Words
    en: Words | None = None

    def in_(self, lang: str | None = None) -> str:
        chosen = lang or language.current()
        return self.en if chosen == "en" and self.en else self.id

    def __str__(self) -> str:
        return self.in_()

    def __format__(self, spec: str) -> str:
        return format(self.in_(), spec)

    def __bool__(self) -> bool:
        return True

    def __lt__(self, other: Any) -> bool:
        return str(self) < str(other)


#: A label as views carry it: a definition's :class:`Text` (written out in the reader's
#: language when formatted) or a plain string (a name, a key made readable).
Label = Text | str


class RoleSpec(_Spec):
    """A role that may act; ``scoped`` roles act only for the subjects bound to them."""

    label: Text | None = None
    scoped: bool = False


class DeliverableSpec(_Spec):
    """Something submitted with versions: who may submit it, who owes it, and in which states.

    ``owed_by`` names the roles responsible for it (told about it, late when it is missing);
    the other roles of ``submitted_by`` may submit on their behalf. Left out, the roles of
    ``submitted_by`` bound to a subject (scoped) owe it, or its first role when none is.
    """

    label: Text
    per_party: bool = Field(
        default=False, description="One per party (each sub-unit of a subject submits its own)."
    )
    submitted_by: list[Identifier] = Field(min_length=1)
    owed_by: list[Identifier] | None = None
    during: list[Identifier] = Field(min_length=1)


class DeadlineSpec(_Spec):
    """A deadline relative to entering the state: ``days`` after, counted as working days
    when ``working_days`` (the programme's calendar says which days are)."""

    days: int = Field(ge=1, le=3650)
    working_days: bool = False


class StateSpec(_Spec):
    label: Text | None = None
    description: Text | None = None
    requires: list[Identifier] = Field(default_factory=list)
    deadline: DeadlineSpec | None = None
    final: bool = False


class ReviewSpec(_Spec):
    """Firing the transition records a review decision on the deliverable's latest version."""

    deliverable: Identifier
    decision: Literal["approved", "rejected"]


class SuccessorSpec(_Spec):
    """Firing the transition starts a new instance (the next cycle), linked to this one."""

    start: Identifier


class TransitionSpec(_Spec):
    trigger: Identifier
    source: Identifier | list[Identifier]
    dest: Identifier
    roles: list[Identifier] = Field(min_length=1)
    label: Text | None = None
    guards: list[GuardEntry] = Field(default_factory=list)
    unless: list[GuardEntry] = Field(default_factory=list)
    comment: Literal["required", "optional"] = "optional"
    review: ReviewSpec | None = None
    successor: SuccessorSpec | None = None
    skip_requirements: bool = Field(
        default=False,
        description="Leave without the source state's required deliverables (withdrawal).",
    )
    #: The roles expected to fire it once the source state's requirements are in (for a
    #: review: the reviewers). Left out: its roles bound to a subject, or its first role when
    #: none is; nobody for a transition that skips the requirements. ``[]``: nobody is
    #: expected to (it happens when it happens, like a renewal after five years).
    owed_by: list[Identifier] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


class SubjectSpec(_Spec):
    """What a definition's subjects are (a region, a province, ...): the engine stores it and
    never interprets it; interfaces name the subject of an instance with its ``label``."""

    kind: Identifier = "region"
    label: Text | None = None


class WorkflowDefinition(_Spec):
    """A validated workflow definition. Build it with :func:`load_definition`."""

    key: Identifier
    version: int = Field(ge=1)
    format: int = Field(default=1, ge=1)
    title: Text
    description: Text | None = None
    #: Optional: left out, the subjects are regions and interfaces use their own word.
    subject: SubjectSpec = Field(default_factory=SubjectSpec)
    initial: Identifier
    roles: dict[Identifier, RoleSpec] = Field(min_length=1)
    deliverables: dict[Identifier, DeliverableSpec] = Field(default_factory=dict)
    states: dict[Identifier, StateSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] = Field(min_length=1)

    def triggers_from(self, state: str) -> list[str]:
        """Triggers that leave ``state``, in definition order, without repeats."""
        seen: dict[str, None] = {}
        for t in self.transitions:
            if state in t.sources:
                seen.setdefault(t.trigger, None)
        return list(seen)

    def transitions_for(self, trigger: str, state: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if t.trigger == trigger and state in t.sources]

    def responsible_for(self, deliverable: str) -> tuple[str, ...]:
        """The roles that owe ``deliverable`` (``owed_by``, or its default)."""
        spec = self.deliverables[deliverable]
        return self._expected(spec.owed_by, spec.submitted_by)

    def expected_to_fire(self, transition: TransitionSpec) -> tuple[str, ...]:
        """The roles expected to fire ``transition`` (``owed_by``, or its default)."""
        if transition.owed_by is None and (transition.skip_requirements
                                           or transition.successor is not None):
            return ()  # it happens when it happens (a renewal after five years)
        return self._expected(transition.owed_by, transition.roles)

    def _expected(self, given: list[str] | None, allowed: list[str]) -> tuple[str, ...]:
        if given is not None:
            return tuple(given)
        scoped = tuple(r for r in allowed if r in self.roles and self.roles[r].scoped)
        return scoped or (allowed[0],)

    def state_label(self, state: str) -> str:
        """The stage's name in the current language (its key, readable, when it has none)."""
        spec = self.states.get(state)
        return (str(spec.label) if spec and spec.label
                else state.replace("_", " ").capitalize())

    def deliverable_label(self, name: str) -> str:
        spec = self.deliverables.get(name)
        return str(spec.label) if spec else name.replace("_", " ")

    def transition_label(self, transition: TransitionSpec) -> str:
        """What firing ``transition`` does, in the current language."""
        return (str(transition.label) if transition.label
                else transition.trigger.replace("_", " ").capitalize())

    def subject_label(self) -> str | None:
        """What the definition calls its subject, in the current language (None: unnamed)."""
        return str(self.subject.label) if self.subject.label else None

    def role_label(self, role: str) -> str:
        spec = self.roles.get(role)
        return str(spec.label) if spec and spec.label else role.replace("_", " ")


class LoadedDefinition(BaseModel):
    """A definition with the text it came from and that text's digest (its identity)."""

    model_config = ConfigDict(frozen=True)

    definition: WorkflowDefinition
    source_text: str
    sha256: str
