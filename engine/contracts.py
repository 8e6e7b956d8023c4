"""What the engine and the code around it agree on: the values that cross the boundary.

Everything a programme hands to the engine (actors, submissions, a deadline policy, the words
of its messages, a clock) and everything the engine hands back (snapshots, events, results, and
read-only records of submissions, reviews, history and deadlines) is one of these frozen
dataclasses or callable types. They are the contract: the engine's tables are not, so a
programme's guards and reports read through :class:`engine.records.Records` and never query
the engine's tables themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from engine.definition import Label, WorkflowDefinition

#: Where the engine (and everything it drives) reads the time: aware UTC datetimes. Tests and
#: simulations pass a settable one.
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Wording:
    """The words of the engine's messages that belong to whoever runs it.

    The engine speaks of subjects; a programme calls them what its people call them, and
    knows the command that creates or upgrades its database.
    """

    subject: str = "subject"
    subjects: str = "subjects"
    #: How to create or upgrade the schema, completed by "first" or "to upgrade it".
    setup: str = "set up the database"


@dataclass(frozen=True)
class Actor:
    """Someone acting: an identity, one role, and the subjects they act for.

    ``subjects`` is ``None`` for actors bound to no subject in particular (they act for every
    one); otherwise the set of subject keys they are bound to. ``party`` identifies the
    sub-unit they speak for within a subject, for deliverables submitted per party.
    """

    identity: str
    role: str
    subjects: frozenset[str] | None = None
    party: str | None = None
    name: str | None = None

    def describe(self) -> str:
        who = self.name or self.identity
        return f"{who} ({self.role})"


@dataclass(frozen=True)
class InstanceSnapshot:
    """An instance as read at the start of an action (or after it)."""

    id: int
    definition_key: str
    definition_version: int
    subject: str
    cycle: int
    state: str
    version: int
    entered_at: datetime
    predecessor_id: int | None


@dataclass(frozen=True)
class ActionEvent:
    """What a completed action did; listeners add their own rows in the same transaction."""

    session: Session
    instance: InstanceSnapshot
    definition: WorkflowDefinition
    kind: str
    trigger: str
    from_state: str | None
    to_state: str
    actor: Actor
    comment: str | None
    at: datetime
    #: The deadline the action opened in the state entered (None: none, or no state change).
    opened: OpenedDeadline | None = None


@dataclass(frozen=True)
class OpenedDeadline:
    """A deadline an action opened: enough for a listener to act on it without a read."""

    id: int
    state: str
    due: DueDate


Listener = Callable[[ActionEvent], None]


@dataclass(frozen=True)
class FireResult:
    """A fired transition: the instance after it, where it came from and went, on which
    definition (for its labels), and the next cycle's instance when it started one."""

    instance: InstanceSnapshot
    from_state: str
    to_state: str
    definition: WorkflowDefinition
    successor_id: int | None = None

    @property
    def from_stage(self) -> str:
        return self.definition.state_label(self.from_state)

    @property
    def to_stage(self) -> str:
        return self.definition.state_label(self.to_state)


@dataclass(frozen=True)
class AvailableAction:
    """A trigger from the current state, whether this actor may fire it now, and why not."""

    trigger: str
    label: Label
    dests: tuple[str, ...]
    allowed: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmissionInput:
    """A deliverable version's metadata; the caller stores the bytes (by checksum)."""

    deliverable: str
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    party: str = ""
    note: str | None = None


@dataclass(frozen=True)
class SubmissionRecord:
    """One stored version of a deliverable, from one party (``""`` when not per party)."""

    id: int
    instance_id: int
    deliverable: str
    party: str
    version: int
    state: str
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    note: str | None
    submitted_by: str
    role: str
    submitted_at: datetime


@dataclass(frozen=True)
class ReviewRecord:
    """A reviewer's decision on a deliverable's version, numbered by round."""

    id: int
    instance_id: int
    deliverable: str
    submission_id: int
    round: int
    decision: str
    comment: str | None
    reviewer: str
    decided_at: datetime


@dataclass(frozen=True)
class HistoryRecord:
    """One entry of an instance's append-only history, with the instance's cycle."""

    instance_id: int
    subject: str
    cycle: int
    seq: int
    at: datetime
    actor: str
    role: str
    kind: str
    trigger: str
    from_state: str | None
    to_state: str
    comment: str | None
    detail: str | None


@dataclass(frozen=True)
class DeadlineRecord:
    """A deadline of an instance's state, with what it needs of the instance."""

    id: int
    instance_id: int
    subject: str
    definition_key: str
    definition_version: int
    state: str
    due_at: datetime
    origin: str
    version: int
    created_at: datetime
    closed_at: datetime | None
    tz: str | None = None  # the zone the due date was announced in (None: the subject's)


@dataclass(frozen=True)
class DueDate:
    """When a state must be left, where that date comes from (for people reading it), and the
    time zone it was announced in (None: the subject's own)."""

    due_at: datetime
    origin: str
    tz: str | None = None


@dataclass(frozen=True)
class RelativeDue(DueDate):
    """The definition's own deadline of a state: ``days`` after ``entered_at`` (counted as
    working days when ``working_days``). The engine offers it to the deadline policy as the
    default, at the very minute of entry; a policy that knows the subject's zone and calendar
    makes it a sensible time."""

    days: int = 0
    working_days: bool = False
    entered_at: datetime | None = None


#: Asked by the engine for the deadline of a state an instance enters: ``(session, instance
#: after the action, state, the definition's own due date or None)`` -> the due date, or None
#: for no deadline. The engine writes what it answers; nobody else opens a deadline.
DeadlinePolicy = Callable[[Session, InstanceSnapshot, str, DueDate | None], DueDate | None]


def definition_days(session: Session, instance: InstanceSnapshot, state: str,
                    default: DueDate | None) -> DueDate | None:
    """The policy of an engine given none: the definition's relative days, or nothing."""
    return default


SUBMIT, REVIEW, ACT = "submit", "review", "act"


@dataclass(frozen=True)
class Duty:
    """Something owed in a state: a deliverable to ``submit``, a ``review`` to decide on a
    deliverable, or an ``act``ion (a trigger) to close the state; the roles that owe it."""

    kind: str
    name: str  # the deliverable (submit, review) or the trigger (act)
    label: Label
    roles: tuple[str, ...]
    per_party: bool = False  # each party of the roles owes its own


@dataclass(frozen=True)
class Obligation:
    """A duty owed by one party of a role (``party`` None: the role has nobody to do it)."""

    duty: Duty
    role: str
    party: str | None


@dataclass(frozen=True)
class DeadlineChange:
    """A deadline after it was set or moved: its id and its new version."""

    id: int
    version: int
