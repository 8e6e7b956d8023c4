"""The failures the engine reports, one type per kind.

Each message says what was wrong and what to do, because it is shown to the person who acted
(a command line prints it as one line; an API maps the type to a status code).
"""

from __future__ import annotations


class SmartCityError(Exception):
    """Base of every expected failure; anything else is a bug."""

    #: The HTTP status an API should answer with; the CLI exits non-zero for all of them.
    status_code = 400


class DefinitionError(SmartCityError):
    """A workflow definition failed validation; ``problems`` lists every finding."""

    status_code = 422

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listed = "; ".join(problems)
        super().__init__(f"{source}: {len(problems)} problem(s): {listed}")


class NotFoundError(SmartCityError):
    """A region, instance, person or definition that does not exist."""

    status_code = 404


class InvalidInputError(SmartCityError):
    """Input that is malformed or out of range (bad file, bad value, bad row)."""

    status_code = 422


class TransitionNotAllowed(SmartCityError):
    """The trigger does not leave the instance's current state."""

    status_code = 409


class PermissionDenied(SmartCityError):
    """The actor's role or scope does not allow the action."""

    status_code = 403


class GuardFailed(SmartCityError):
    """A named condition of the transition is not met; ``reasons`` says which and why."""

    status_code = 409

    def __init__(self, trigger: str, reasons: list[str]) -> None:
        self.trigger = trigger
        self.reasons = reasons
        super().__init__(f"cannot {trigger}: " + "; ".join(reasons))


class ConflictError(SmartCityError):
    """Someone else changed the instance between reading and writing it."""

    status_code = 409


class NotAuthenticated(SmartCityError):
    """No valid credentials: a wrong password, an expired session, token or link."""

    status_code = 401
