"""The generic workflow engine: definitions, runtime, persistence, permissions, history.

It knows states, roles, deliverables and deadlines, never the programme it runs; programmes
(``workflows/``) supply definitions as data and the guards those definitions name.
"""

from engine.database import Database, DatabaseUnavailable
from engine.definition import (
    LoadedDefinition,
    WorkflowDefinition,
    load_definition,
    load_definition_file,
)
from engine.errors import (
    ConflictError,
    DefinitionError,
    GuardFailed,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    SmartCityError,
    TransitionNotAllowed,
)
from engine.guards import GuardRegistry
from engine.permissions import Actor
from engine.runtime import (
    ActionEvent,
    AvailableAction,
    FireResult,
    InstanceSnapshot,
    SubmissionInput,
    TransitionContext,
    WorkflowEngine,
)

__all__ = [
    "ActionEvent",
    "Actor",
    "AvailableAction",
    "ConflictError",
    "Database",
    "DatabaseUnavailable",
    "DefinitionError",
    "FireResult",
    "GuardFailed",
    "GuardRegistry",
    "InstanceSnapshot",
    "InvalidInputError",
    "LoadedDefinition",
    "NotFoundError",
    "PermissionDenied",
    "SmartCityError",
    "SubmissionInput",
    "TransitionContext",
    "TransitionNotAllowed",
    "WorkflowDefinition",
    "WorkflowEngine",
    "load_definition",
    "load_definition_file",
]
