"""Published definitions: stored verbatim under ``(key, version)``, never changed, cached.

A running instance keeps the version it started on, so the text of every version ever
published stays in the database and is loaded again (through :mod:`engine.loading`, which
upgrades an older format) whenever an instance on it acts. Publishing the same text twice is a
no-op; publishing different text under a version already published is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from config.language import DEFAULT as DEFAULT_LANGUAGE
from config.messages import word
from engine.contracts import Wording
from engine.definition import LoadedDefinition
from engine.errors import DefinitionError, NotFoundError
from engine.guards import GuardRegistry
from engine.loading import load_definition
from engine.models import DefinitionRecord

_DEFINITION = DefinitionRecord.__table__  # type: ignore[attr-defined]


class DefinitionStore:
    """The published versions of every workflow, loaded once per process."""

    def __init__(self, guards: GuardRegistry, clock: Callable[[], datetime],
                 wording: Wording) -> None:
        self._guards = guards
        self._clock = clock
        self._wording = wording
        self._loaded: dict[tuple[str, int], LoadedDefinition] = {}

    def publish(self, session: Session, loaded: LoadedDefinition) -> bool:
        """Store a definition version; True if new. A version never changes once published."""
        d = loaded.definition
        existing = session.execute(
            select(_DEFINITION.c.sha256).where(
                _DEFINITION.c.key == d.key, _DEFINITION.c.version == d.version
            )
        ).scalar_one_or_none()
        if existing == loaded.sha256:
            return False
        if existing is not None:
            raise DefinitionError(
                f"{d.key} v{d.version}",
                [f"version {d.version} of {d.key!r} is already published with different "
                 "content; running instances depend on it, so give the change a new version"],
            )
        session.execute(insert(_DEFINITION).values(
            key=d.key, version=d.version, title=d.title.in_(DEFAULT_LANGUAGE),
            source_text=loaded.source_text,
            sha256=loaded.sha256, published_at=self._clock(),
        ))
        return True

    def get(self, session: Session, key: str, version: int | None = None) -> LoadedDefinition:
        """A published definition; the latest version when ``version`` is None."""
        if version is None:
            version = session.execute(
                select(func.max(_DEFINITION.c.version)).where(_DEFINITION.c.key == key)
            ).scalar_one_or_none()
            if version is None:
                published = self.keys(session)
                if published:
                    raise NotFoundError("engine.no_workflow_published", key=key,
                                        published=published)
                raise NotFoundError("engine.no_workflow_published_setup", key=key,
                                    setup=word(self._wording.setup))
        cached = self._loaded.get((key, version))
        if cached is not None:
            return cached
        text = session.execute(
            select(_DEFINITION.c.source_text).where(
                _DEFINITION.c.key == key, _DEFINITION.c.version == version
            )
        ).scalar_one_or_none()
        if text is None:
            raise NotFoundError("engine.no_published_version", key=key, version=version)
        loaded = load_definition(text, f"{key} v{version}", self._guards)
        self._loaded[(key, version)] = loaded
        return loaded

    def keys(self, session: Session) -> list[str]:
        """Every published workflow key."""
        return list(session.execute(
            select(_DEFINITION.c.key).distinct().order_by(_DEFINITION.c.key)
        ).scalars())

    def versions(self, session: Session, key: str) -> list[int]:
        return list(session.execute(
            select(_DEFINITION.c.version).where(_DEFINITION.c.key == key)
            .order_by(_DEFINITION.c.version)
        ).scalars())
