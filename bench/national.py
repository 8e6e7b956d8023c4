"""A national cohort to measure and to test against: every region of the programme's list
(514), driven through the engine to varied stages, on a clock spread over months.

Each region gets two OPDs, its head of region and a mentor (five regions per mentor) and is
walked along the master plan to a different stage through the engine (real submissions,
guards, deadlines and reminder plans; one transaction per region). Some regions are rejected
(revision), resubmitted (second review round) or withdrawn. Regions start at different
times, so at the end their deadlines are variously on time, due soon, overdue or absent.
About 7,500 engine actions for 514 regions, ten seconds on SQLite.

Shared by ``bench/board_render.py`` (page weight and time for 50 and 514 regions) and the
browser test of the programme office (tests/interfaces/web/browser), which is why it lives
outside the benchmark script and keeps the clock settable: ``clock.now = None`` hands the
programme back to the real clock after the build.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from config.settings import Settings
from engine import Actor, Records, SubmissionInput
from interfaces.bootstrap import initialise
from workflows.access import accounts
from workflows.deadlines import extensions
from workflows.directory import cohorts, imports, registration
from workflows.directory.reference import shipped_regions
from workflows.master_plan import MASTER_PLAN
from workflows.master_plan.quick_wins import QuickWin
from workflows.programme import Programme

START = datetime(2026, 2, 2, 1, 0, tzinfo=UTC)
MEASURE_AT = START + timedelta(days=150)
COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
PASSWORD = "bench-password-123"
COHORT = "Smart City 2026"
OPD_CODES = ("DISKOMINFO", "BAPPEDA")
REGIONS_PER_MENTOR = 5
PATH = ["assessment", "mou", "institutions", "bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4",
        "quick_win_submission", "mentor_review", "presentation", "adoption", "implementation"]
# Where regions end up: every stage of the happy path, and the review loop and withdrawal.
SCENARIOS = [*PATH, "revision", "resubmitted", "withdrawn"]


@dataclass
class BenchClock:
    """The build's simulated time; ``None`` is the real clock (for a live server)."""

    now: datetime | None = START

    def __call__(self) -> datetime:
        return self.now or datetime.now(UTC)


@dataclass(frozen=True)
class Cast:
    """The actors of one region, as the engine sees them."""

    code: str
    coordinator: Actor
    assessor: Actor
    head: Actor
    mentor: Actor
    opds: tuple[Actor, ...]


@dataclass
class Driver:
    prog: Programme
    clock: BenchClock
    rng: random.Random
    actions: int = 0
    counter: int = 0
    reached: dict[str, int] = field(default_factory=dict)

    def document(self, session: Any, iid: int, actor: Actor, deliverable: str,
                 party: str = "") -> None:
        self.counter += 1
        data = f"{deliverable} {party} {self.counter}".encode()
        self.prog.engine.submit(session, iid, actor, SubmissionInput(
            deliverable, f"{deliverable}.pdf", "application/pdf", len(data),
            hashlib.sha256(data).hexdigest(), party=party))
        if deliverable == "quick_win_plan":
            latest = Records(session).latest_submission(iid, deliverable)
            assert latest is not None, "the plan was just submitted"
            session.add_all([
                QuickWin(submission_id=latest.id, title="Online permits in one portal",
                         dimension="governance", element="public_service",
                         opd_code="DISKOMINFO"),
                QuickWin(submission_id=latest.id, title="Ambulance call centre 112",
                         dimension="living", element="health", opd_code=None),
            ])
            session.flush()
        self.actions += 1

    def fire(self, session: Any, iid: int, trigger: str, actor: Actor,
             comment: str | None = None) -> None:
        self.prog.engine.fire(session, iid, trigger, actor, comment=comment)
        self.actions += 1
        self.clock.now = self.clock() + timedelta(days=self.rng.randint(1, 9),
                                                  hours=self.rng.randint(0, 8))

    def leave(self, session: Any, iid: int, state: str, c: Cast) -> None:
        """Submit what ``state`` requires and take the happy path out of it."""
        opd = c.opds[0]
        if state == "assessment":
            self.document(session, iid, c.assessor, "assessment_result")
            self.fire(session, iid, "assess", c.assessor)
        elif state == "mou":
            self.document(session, iid, c.head, "signed_mou")
            self.fire(session, iid, "sign_mou", c.head)
        elif state == "institutions":
            self.document(session, iid, c.coordinator, "council_decree")
            self.document(session, iid, c.coordinator, "implementation_team_decree")
            self.fire(session, iid, "establish_institutions", c.coordinator)
        elif state == "bimtek_1":
            for o in c.opds:
                self.document(session, iid, o, "questionnaire", party=o.party or "")
            self.fire(session, iid, "close_bimtek_1", c.coordinator)
        elif state == "bimtek_2":
            self.document(session, iid, opd, "buku_1")
            self.document(session, iid, opd, "programme_mapping")
            self.fire(session, iid, "close_bimtek_2", c.coordinator)
        elif state == "bimtek_3":
            self.document(session, iid, opd, "buku_2")
            self.document(session, iid, opd, "quick_win_shortlist")
            self.fire(session, iid, "close_bimtek_3", c.coordinator)
        elif state == "bimtek_4":
            self.document(session, iid, opd, "buku_2")
            self.document(session, iid, c.head, "commitment_sheet")
            self.fire(session, iid, "close_bimtek_4", c.coordinator)
        elif state == "quick_win_submission":
            self.document(session, iid, opd, "quick_win_plan")
            self.fire(session, iid, "submit_for_review", opd)
        elif state == "mentor_review":
            self.fire(session, iid, "approve", c.mentor, "Layak dilaksanakan")
        elif state == "presentation":
            self.document(session, iid, c.head, "presentation")
            self.fire(session, iid, "present", c.head)
        elif state == "adoption":
            self.document(session, iid, c.coordinator, "regulation")
            self.fire(session, iid, "adopt", c.coordinator)
        else:
            raise AssertionError(f"no way out of {state}")

    def drive(self, c: Cast, scenario: str) -> None:
        """Walk one region to ``scenario``, in one transaction."""
        target = {"revision": "mentor_review", "resubmitted": "mentor_review"}.get(
            scenario, scenario)
        withdraw_from = None
        if scenario == "withdrawn":
            withdraw_from = self.rng.choice(PATH[:8])
            target = withdraw_from
        with self.prog.db.transaction() as session:
            instance = self.prog.current_instance(session, c.code)
            iid, state = instance.id, instance.state
            while state != target:
                self.leave(session, iid, state, c)
                state = PATH[PATH.index(state) + 1]
            if scenario in ("revision", "resubmitted"):
                self.fire(session, iid, "reject", c.mentor,
                          "Indikator quick win belum terukur; lengkapi baseline dan target.")
            if scenario == "resubmitted":
                self.document(session, iid, c.opds[0], "quick_win_plan")
                self.fire(session, iid, "resubmit", c.opds[0])
            if withdraw_from is not None:
                self.fire(session, iid, "withdraw", c.coordinator,
                          "Daerah mengundurkan diri dari program tahun ini.")
        self.reached[scenario] = self.reached.get(scenario, 0) + 1


@dataclass(frozen=True)
class National:
    """What :func:`build` made: the programme, its clock, the regions and what it took."""

    prog: Programme
    clock: BenchClock
    codes: list[str]
    actions: int
    extensions: list[int]  # ids of the extension requests left pending
    seconds: float
    reached: dict[str, int]


def ask_extension(prog: Programme, opd: Actor, now: datetime) -> int:
    """The OPD asks for 30 days past its region's open deadline (or past now, if later)."""
    code = next(iter(opd.subjects or ()))
    with prog.db.read() as session:
        _, due = Records(session).current_with_deadlines(MASTER_PLAN, [code])[code]
    base = max(now, due.due_at) if due is not None else now
    return extensions.request_extension(
        prog, code, (base + timedelta(days=30)).date(),
        "Data OPD belum lengkap; mohon perpanjangan 30 hari.", actor=opd).id


def spread(codes: list[str], n: int | None) -> list[str]:
    """``n`` regions taken evenly across the list (so across provinces and zones)."""
    if n is None or n >= len(codes):
        return codes
    step = len(codes) / n
    return [codes[int(i * step)] for i in range(n)]


def build(url: str, folder: Path, *, regions: int | None = None,
          start: datetime = START, extension_every: int = 4) -> National:
    """A programme with ``regions`` regions (all 514 by default) in one cohort, driven to
    varied stages from ``start``; the clock ends 150 days later. In every
    ``extension_every``-th round of scenarios, the regions left in bimtek I-III have an
    extension request pending from their OPD."""
    t0 = time.perf_counter()
    clock = BenchClock(start)
    prog = Programme(Settings(data_dir=folder, database_url=url), clock=clock)
    initialise(prog)
    codes = spread([r.code for r in shipped_regions()], regions)
    people = [imports.PersonRow(COORDINATOR, "Tim Koordinator 100 Smart City", "coordinator",
                                None),
              imports.PersonRow(ASSESSOR, "Tim Penilai", "assessor", None)]
    people += [imports.PersonRow(f"kepala.{c.replace('.', '')}@pemda.go.id",
                                 f"Kepala Daerah {c}", "head_of_region", c) for c in codes]
    registration.upsert_people(prog, people)
    registration.upsert_opds(prog, [
        imports.OpdRow(c, o, f"{o.title()} {c}", f"{o.lower()}.{c.replace('.', '')}@pemda.go.id",
                       "governance") for c in codes for o in OPD_CODES])
    mentors = [imports.MentorRow(f"mentor{n:03d}@itb.ac.id", f"Mentor {n:03d}",
                                 tuple(codes[i:i + REGIONS_PER_MENTOR]))
               for n, i in enumerate(range(0, len(codes), REGIONS_PER_MENTOR))]
    registration.import_mentors(prog, mentors)
    mentor_of = {code: m.email for m in mentors for code in m.regions}
    cohorts.create_cohort(prog, COHORT, 2026)
    cohorts.add_members(prog, COHORT, codes)
    accounts.create(prog, COORDINATOR, PASSWORD)

    rng = random.Random(514)
    driver = Driver(prog, clock, rng)
    coordinator = Actor(COORDINATOR, "coordinator", None)
    assessor = Actor(ASSESSOR, "assessor", None)
    asking: list[Actor] = []
    for i, code in enumerate(codes):
        scope = frozenset({code})
        slug = code.replace(".", "")
        cast = Cast(code, coordinator, assessor,
                    Actor(f"kepala.{slug}@pemda.go.id", "head_of_region", scope),
                    Actor(mentor_of[code], "mentor", scope),
                    tuple(Actor(f"{o.lower()}.{slug}@pemda.go.id", "opd", scope, party=o)
                          for o in OPD_CODES))
        # Regions start at different times, so their deadlines fall before and after "now".
        clock.now = start + timedelta(days=rng.uniform(0, 120))
        scenario = SCENARIOS[i % len(SCENARIOS)]
        driver.drive(cast, scenario)
        if (i // len(SCENARIOS)) % extension_every == 0 and scenario in PATH[3:6]:
            asking.append(cast.opds[0])
    clock.now = start + timedelta(days=150)
    pending = [ask_extension(prog, opd, clock()) for opd in asking]
    return National(prog, clock, codes, driver.actions, pending,
                    time.perf_counter() - t0, driver.reached)
