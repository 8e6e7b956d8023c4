"""Two years of the programme, driven through the real engine on a simulated clock.

Eight real regions across WIB, WITA and WIT are selected into a cohort; coordinators advance
them, OPDs submit questionnaires, books and quick-win plans, mentors reject and then approve.
Regions move at different speeds (one OPD never sends its questionnaire, one region is still
revising), so the status table at the end looks like a real cohort.

The script is written on a reference calendar (January 2026 to December 2027) that
:class:`~interfaces.cli.demo.timeline.Timeline` moves so that it ends today. The clock advances
day by day: once per simulated day (at 01:30 UTC, after the 08:00 reminder time of WIB, WITA
and WIT) the scheduler's jobs run (:func:`workflows.background.tick`: reminder digests, overdue
escalations, evaluation windows) and the ``deliver`` callback hands the due email to the SMTP
server. In the second year the regions in implementation hand in their returns in two
evaluation windows and are scored and ranked. In the last days late regions take up their
work again (one asks for an extension, which a coordinator grants; one restarts its bimtek
under its own deadline; one sends its plan for review), so the people a newcomer signs in as
have work due after today.

Everything goes through the programme's functions (:mod:`workflows.directory`,
:mod:`workflows.master_plan.actions`, :mod:`workflows.deadlines`, :mod:`workflows.evaluation`),
the same ones the command line calls: one transaction per action, refusals included. Who takes
part and what each region does is :mod:`interfaces.cli.demo.cast`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.messages import plural, text
from engine import WorkflowError
from interfaces.cli.demo import cast, evaluation_year
from interfaces.cli.demo.cast import (
    ASSESSOR,
    COHORT_DEADLINES,
    COORDINATOR,
    EXTENSION_REGION,
    MENTORS,
    OPDS,
    PROFILES,
    REVIEW_COMMENTS,
    SLOTS,
    STEPS,
    TICK_TIME,
    Profile,
)
from interfaces.cli.demo.outcome import DemoReport, SimulatedClock, check_digests
from interfaces.cli.demo.timeline import REFERENCE_END, Evaluation, Timeline
from workflows import background, roles
from workflows.deadlines import extensions, setting
from workflows.deadlines.dates import working_calendar
from workflows.directory import cohorts, imports, registration
from workflows.evaluation import WIB, windows
from workflows.master_plan import actions
from workflows.programme import Programme
from workflows.zones import local


class Demo:
    """The scenario; :meth:`run` drives it and returns what happened."""

    def __init__(self, prog: Programme, clock: SimulatedClock, inputs: Path,
                 deliver: Callable[[], int] | None = None,
                 observe: Callable[[background.TickReport], None] | None = None,
                 timeline: Timeline | None = None) -> None:
        self.prog, self.clock, self.inputs = prog, clock, inputs
        self.deliver = deliver
        self.observe = observe  # sees each day's jobs' report, before delivery (tests)
        #: The reference calendar unless told otherwise (the tests of the script).
        self.timeline = timeline or Timeline.ending(REFERENCE_END)
        self.clock.now = self.timeline.start
        self.extension: int | None = None
        self.window_status: dict[str, str] = {}
        self.next_tick = datetime.combine(self.clock.now.date() + timedelta(days=1), TICK_TIME,
                                          UTC)
        self.report = DemoReport(cohort=f"Smart City {self.timeline.cohort_year}")
        self.evaluations: list[Evaluation] = self.timeline.evaluations(prog, SLOTS)
        self.emails: dict[str, dict[str, str]] = {}
        self.heads: dict[str, str] = {}
        inputs.mkdir(parents=True, exist_ok=True)

    def log(self, key: str, at: datetime | None = None, **params: object) -> None:
        """A line of the demo's log: the day (WIB), then the catalogue's text ``key``."""
        self.note(text(key, **params), at)

    def note(self, line: str, at: datetime | None = None) -> None:
        day = f"{(at or self.clock.now).astimezone(WIB):%Y-%m-%d}"
        self.report.log.append(f"{day}  {line}")

    # -- setup ---------------------------------------------------------------------------

    def seed(self) -> None:
        prog = self.prog
        codes = [p.code for p in PROFILES]
        cohorts.create_cohort(prog, self.report.cohort, self.timeline.cohort_year)
        regions = cohorts.add_members(prog, self.report.cohort, codes)
        registration.add_person(prog, COORDINATOR, "Tim Koordinator 100 Smart City",
                                roles.COORDINATOR, None)
        registration.add_person(prog, ASSESSOR, "Tim Penilai", roles.ASSESSOR, None)
        rows = ["region,code,name,email,dimension"]
        for region in regions:
            domain = _domain(region.name, region.kind)
            head = f"kepala.daerah@{domain}"
            title = "Bupati" if region.kind == "kabupaten" else "Wali Kota"
            registration.add_person(prog, head, f"{title} {region.name.split(' ', 1)[1]}",
                                 roles.HEAD_OF_REGION, region.code)
            self.heads[region.code] = head
            self.emails[region.code] = {}
            for code, name, dim in OPDS:
                email = f"{code.lower()}@{domain}"
                rows.append(f'{region.code},{code},"{name}",{email},{dim}')
                self.emails[region.code][code] = email
        opd_file = self.inputs / "opds.csv"
        opd_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
        registration.upsert_opds(prog, imports.parse_opds(opd_file, prog.dimensions))
        mentor_file = self.inputs / "mentors.csv"
        mentor_file.write_text("email,name,regions\n" + "".join(
            f'{email},"{name}",{";".join(regs)}\n' for email, (name, regs) in MENTORS.items()
        ), encoding="utf-8")
        registration.import_mentors(prog, imports.parse_mentors(mentor_file))
        self.log("cli.demo.log.cohort", cohort=self.report.cohort, regions=len(regions),
                 opds=len(regions) * len(OPDS), mentors=len(MENTORS))
        for state, due in COHORT_DEADLINES:
            setting.set_cohort_deadline(prog, self.report.cohort, state,
                                        self.timeline.date(due), actor=COORDINATOR)
        for year in sorted({e.opens_at.astimezone(WIB).year for e in self.evaluations}):
            windows.ensure_windows(prog, year)
        self.log("cli.demo.log.planned",
                 windows=", ".join(e.name for e in self.evaluations) or "-")

    # -- the clock -----------------------------------------------------------------------

    def advance_to(self, instant: datetime) -> None:
        """Move the clock forward to ``instant``, running the day's jobs at every tick time
        passed on the way (never backwards: an earlier ``instant`` leaves the clock alone)."""
        while self.next_tick <= instant:
            self.clock.now = self.next_tick
            self.daily()
            self.next_tick += timedelta(days=1)
        self.clock.now = max(self.clock.now, instant)

    def daily(self) -> None:
        """One simulated day of the worker: the scheduler's jobs, then email delivery."""
        tick = background.tick(self.prog)
        self.report.days += 1
        self.report.reminders_queued += tick.reminders_queued
        check_digests(self.prog, self.report, tick.reminders.digests,
                      [p.code for p in PROFILES])
        if self.observe is not None:
            self.observe(tick)
        self.report.window_emails += tick.window_emails
        if tick.windows_opened or tick.windows_closed:
            with self.prog.db.read() as session:
                found = {w.name: w.status for w in windows.windows(session)}
            for name, status in found.items():
                if self.window_status.get(name, "scheduled") != status:
                    self.log(f"cli.demo.log.window_{status}", window=name)
            self.window_status = found
        if self.deliver is not None:
            self.report.delivered += self.deliver()

    # -- the two years -------------------------------------------------------------------

    def run(self) -> DemoReport:
        self.seed()
        each = self.each
        calendar: list[tuple[str, str | None, Callable[[datetime], None]]] = [
            ("2026-01-19", "cli.demo.step.assess", each(self.assess)),
            ("2026-03-03", "cli.demo.step.mou", each(self.sign_mou)),
            ("2026-04-14", "cli.demo.step.institutions", each(self.institutions)),
            ("2026-07-07", "cli.demo.step.bimtek_1", each(self.bimtek_1)),
            ("2026-08-04", "cli.demo.step.bimtek_2", each(self.bimtek_2)),
            ("2026-09-01", "cli.demo.step.bimtek_3", each(self.bimtek_3)),
            ("2026-10-13", "cli.demo.step.bimtek_4", each(self.bimtek_4)),
            ("2026-10-20", "cli.demo.step.review_requested", each(self.send_for_review)),
            ("2026-11-03", "cli.demo.step.review", self.review_rounds),
            ("2026-12-10", "cli.demo.step.present", each(self.present)),
            ("2026-12-22", "cli.demo.step.adopt", each(self.adopt)),
        ]
        for day, what, step in calendar:
            before = self.report.transitions
            at = self.timeline.at(day)
            step(at)
            if what is not None:
                self.note(plural("cli.demo.log.step", self.report.transitions - before,
                                 what=text(what)), at)
        # The second year: returns and scores in the windows, then the last days; in the
        # order they happen.
        events: list[tuple[datetime, Callable[[], None]]] = []
        for evaluation in self.evaluations:
            for code, at in evaluation.returns():
                events.append((at, _bind(evaluation_year.hand_in, self, evaluation, code)))
            events.append((evaluation.scored_at(), _bind(evaluation_year.score, self, evaluation)))
        t = self.timeline
        events += [
            (t.before_end(cast.RESTART_DAYS_BEFORE), self.restart),
            (t.before_end(cast.EXTENSION_ASKED_DAYS_BEFORE), self.ask_extension),
            (t.before_end(cast.EXTENSION_DECIDED_DAYS_BEFORE), self.decide_extension),
            (t.before_end(cast.LATE_REVIEW_DAYS_BEFORE), self.late_review),
        ]
        for at, event in sorted(events, key=lambda e: e[0]):
            self.advance_to(at)
            event()
        self.advance_to(t.end)
        return self.report

    def each(self, step: Callable[[Profile], None]) -> Callable[[datetime], None]:
        """The step for every region at ``at``, a few minutes apart."""
        def run(at: datetime) -> None:
            for i, profile in enumerate(PROFILES):
                self.advance_to(at + timedelta(minutes=7 * i))
                step(profile)
        return run

    def reaches(self, profile: Profile, step: str) -> bool:
        return STEPS.index(step) <= STEPS.index(profile.last_step)

    def profile(self, code: str) -> Profile:
        return next(p for p in PROFILES if p.code == code)

    def assess(self, p: Profile) -> None:
        self.submit(p, "assessment_result", ASSESSOR)
        self.fire(p, "assess", ASSESSOR)

    def sign_mou(self, p: Profile) -> None:
        if self.reaches(p, "sign_mou"):
            self.submit(p, "signed_mou", self.heads[p.code])
            self.fire(p, "sign_mou", self.heads[p.code])

    def institutions(self, p: Profile) -> None:
        if self.reaches(p, "establish_institutions"):
            self.submit(p, "council_decree", COORDINATOR)
            self.submit(p, "implementation_team_decree", COORDINATOR)
            self.fire(p, "establish_institutions", COORDINATOR)

    def bimtek_1(self, p: Profile) -> None:
        for code, email in self.emails[p.code].items():
            if code != p.missing_questionnaire:
                self.submit(p, "questionnaire", email)
        self.submit(p, "buku_1", self.emails[p.code]["BAPPEDA"], note="first draft")
        self.fire(p, "close_bimtek_1", COORDINATOR)  # refused where an OPD is missing

    def bimtek_2(self, p: Profile) -> None:
        if self.reaches(p, "close_bimtek_2"):
            self.submit(p, "buku_1", self.emails[p.code]["BAPPEDA"], note="after review")
            self.submit(p, "programme_mapping", self.emails[p.code]["BAPPEDA"])
            self.fire(p, "close_bimtek_2", COORDINATOR)

    def bimtek_3(self, p: Profile) -> None:
        if self.reaches(p, "close_bimtek_3"):
            self.submit(p, "buku_2", self.emails[p.code]["BAPPEDA"], note="draft")
            self.submit(p, "quick_win_shortlist", self.emails[p.code]["DISKOMINFO"])
            self.fire(p, "close_bimtek_3", COORDINATOR)

    def bimtek_4(self, p: Profile) -> None:
        if self.reaches(p, "close_bimtek_4"):
            self.submit(p, "buku_2", self.emails[p.code]["BAPPEDA"], note="final")
            self.submit(p, "commitment_sheet", self.heads[p.code])
            self.submit_plan(p, "first plan")
            self.fire(p, "close_bimtek_4", COORDINATOR)

    def send_for_review(self, p: Profile) -> None:
        if self.reaches(p, "submit_for_review"):
            self.fire(p, "submit_for_review", self.emails[p.code]["DISKOMINFO"])

    def review_rounds(self, start: datetime) -> None:
        """Mentors decide three days after each (re)submission; a rejected plan comes back
        eight days later. Regions review in parallel, round by round, as the days pass."""
        reviewing = [p for p in PROFILES if self.reaches(p, "review")]
        for round_no in range(max(p.rejections for p in reviewing) + 1):
            first = 11 * round_no
            for i, p in enumerate(reviewing):
                mentor = next(m for m, (_, regs) in MENTORS.items() if p.code in regs)
                self.advance_to(start + timedelta(minutes=7 * i, days=first + 3))
                if round_no < p.rejections:
                    self.fire(p, "reject", mentor, comment=REVIEW_COMMENTS[round_no % 2])
                elif round_no == p.rejections and p.last_step != "review":
                    self.fire(p, "approve", mentor,
                              comment="Approved: quick wins are feasible within a year.")
            for i, p in enumerate(reviewing):
                last = round_no == p.rejections - 1 and p.last_step == "review"
                if round_no < p.rejections and not last:  # the last one still revising
                    self.advance_to(start + timedelta(minutes=7 * i, days=first + 11))
                    self.submit_plan(p, f"revision {round_no + 1}")
                    self.fire(p, "resubmit", self.emails[p.code]["DISKOMINFO"])

    # -- the last days -------------------------------------------------------------------

    def restart(self) -> None:
        """A late region's own deadline for the stage it stopped in (its head of region
        owes the commitment sheet by it); its Buku 2 comes in the same day."""
        p = self.profile(cast.RESTARTED_REGION)
        try:
            r = setting.set_region_deadline(
                self.prog, p.code, "bimtek_4", self.clock.now.astimezone(WIB).date(),
                working_days=cast.RESTART_WORKING_DAYS, actor=COORDINATOR,
                comment=cast.RESTART_COMMENT)
        except WorkflowError as exc:
            self.refused(p.code, "deadlines override", COORDINATOR, exc)
            return
        self.submit(p, "buku_2", self.emails[p.code]["BAPPEDA"], note="final")
        self.log("cli.demo.log.restart", region=p.code, due=local(r.due_at, r.tz))

    def late_review(self) -> None:
        """A late region's updated quick-win plan goes to its mentor at last."""
        p = self.profile(cast.LATE_REVIEW_REGION)
        before = self.report.transitions
        self.submit_plan(p, "updated plan")
        self.fire(p, "submit_for_review", self.emails[p.code]["DISKOMINFO"])
        if self.report.transitions > before:
            self.log("cli.demo.log.late_review", region=p.code)

    def ask_extension(self) -> None:
        code = EXTENSION_REGION
        calendar = working_calendar(self.prog.settings)
        until = calendar.add_working_days(self.clock.now.astimezone(WIB).date(),
                                          cast.EXTENSION_WORKING_DAYS)
        try:
            result = extensions.request_extension(
                self.prog, code, until, cast.EXTENSION_REASON,
                actor=self.emails[code]["DISKOMINFO"])
        except WorkflowError as exc:
            self.refused(code, "request_extension", self.emails[code]["DISKOMINFO"], exc)
            return
        self.extension = result.id
        self.log("cli.demo.log.extension_asked", region=code, id=result.id,
                 until=f"{result.requested_until.astimezone(WIB):%Y-%m-%d}")

    def decide_extension(self) -> None:
        if self.extension is None:
            return
        try:
            result = extensions.decide_extension(
                self.prog, self.extension, True, cast.EXTENSION_GRANTED, actor=COORDINATOR)
        except WorkflowError as exc:
            self.refused(EXTENSION_REGION, "decide_extension", COORDINATOR, exc)
            return
        self.log("cli.demo.log.extension_granted", id=result.id, region=result.region,
                 due=local(result.due_at, result.tz), version=result.version)

    def present(self, p: Profile) -> None:
        if self.reaches(p, "present"):
            self.submit(p, "presentation", self.heads[p.code])
            self.fire(p, "present", self.heads[p.code])

    def adopt(self, p: Profile) -> None:
        if self.reaches(p, "adopt"):
            self.submit(p, "regulation", COORDINATOR)
            self.fire(p, "adopt", COORDINATOR)

    # -- acting --------------------------------------------------------------------------

    def fire(self, p: Profile, trigger: str, who: str, comment: str | None = None) -> None:
        try:
            actions.advance(self.prog, p.code, trigger, who, comment=comment)
            self.report.transitions += 1
        except WorkflowError as exc:
            self.refused(p.code, trigger, who, exc)

    def refused(self, region: str, action: str, who: str, exc: WorkflowError) -> str:
        """Keep a refusal for the report, as one line; returns it."""
        line = text("cli.demo.refusal", region=region, action=action, who=who, reason=str(exc))
        self.report.refusals.append(line)
        return line

    def submit(self, p: Profile, deliverable: str, who: str, note: str | None = None) -> None:
        path = self._document(p.code, deliverable)
        actions.submit(self.prog, p.code, deliverable, path, who, note=note)
        self.report.submissions += 1

    def submit_plan(self, p: Profile, note: str) -> None:
        wins = self.inputs / f"{p.code}-quick-wins.csv"
        wins.write_text(
            "title,dimension,element,opd,description\n"
            "Online permits in one portal,governance,public_service,DISKOMINFO,"
            "Existing permit services joined into one portal\n"
            "Ambulance call centre 112,living,health,DINKES,Faster emergency response\n"
            "Real-time angkot tracking,living,mobility,DISHUB,Bus stops show arrivals\n",
            encoding="utf-8",
        )
        actions.submit(self.prog, p.code, "quick_win_plan", self._document(p.code, "plan"),
                       self.emails[p.code]["DISKOMINFO"], quick_wins=wins, note=note)
        self.report.submissions += 1

    def _document(self, region: str, deliverable: str) -> Path:
        # A small but real PDF; its content differs per upload so each version has its own hash.
        path = self.inputs / f"{region}-{deliverable}.pdf"
        stamp = f"{region} {deliverable} {self.clock.now.isoformat()}"
        path.write_bytes(b"%PDF-1.4\n% smartcity demo: " + stamp.encode() + b"\n%%EOF\n")
        return path


def _bind(method: Callable[..., None], *args: object) -> Callable[[], None]:
    return lambda: method(*args)


def _domain(name: str, kind: str) -> str:
    base = name.split(" ", 1)[1].lower().replace(" ", "")
    return f"{base}kab.go.id" if kind == "kabupaten" else f"{base}kota.go.id"
