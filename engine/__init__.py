"""The generic workflow engine: definitions, runtime, persistence, permissions, history.

It knows definitions, subjects, parties, roles, deliverables and deadlines, never the programme
it runs: a programme supplies definitions as data, the guards they name, a deadline policy and
the words of its messages. This module is the engine's one public face; code around the engine
imports from here, never from a submodule, and reads the engine's data through
:class:`Records` rather than its tables.
"""

import importlib
from typing import TYPE_CHECKING, Any

from engine.conditions import Arg, Condition, spell
from engine.context import TransitionContext
from engine.contracts import (
    ACT,
    REVIEW,
    SUBMIT,
    ActionEvent,
    Actor,
    AvailableAction,
    Clock,
    DeadlineChange,
    DeadlinePolicy,
    DeadlineRecord,
    DueDate,
    Duty,
    FireResult,
    HistoryRecord,
    InstanceSnapshot,
    Listener,
    Obligation,
    OpenedDeadline,
    RelativeDue,
    ReviewRecord,
    SubmissionInput,
    SubmissionRecord,
    Wording,
    utcnow,
)
from engine.database import Database
from engine.definition import (
    DeliverableSpec,
    Label,
    LoadedDefinition,
    StateSpec,
    Text,
    TransitionSpec,
    WorkflowDefinition,
)
from engine.diagram import mermaid
from engine.errors import (
    ConflictError,
    DatabaseUnavailable,
    DefinitionError,
    GuardFailed,
    InvalidInputError,
    NotAuthenticated,
    NotFoundError,
    PermissionDenied,
    TransitionNotAllowed,
    WorkflowError,
)
from engine.guards import Guard, GuardRegistry
from engine.loading import load_definition, load_definition_file
from engine.migration import MIGRATE, REOPENS, REVERT, InstancePlan
from engine.migration_log import (
    ALL_OR_NOTHING,
    PER_INSTANCE,
    MigrationLine,
    MigrationSummary,
)
from engine.migration_log import Outcome as MigrationOutcome
from engine.migration_log import Status as MigrationStatus
from engine.migration_log import add_lines as record_migration_lines
from engine.migration_log import lines as migration_lines
from engine.migration_log import migration as recorded_migration
from engine.migration_log import migrations as recorded_migrations
from engine.migration_log import set_status as set_migration_status
from engine.migration_log import start as record_migration
from engine.obligations import state_duties, who_owes
from engine.permissions import check_role
from engine.records import Records
from engine.runtime import WorkflowEngine

if TYPE_CHECKING:
    from engine.scheduler import ClockJob, Scheduler

#: Loaded on first use: APScheduler costs every command that only reads a tenth of a second,
#: and only ``worker`` and ``serve`` run the clock.
_LAZY = {"ClockJob": "engine.scheduler", "Scheduler": "engine.scheduler"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")

__all__ = [
    "ACT",
    "ALL_OR_NOTHING",
    "MIGRATE",
    "PER_INSTANCE",
    "REOPENS",
    "REVERT",
    "REVIEW",
    "SUBMIT",
    "ActionEvent",
    "Actor",
    "Arg",
    "AvailableAction",
    "Clock",
    "ClockJob",
    "Condition",
    "ConflictError",
    "Database",
    "DatabaseUnavailable",
    "DeadlineChange",
    "DeadlinePolicy",
    "DeadlineRecord",
    "DefinitionError",
    "DeliverableSpec",
    "DueDate",
    "Duty",
    "FireResult",
    "Guard",
    "GuardFailed",
    "GuardRegistry",
    "HistoryRecord",
    "InstancePlan",
    "InstanceSnapshot",
    "InvalidInputError",
    "Label",
    "Listener",
    "LoadedDefinition",
    "MigrationLine",
    "MigrationOutcome",
    "MigrationStatus",
    "MigrationSummary",
    "NotAuthenticated",
    "NotFoundError",
    "Obligation",
    "OpenedDeadline",
    "PermissionDenied",
    "Records",
    "RelativeDue",
    "ReviewRecord",
    "Scheduler",
    "StateSpec",
    "SubmissionInput",
    "SubmissionRecord",
    "Text",
    "TransitionContext",
    "TransitionNotAllowed",
    "TransitionSpec",
    "Wording",
    "WorkflowDefinition",
    "WorkflowEngine",
    "WorkflowError",
    "check_role",
    "load_definition",
    "load_definition_file",
    "mermaid",
    "migration_lines",
    "record_migration",
    "record_migration_lines",
    "recorded_migration",
    "recorded_migrations",
    "set_migration_status",
    "spell",
    "state_duties",
    "utcnow",
    "who_owes",
]
