"""Evaluation editions: which instrument a window is scored with, fixed when it is created.

An edition (``2027``) holds a frozen copy of an instrument (:mod:`.instrument`) and the day it
starts on. A window belongs to the edition in force when it opens: the one with the latest
``starts_on`` on or before the window's first day in WIB (:func:`edition_in_force`), recorded
on the window when it is created, so that a new edition's weights never reach an earlier
window's scores, index or ranking.

Before any edition exists, the first window creates the ``default`` edition from the
settings (``evaluation_weights``, ``evaluation_scale``, ``dimensions_file``), starting
2017-01-01: the settings are only the default of that one edition (migration 0007 freezes it
the same way for the windows that existed before editions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from config.messages import Message
from engine import ConflictError, InvalidInputError, NotFoundError, check_role
from workflows import roles
from workflows.directory.actors import Acting, acting
from workflows.evaluation import WIB
from workflows.evaluation.instrument import Instrument, settings_instrument, thawed
from workflows.evaluation.models import EvaluationEdition, EvaluationReturn, EvaluationWindow
from workflows.programme import Programme

#: The edition created from the settings when a window needs one and none applies.
DEFAULT_KEY = "default"
DEFAULT_STARTS = date(2017, 1, 1)
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Edition:
    """An edition as it is scored: its row's facts and the instrument it froze."""

    key: str
    starts_on: date
    instrument: Instrument
    sha256: str
    created_at: datetime | None
    created_by: str
    id: int | None = None

    @property
    def weights(self) -> dict[str, float]:
        return self.instrument.weights

    @property
    def scale(self) -> tuple[float, float]:
        return self.instrument.scale


def as_edition(row: EvaluationEdition) -> Edition:
    return Edition(row.key, row.starts_on, thawed(row.instrument), row.sha256, row.created_at,
                   row.created_by, row.id)


def new_row(key: str, starts_on: date, instrument: Instrument, at: datetime,
            by: str) -> EvaluationEdition:
    return EvaluationEdition(key=key, starts_on=starts_on, instrument_key=instrument.key,
                             instrument_version=instrument.version,
                             instrument=instrument.frozen(), sha256=instrument.sha256(),
                             created_at=at, created_by=by)


def all_editions(session: Session) -> list[EvaluationEdition]:
    """Every edition, in the order they start."""
    return list(session.execute(select(EvaluationEdition).order_by(
        col(EvaluationEdition.starts_on), col(EvaluationEdition.id))).scalars())


def find_edition(session: Session, ref: str) -> EvaluationEdition:
    found = session.execute(select(EvaluationEdition).where(
        EvaluationEdition.key == ref.strip())).scalar_one_or_none()
    if found is not None:
        return found
    known = [e.key for e in all_editions(session)]
    raise NotFoundError("editions.error.no_edition", ref=ref.strip(),
                        known=", ".join(known) if known else Message("editions.none_yet"))


def _in_force(session: Session, day: date) -> EvaluationEdition | None:
    return session.execute(
        select(EvaluationEdition).where(col(EvaluationEdition.starts_on) <= day)
        .order_by(col(EvaluationEdition.starts_on).desc(), col(EvaluationEdition.id).desc())
        .limit(1)).scalar_one_or_none()


def edition_in_force(session: Session, prog: Programme, opens_at: datetime
                     ) -> EvaluationEdition:
    """The edition a window opening at ``opens_at`` belongs to; the ``default`` edition from
    the settings is created (in ``session``'s transaction) when none applies."""
    found = _in_force(session, opens_at.astimezone(WIB).date())
    if found is not None:
        return found
    default = session.execute(select(EvaluationEdition).where(
        EvaluationEdition.key == DEFAULT_KEY)).scalar_one_or_none()
    if default is None:
        default = new_row(DEFAULT_KEY, DEFAULT_STARTS, settings_instrument(prog.settings),
                          prog.engine.clock(), "settings")
        session.add(default)
        session.flush()
    return default


def window_edition(session: Session, prog: Programme, window: EvaluationWindow) -> Edition:
    """The edition ``window`` is scored with: its own; for a window without one (made outside
    :func:`~workflows.evaluation.windows.ensure_windows`), the one in force at its opening,
    or the settings' instrument while no edition exists."""
    row = session.get(EvaluationEdition, window.edition_id) if window.edition_id else None
    if row is None:
        row = _in_force(session, window.opens_at.astimezone(WIB).date())
    if row is not None:
        return as_edition(row)
    instrument = settings_instrument(prog.settings)
    return Edition(DEFAULT_KEY, DEFAULT_STARTS, instrument, instrument.sha256(), None,
                   "settings")


def window_editions(session: Session, prog: Programme,
                    windows: Sequence[EvaluationWindow]) -> dict[str, Edition]:
    """:func:`window_edition` of each of ``windows`` (by name), in one query for them all."""
    ids = {w.edition_id for w in windows if w.edition_id is not None}
    rows = {r.id: r for r in session.execute(select(EvaluationEdition).where(
        col(EvaluationEdition.id).in_(ids))).scalars()} if ids else {}
    return {w.name: as_edition(rows[w.edition_id]) if w.edition_id in rows
            else window_edition(session, prog, w) for w in windows}


@dataclass(frozen=True)
class CreatedEdition:
    edition: Edition
    moved: list[str]  # windows not yet opened, without returns, that now belong to it


def default_start(key: str, today: date) -> date:
    """An edition named by a year starts on 1 January of it; any other, today (WIB)."""
    found = _YEAR.match(key)
    if found and 2017 <= int(found[1]) <= 2100:
        return date(int(found[1]), 1, 1)
    return today


def create_edition(prog: Programme, key: str, instrument: Instrument | None, actor: Acting,
                   starts_on: date | None = None) -> CreatedEdition:
    """A new edition frozen from ``instrument`` (None: from the settings), for the windows
    opening on or after ``starts_on`` (coordinators only).

    Windows already created that open on or after that day, have not opened and hold no
    return move to it (the scheduler creates a year's windows in January, possibly before the
    year's edition); every other window keeps its edition.
    """
    key = key.strip()
    if not _KEY.match(key):
        raise InvalidInputError("editions.error.bad_key", key=key)
    if key == DEFAULT_KEY:  # the settings' own edition, made only when no other applies
        raise InvalidInputError("editions.error.reserved", key=key)
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        check_role(Message("editions.action.create"), [roles.COORDINATOR], actor,
                   prog.master_plan(session))
        now = prog.engine.clock()
        start = starts_on or default_start(key, now.astimezone(WIB).date())
        if not 2017 <= start.year <= 2100:
            raise InvalidInputError("directory.year_outside", year=start.year)
        existing = all_editions(session)
        if any(e.key == key for e in existing):
            raise ConflictError("editions.error.exists", key=key)
        same = next((e for e in existing if e.starts_on == start), None)
        if same is not None:
            raise ConflictError("editions.error.same_start", key=key, other=same.key,
                                day=start.isoformat())
        chosen = instrument if instrument is not None else settings_instrument(prog.settings)
        row = new_row(key, start, chosen, now, actor.identity)
        session.add(row)
        session.flush()
        returned = select(func.count()).select_from(EvaluationReturn).where(
            EvaluationReturn.window_id == EvaluationWindow.id).scalar_subquery()
        movable = session.execute(select(EvaluationWindow).where(
            EvaluationWindow.status == "scheduled", returned == 0)).scalars()
        moved = []
        for window in movable:
            in_force = _in_force(session, window.opens_at.astimezone(WIB).date())
            if in_force is not None and in_force.id == row.id:
                window.edition_id = row.id
                session.add(window)
                moved.append(window.name)
        session.flush()
        return CreatedEdition(as_edition(row), sorted(moved))


def highest_score(session: Session, prog: Programme) -> float:
    """The top of the highest scale of any edition (the settings' while there is none): where
    a chart of indices across editions ends."""
    highs = [as_edition(e).scale[1] for e in all_editions(session)]
    return max(highs) if highs else prog.settings.evaluation_scale[1]


@dataclass(frozen=True)
class EditionUse:
    """An edition with how much was scored in it."""

    edition: Edition
    windows: list[str]
    returns: int


def editions_in_use(session: Session) -> list[EditionUse]:
    """Every edition with its windows (in the order they open) and its number of returns."""
    rows = all_editions(session)
    names: dict[int | None, list[str]] = {r.id: [] for r in rows}
    for name, edition_id in session.execute(
            select(col(EvaluationWindow.name), col(EvaluationWindow.edition_id))
            .order_by(col(EvaluationWindow.opens_at))).all():
        names.setdefault(edition_id, []).append(name)
    counted = session.execute(
        select(col(EvaluationWindow.edition_id), func.count())
        .select_from(EvaluationReturn)
        .join(EvaluationWindow, col(EvaluationWindow.id) == EvaluationReturn.window_id)
        .group_by(col(EvaluationWindow.edition_id))).all()
    counts: dict[int | None, int] = {edition_id: int(n) for edition_id, n in counted}
    return [EditionUse(as_edition(r), names.get(r.id, []), counts.get(r.id, 0))
            for r in rows]
