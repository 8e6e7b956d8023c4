"""The failures the engine reports, one type per kind.

Each message says what was wrong and what to do, because it is shown to the person who acted
(a command line prints it as one line; an API maps the type to a status code). Words that
belong to whoever runs the engine (what a subject is called, the command that sets up the
database) come from :class:`engine.contracts.Wording`, never from here.
"""

from __future__ import annotations


class WorkflowError(Exception):
    """Base of every expected failure; anything else is a bug."""

    #: The HTTP status an API should answer with; a command line exits non-zero for all.
    status_code = 400


class DefinitionError(WorkflowError):
    """A workflow definition failed validation; ``problems`` lists every finding."""

    status_code = 422

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listed = "; ".join(problems)
        super().__init__(f"{source}: {len(problems)} problem(s): {listed}")


class NotFoundError(WorkflowError):
    """A subject, instance, person or definition that does not exist."""

    status_code = 404


class InvalidInputError(WorkflowError):
    """Input that is malformed or out of range (bad file, bad value, bad row)."""

    status_code = 422


class TransitionNotAllowed(WorkflowError):
    """The trigger does not leave the instance's current state."""

    status_code = 409


class PermissionDenied(WorkflowError):
    """The actor's role or scope does not allow the action."""

    status_code = 403


class GuardFailed(WorkflowError):
    """A named condition of the transition is not met; ``reasons`` says which and why."""

    status_code = 409

    def __init__(self, trigger: str, reasons: list[str]) -> None:
        self.trigger = trigger
        self.reasons = reasons
        super().__init__(f"cannot {trigger}: " + "; ".join(reasons))


class ConflictError(WorkflowError):
    """Someone else changed the instance between reading and writing it."""

    status_code = 409


class NotAuthenticated(WorkflowError):
    """No valid credentials: a wrong password, an expired session, token or link."""

    status_code = 401


class DatabaseUnavailable(WorkflowError):
    """The database cannot be reached or is not initialised."""

    status_code = 503
