"""Connections and transactions: SQLite (a file, WAL mode) by default, PostgreSQL by URL.

:meth:`Database.transaction` is the unit of work of a user action: everything written inside it
commits together or not at all. On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` so
concurrent writers queue on the busy timeout instead of failing on a stale snapshot; on
PostgreSQL the instance's version check decides which of two concurrent actions wins.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from engine.contracts import Wording
from engine.errors import ConflictError, DatabaseUnavailable, InvalidInputError, WorkflowError

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: PostgreSQL connections a process keeps open, and may open beyond them when busy (the
#: settings' defaults; SQLite has no pool to size).
POOL_SIZE = 10
MAX_OVERFLOW = 10


class Database:
    """One engine per URL, with sessions that map driver errors to the engine's errors.

    ``wording.setup`` says how to create or upgrade the schema, for the message of a database
    that has none or an older one.
    """

    def __init__(self, url: str, *, echo: bool = False, wording: Wording | None = None,
                 pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW) -> None:
        self.url = url
        self.wording = wording or Wording()
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = self._create_engine(url, echo, pool_size, max_overflow)
        self._writer = self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")

    def _create_engine(self, url: str, echo: bool, pool_size: int, max_overflow: int) -> Engine:
        if not self.is_sqlite:
            # A web process answers up to 40 requests at once (the thread pool sync views run
            # in): keep enough connections open that a busy moment reuses them instead of
            # opening (and PostgreSQL forking) a new backend per request. The sizes are the
            # caller's (read from its settings): every process has its own pool, and all of
            # them together must stay under the server's max_connections. Pre-ping finds a
            # connection the server dropped (a restart).
            return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=pool_size,
                                 max_overflow=max_overflow)
        database = make_url(url).database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot use {Path(database).parent} as the data directory: "
                    f"{exc.strerror or exc}; choose another with --data-dir"
                ) from None
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write unit of work: commit on success, roll back on any error."""
        with (
            self.errors_mapped(),
            Session(bind=self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (nothing is committed; on SQLite one snapshot)."""
        with self.errors_mapped(), Session(bind=self.engine) as session:
            yield session

    @contextmanager
    def errors_mapped(self) -> Iterator[None]:
        """Turn driver errors raised inside into the engine's errors (for work outside sessions)."""
        try:
            yield
        except IntegrityError as exc:
            raise ConflictError("engine.clash", detail=_driver_message(exc)) from exc
        except (DBAPIError, sqlite3.OperationalError) as exc:
            # sqlite3's own error arrives unwrapped from the BEGIN hook (busy database).
            raise self._classify(exc) from exc

    def _classify(self, exc: DBAPIError | sqlite3.OperationalError) -> WorkflowError:
        message = _driver_message(exc) if isinstance(exc, DBAPIError) else str(exc)
        lowered = message.lower()
        if "locked" in lowered or "busy" in lowered:
            return ConflictError("engine.busy")
        if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
            return DatabaseUnavailable(
                f"the database at {self.safe_url} is not initialised ({message}); "
                f"{self.wording.setup} first"
            )
        if "no such column" in lowered or ("column" in lowered and "does not exist" in lowered):
            return DatabaseUnavailable(
                f"the database at {self.safe_url} has an older schema ({message}); "
                f"{self.wording.setup} to upgrade it"
            )
        if isinstance(exc, DataError):  # too long, out of range, NUL: the input, not the server
            return InvalidInputError("engine.value_does_not_fit", detail=message)
        if isinstance(exc, OperationalError | sqlite3.OperationalError):
            return DatabaseUnavailable(f"cannot use the database at {self.safe_url}: {message}")
        return DatabaseUnavailable(f"database error at {self.safe_url}: {message}")

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def _driver_message(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take over transaction control from the sqlite3 module so BEGIN is ours to choose.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # Straight to the driver: this runs for every transaction, and SQLAlchemy's execution
    # machinery would cost more than the statement.
    begin = connection.get_execution_options().get("sqlite_begin", "BEGIN")
    connection.connection.driver_connection.execute(begin)
