"""Rendering the cohort board for all 514 regions: the whole page beside its queries alone.

For each database (a SQLite file, and PostgreSQL when reachable) this builds one cohort with
every region of ``workflows/directory/data/regencies.csv`` (514), each with two OPDs, its
head of region and a mentor, and walks each region along the master plan to a different stage
through the engine (real submissions, guards, deadlines and reminder plans; one transaction
per region), on a simulated clock spread over months so the current deadlines are variously
on time, due soon, overdue or absent. Some regions are rejected (revision), resubmitted
(second review round) or withdrawn. Then, in the same run, it measures:

* **page**: ``GET /board`` through the ASGI app in-process (FastAPI ``TestClient``, signed in
  as a programme-wide coordinator): session lookup, :func:`board_data`, Jinja rendering and
  the response;
* **data**: :func:`workflows.reporting.board.board_data` alone on a read session, the exact
  call the page makes (its fixed handful of queries, no templating);

alternately, ``--renders`` times each after a warm-up (medians, so machine noise hits both),
and prints both, their ratio, the page size and the number of SQL statements one data load
issues (the same for 1 region as for 514: there is no query per region).

    .venv/bin/python bench/board_render.py [--renders 30] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from scratch import DEFAULT_ADMIN_URL, pg_database

from config.settings import Settings
from engine import Actor, Records, SubmissionInput
from interfaces.bootstrap import initialise
from interfaces.web.app import create_app
from workflows.access import accounts
from workflows.directory import cohorts, imports, registration
from workflows.directory.reference import shipped_regions
from workflows.master_plan.quick_wins import QuickWin
from workflows.programme import Programme
from workflows.reporting.board import BoardFilters, board_data

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
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


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
        self.clock.now += timedelta(days=self.rng.randint(1, 9), hours=self.rng.randint(0, 8))

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


def build(url: str, folder: Path) -> tuple[Programme, BenchClock, int, float]:
    """A programme with all regions in one cohort, driven to varied stages."""
    t0 = time.perf_counter()
    clock = BenchClock()
    prog = Programme(Settings(data_dir=folder, database_url=url), clock=clock)
    initialise(prog)
    codes = [r.code for r in shipped_regions()]
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
    for i, code in enumerate(codes):
        scope = frozenset({code})
        slug = code.replace(".", "")
        cast = Cast(code, coordinator, assessor,
                    Actor(f"kepala.{slug}@pemda.go.id", "head_of_region", scope),
                    Actor(mentor_of[code], "mentor", scope),
                    tuple(Actor(f"{o.lower()}.{slug}@pemda.go.id", "opd", scope, party=o)
                          for o in OPD_CODES))
        # Regions start at different times, so their deadlines fall before and after "now".
        clock.now = START + timedelta(days=rng.uniform(0, 120))
        driver.drive(cast, SCENARIOS[i % len(SCENARIOS)])
    clock.now = MEASURE_AT
    built = time.perf_counter() - t0
    print(f"  built {len(codes)} regions in {built:.0f} s: {driver.actions} engine actions; "
          + ", ".join(f"{k} {v}" for k, v in driver.reached.items()), flush=True)
    return prog, clock, len(codes), built


@dataclass(frozen=True)
class Timing:
    wall_ms: float
    cpu_ms: float  # this process's CPU time (all threads): less sensitive to a busy machine


def interleaved(a: Any, b: Any, runs: int) -> tuple[Timing, Timing]:
    """Median wall and CPU milliseconds of ``a`` and of ``b``, run alternately so that noise
    from the machine hits both alike, after one warm-up each (caches, pool, statements)."""
    a()
    b()
    walls: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for i, fn in enumerate((a, b)):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            walls[i].append(time.perf_counter() - w0)
            cpus[i].append(time.process_time() - c0)
    return tuple(Timing(statistics.median(walls[i]) * 1000,  # type: ignore[return-value]
                        statistics.median(cpus[i]) * 1000) for i in (0, 1))


def measure(label: str, url: str, folder: Path, renders: int) -> dict[str, float]:
    prog, _, regions, _ = build(url, folder)
    try:
        client = TestClient(create_app(prog), follow_redirects=False)
        form = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
        assert form is not None, "no login token on /login"
        signed_in = client.post("/login", data={"email": COORDINATOR, "password": PASSWORD,
                                                "next": "/board", "login_token": form[1]})
        assert signed_in.status_code == 303, signed_in.text
        first = client.get("/board")
        assert first.status_code == 200, first.text[:500]
        rows = first.text.count('<tr><th scope="row">')
        assert rows == regions, (rows, regions)

        def page() -> None:
            response = client.get("/board")
            assert response.status_code == 200

        def data() -> None:
            with prog.db.read() as session:
                loaded = board_data(prog, session, None, BoardFilters())
            assert len(loaded.rows) == regions

        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(prog.db.engine, "before_cursor_execute", count)
        data()
        event.remove(prog.db.engine, "before_cursor_execute", count)
        tones = board_data_tones(prog)

        t_page, t_data = interleaved(page, data, renders)
        size = len(first.content)
        print(f"{label:<11} {regions} regions, page {size / 1024:.0f} KiB, board_data issues "
              f"{len(statements)} SQL statements; medians of {renders}:", flush=True)
        for what, p, d in (("wall", t_page.wall_ms, t_data.wall_ms),
                           ("CPU ", t_page.cpu_ms, t_data.cpu_ms)):
            print(f"{'':<11} {what}  GET /board {p:6.1f} ms   board_data alone {d:6.1f} ms   "
                  f"page/data {p / d:4.2f}x   (templating, session, HTTP: {p - d:5.1f} ms)",
                  flush=True)
        print(f"{'':<11} current deadlines: {tones}", flush=True)
        return {"page": t_page.wall_ms, "data": t_data.wall_ms,
                "ratio": t_page.wall_ms / t_data.wall_ms}
    finally:
        prog.close()


def board_data_tones(prog: Programme) -> str:
    with prog.db.read() as session:
        loaded = board_data(prog, session, None, BoardFilters())
    return ", ".join(f"{k} {v}" for k, v in loaded.tone_counts.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL,
                        help="admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite:///{folder}/bench.db", Path(folder), args.renders)
    if "postgresql" in backends:
        try:
            url, drop = pg_database(args.pg_url, "bench_board")
        except DBAPIError as exc:
            print(f"PostgreSQL skipped: not reachable at {args.pg_url} ({exc.orig or exc})")
        else:
            try:
                with tempfile.TemporaryDirectory() as folder:
                    measure("PostgreSQL", url, Path(folder), args.renders)
            finally:
                drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
