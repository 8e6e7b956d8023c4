"""Seeding for the programme-layer tests: people, a region in a cohort with its OPDs, head of
region and mentor, real files to submit, and a driver that walks a region along the master plan.

Everything goes through the public functions the command line calls
(:mod:`workflows.directory`, :mod:`workflows.actions`, :mod:`workflows.reports`), one
transaction per call, on the real database of the ``prog`` fixture (SQLite and PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from config.settings import Settings
from engine.models import Deadline, HistoryEntry, ReviewDecision, Submission, WorkflowInstance
from workflows import actions, directory, imports
from workflows.models import QuickWin
from workflows.programme import Programme

BALIKPAPAN = "64.71"  # Kota Balikpapan, Kalimantan Timur, WITA (workflows/data/regencies.csv)

COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
COHORT = "Smart City 2026"

OPD_NAMES = {
    "DISKOMINFO": ("Dinas Komunikasi dan Informatika", "governance"),
    "BAPPEDA": ("Badan Perencanaan Pembangunan Daerah", "governance"),
    "DINKES": ("Dinas Kesehatan", "living"),
    "DISHUB": ("Dinas Perhubungan", "living"),
}

# The happy path: the stage a region is in, in the order it passes them.
PATH = [
    "assessment", "mou", "institutions", "bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4",
    "quick_win_submission", "mentor_review", "presentation", "adoption", "implementation",
]

QUICK_WINS_CSV = (
    "title,dimension,element,opd,description\n"
    "Online permits in one portal,governance,public_service,DISKOMINFO,"
    "Existing permit services joined into one portal\n"
    "Ambulance call centre 112,living,health,DINKES,Faster emergency response\n"
)


def _slug(code: str) -> str:
    return code.replace(".", "")


@dataclass(frozen=True)
class Seeded:
    """A region selected into a cohort, with the addresses of the people acting for it."""

    code: str
    head: str
    mentor: str
    opds: dict[str, str]  # OPD code -> email

    @property
    def opd(self) -> str:
        """The email of the region's first OPD (the one that submits documents)."""
        return next(iter(self.opds.values()))


@dataclass
class World:
    """A programme with its people, and the moves the tests make on it.

    Test modules reach the shared constants through the fixture (``world.COORDINATOR``), not
    by importing this file, so they run under either pytest import mode.
    """

    COORDINATOR: ClassVar[str] = COORDINATOR
    ASSESSOR: ClassVar[str] = ASSESSOR
    COHORT: ClassVar[str] = COHORT
    PATH: ClassVar[list[str]] = PATH
    QUICK_WINS_CSV: ClassVar[str] = QUICK_WINS_CSV

    prog: Programme
    folder: Path
    _counter: Iterator[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    # -- seeding -----------------------------------------------------------------------

    def seed_people(self) -> None:
        """The programme-wide coordinator and assessor (one transaction)."""
        directory.upsert_people(self.prog, imports.parse_people(
            "email,name,role,region\n"
            f"{COORDINATOR},Tim Koordinator 100 Smart City,coordinator,\n"
            f"{ASSESSOR},Tim Penilai,assessor,\n"
        ))

    def region(
        self, code: str = BALIKPAPAN, *, opds: tuple[str, ...] = ("DISKOMINFO", "BAPPEDA"),
        cohort: str = COHORT, year: int = 2026,
    ) -> Seeded:
        """Select ``code`` into ``cohort`` with its OPDs, head of region and a mentor."""
        with self.prog.db.read() as session:
            known = {c.name for c, _ in directory.cohorts(session)}
        if cohort not in known:
            directory.create_cohort(self.prog, cohort, year)
        directory.add_members(self.prog, cohort, [code])
        slug = _slug(code)
        emails = {o: f"{o.lower()}.{slug}@pemda.go.id" for o in opds}
        if opds:
            directory.upsert_opds(self.prog, imports.parse_opds(
                "region,code,name,email,dimension\n" + "".join(
                    f'{code},{o},"{OPD_NAMES[o][0]}",{emails[o]},{OPD_NAMES[o][1]}\n'
                    for o in opds),
                self.prog.dimensions,
            ))
        head = f"kepala.{slug}@pemda.go.id"
        mentor = f"mentor.{slug}@itb.ac.id"
        directory.upsert_people(self.prog, imports.parse_people(
            "email,name,role,region\n"
            f"{head},Kepala Daerah {code},head_of_region,{code}\n"
            f"{mentor},Mentor {code},mentor,\n"
        ))
        directory.assign_mentor(self.prog, mentor, [code])
        return Seeded(code, head, mentor, emails)

    # -- files -------------------------------------------------------------------------

    def pdf(self, name: str = "document.pdf") -> Path:
        """A small real PDF whose content differs on every call."""
        n = next(self._counter)
        path = self.folder / f"{n:03d}-{name}"
        path.write_bytes(b"%PDF-1.4\n% smartcity test document " + str(n).encode()
                         + b"\n%%EOF\n")
        return path

    def quick_wins(self, text: str = QUICK_WINS_CSV) -> Path:
        path = self.folder / f"{next(self._counter):03d}-quick-wins.csv"
        path.write_text(text, encoding="utf-8")
        return path

    # -- acting ------------------------------------------------------------------------

    def submit(self, code: str, deliverable: str, who: str, **kw: Any) -> actions.SubmitResult:
        return actions.submit(self.prog, code, deliverable, self.pdf(f"{deliverable}.pdf"),
                              who, **kw)

    def submit_plan(self, r: Seeded, who: str | None = None, **kw: Any) -> actions.SubmitResult:
        return actions.submit(self.prog, r.code, "quick_win_plan", self.pdf("quick-win-plan.pdf"),
                              who or r.opd, quick_wins=self.quick_wins(), **kw)

    def fire(self, code: str, trigger: str, who: str, **kw: Any) -> Any:
        return actions.advance(self.prog, code, trigger, who, **kw)

    def state(self, code: str) -> str:
        with self.prog.db.read() as session:
            return self.prog.current_instance(session, code).state

    def leave(self, r: Seeded, state: str) -> None:
        """Submit what ``state`` requires and fire the trigger of the happy path out of it."""
        code = r.code
        if state == "assessment":
            self.submit(code, "assessment_result", ASSESSOR)
            self.fire(code, "assess", ASSESSOR)
        elif state == "mou":
            self.submit(code, "signed_mou", r.head)
            self.fire(code, "sign_mou", r.head)
        elif state == "institutions":
            self.submit(code, "council_decree", COORDINATOR)
            self.submit(code, "implementation_team_decree", COORDINATOR)
            self.fire(code, "establish_institutions", COORDINATOR)
        elif state == "bimtek_1":
            for email in r.opds.values():
                self.submit(code, "questionnaire", email)
            self.fire(code, "close_bimtek_1", COORDINATOR)
        elif state == "bimtek_2":
            self.submit(code, "buku_1", r.opd)
            self.submit(code, "programme_mapping", r.opd)
            self.fire(code, "close_bimtek_2", COORDINATOR)
        elif state == "bimtek_3":
            self.submit(code, "buku_2", r.opd, note="draft")
            self.submit(code, "quick_win_shortlist", r.opd)
            self.fire(code, "close_bimtek_3", COORDINATOR)
        elif state == "bimtek_4":
            self.submit(code, "buku_2", r.opd, note="final")
            self.submit(code, "commitment_sheet", r.head)
            self.fire(code, "close_bimtek_4", COORDINATOR)
        elif state == "quick_win_submission":
            self.submit_plan(r)
            self.fire(code, "submit_for_review", r.opd)
        elif state == "mentor_review":
            actions.review(self.prog, code, "approve", r.mentor, comment="Layak dilaksanakan")
        elif state == "presentation":
            self.submit(code, "presentation", r.head)
            self.fire(code, "present", r.head)
        elif state == "adoption":
            self.submit(code, "regulation", COORDINATOR)
            self.fire(code, "adopt", COORDINATOR)
        else:
            raise AssertionError(f"the driver does not leave {state}")

    def drive(self, r: Seeded, target: str) -> None:
        """Walk the region along the happy path until it is in ``target``."""
        assert target in PATH, target
        while (state := self.state(r.code)) != target:
            assert PATH.index(state) < PATH.index(target), f"{r.code} is past {target}: {state}"
            self.leave(r, state)

    def reject(self, r: Seeded, comment: str) -> Any:
        return actions.review(self.prog, r.code, "reject", r.mentor, comment=comment)

    def revise(self, r: Seeded) -> None:
        """A new plan version and the resubmission (revision -> mentor review)."""
        self.submit_plan(r)
        self.fire(r.code, "resubmit", r.opd)

    # -- observing ---------------------------------------------------------------------

    def footprint(self, code: str) -> dict[str, Any]:
        """Everything an action on the region could write: state, version and row counts."""
        with self.prog.db.read() as session:
            ids = list(session.execute(select(WorkflowInstance.id).where(
                WorkflowInstance.subject == code)).scalars())
            current = self.prog.current_instance(session, code) if ids else None

            def count(model: Any, column: Any) -> int:
                return session.execute(select(func.count()).select_from(model).where(
                    column.in_(ids))).scalar_one()

            return {
                "instances": len(ids),
                "state": current.state if current else None,
                "version": current.version if current else None,
                "history": count(HistoryEntry, HistoryEntry.instance_id),
                "submissions": count(Submission, Submission.instance_id),
                "reviews": count(ReviewDecision, ReviewDecision.instance_id),
                "deadlines": count(Deadline, Deadline.instance_id),
                "quick_wins": session.execute(
                    select(func.count()).select_from(QuickWin).join(
                        Submission, Submission.id == QuickWin.submission_id)
                    .where(Submission.instance_id.in_(ids))).scalar_one(),
            }

    @contextmanager
    def unchanged(self, code: str) -> Iterator[dict[str, Any]]:
        """Assert that whatever happens inside leaves no trace on the region."""
        before = self.footprint(code)
        yield before
        assert self.footprint(code) == before


@pytest.fixture
def world(prog: Programme, tmp_path: Path) -> World:
    """The ``prog`` fixture with the programme-wide coordinator and assessor registered."""
    w = World(prog, tmp_path / "in")
    w.seed_people()
    return w


@pytest.fixture
def make_prog(settings: Settings, clock: Any) -> Iterator[Callable[..., Programme]]:
    """Programmes on the same fresh database with changed settings (closed at teardown)."""
    made: list[Programme] = []

    def make(**updates: Any) -> Programme:
        programme = Programme(settings.model_copy(update=updates), clock=clock)
        made.append(programme)
        return programme

    yield make
    for programme in made:
        programme.close()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh initialised database shared by the tests of one module (copied from the
    session templates of ``tests/conftest.py``), for scenarios built once and read by many."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path_factory.mktemp("module-db") / "smartcity.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")  # skips if PostgreSQL is absent
    admin_url = os.environ.get(
        "SMARTCITY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"sc_wf_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def world_type() -> type[World]:
    """The :class:`World` type, for fixtures that build one on their own programme."""
    return World


@dataclass
class FixedClock:
    """A clock for module-scoped worlds (tests there do not move time)."""

    now: datetime = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def module_world(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One programme and database for a whole module, for tests that each seed their own
    region and look only at it (saves creating a database per test)."""
    folder = tmp_path_factory.mktemp("module-world")
    prog = Programme(Settings(data_dir=folder, database_url=module_database_url),
                     clock=FixedClock())
    w = World(prog, folder / "in")
    w.seed_people()
    yield w
    prog.close()
