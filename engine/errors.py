"""The failures the engine reports, one type per kind.

Each message says what was wrong and what to do, because it is shown to the person who acted
(a command line prints it as one line; an API maps the type to a status code). Words that
belong to whoever runs the engine (what a subject is called, the command that sets up the
database) come from :class:`engine.contracts.Wording`, never from here.

A failure carries a :class:`config.messages.Message` (a catalogue key and its parameters), not
a sentence: ``str(exc)`` writes it in the current language (:mod:`config.language`), so the
page, the API answer and the command line each read it in their person's language, and
``exc.code`` is the stable key a client can branch on.
"""

from __future__ import annotations

from config.messages import InSentence, Message, has


class WorkflowError(Exception):
    """Base of every expected failure; anything else is a bug."""

    #: The HTTP status an API should answer with; a command line exits non-zero for all.
    status_code = 400

    def __init__(self, message: str | Message = "", /, **params: object) -> None:
        if isinstance(message, Message):
            self.message: Message | str = message
        elif params or (message and has(message)):
            self.message = Message(message, **params)
        else:  # a sentence written by the caller (a definition author's, a driver's)
            self.message = message
        super().__init__(message)

    @property
    def code(self) -> str | None:
        """The catalogue key of the message, when it has one."""
        return self.message.key if isinstance(self.message, Message) else None

    def __str__(self) -> str:
        return str(self.message)


class DefinitionError(WorkflowError):
    """A workflow definition failed validation; ``problems`` lists every finding."""

    status_code = 422

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(Message("engine.definition_problems", source=source,
                                 count=len(problems), problems="; ".join(problems)))


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
    """A named condition of the transition is not met; ``reasons`` says which and why.

    ``action`` is what the person tried, as they know it (the transition's label); the
    reasons are messages, written in the reader's language."""

    status_code = 409

    def __init__(self, trigger: str, reasons: list[Message | str],
                 action: object | None = None) -> None:
        self.trigger = trigger
        self.reasons = reasons
        super().__init__(Message("engine.guard_failed", action=InSentence(action or trigger),
                                 reasons=_Joined(reasons)))


class _Joined:
    """Reasons joined with ``; `` when written out (each in the current language)."""

    def __init__(self, parts: list[Message | str]) -> None:
        self.parts = parts

    def __format__(self, spec: str) -> str:
        return "; ".join(str(p) for p in self.parts)

    def __str__(self) -> str:
        return format(self)


class ConflictError(WorkflowError):
    """Someone else changed the instance between reading and writing it."""

    status_code = 409


class NotAuthenticated(WorkflowError):
    """No valid credentials: a wrong password, an expired session, token or link."""

    status_code = 401


class DatabaseUnavailable(WorkflowError):
    """The database cannot be reached or is not initialised."""

    status_code = 503
