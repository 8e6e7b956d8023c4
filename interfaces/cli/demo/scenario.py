"""A year of the programme, driven through the real engine on a simulated clock.

Eight real regions across WIB, WITA and WIT are selected into a cohort; coordinators advance
them, OPDs submit questionnaires, books and quick-win plans, mentors reject and then approve.
Regions move at different speeds (one OPD never sends its questionnaire, one region is still
revising), so the status table at the end looks like a real cohort in December.

The clock advances day by day from January 2026 to December 2027: once per simulated day (at
01:30 UTC, after the 08:00 reminder time of WIB, WITA and WIT) the scheduler's jobs run
(:func:`workflows.background.tick`: reminder digests, overdue escalations, evaluation
windows) and the ``deliver`` callback hands the due email to the SMTP server. Along the way
one OPD asks for an extension in revision and a coordinator grants it, and the regions in
implementation hand in their returns in both evaluation windows of 2027 and are scored and
ranked.

Everything goes through the programme's functions (:mod:`workflows.directory`,
:mod:`workflows.master_plan.actions`, :mod:`workflows.deadlines`, :mod:`workflows.evaluation`),
the same ones the command line calls: one transaction per action, refusals included. Who takes
part and what each region does is :mod:`interfaces.cli.demo.cast`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine import WorkflowError
from interfaces.cli.demo.cast import (
    ASSESSOR,
    COHORT_DEADLINES,
    COORDINATOR,
    END,
    EVALUATION_YEAR,
    EXTENSION_REGION,
    MENTORS,
    OPDS,
    PROFILES,
    RETURNS,
    REVIEW_COMMENTS,
    SCORED_ON,
    SCORES,
    STEPS,
    TICK_TIME,
    Profile,
)
from interfaces.cli.demo.outcome import DemoReport, SimulatedClock, check_digests
from workflows import background, roles
from workflows.deadlines import extensions, setting
from workflows.directory import cohorts, imports, registration
from workflows.evaluation import PARTS, returns, scores, windows
from workflows.master_plan import actions
from workflows.programme import Programme
from workflows.zones import local


class Demo:
    """The scenario; :meth:`run` drives it and returns what happened."""

    def __init__(self, prog: Programme, clock: SimulatedClock, inputs: Path,
                 deliver: Callable[[], int] | None = None,
                 observe: Callable[[background.TickReport], None] | None = None) -> None:
        self.prog, self.clock, self.inputs = prog, clock, inputs
        self.deliver = deliver
        self.observe = observe  # sees each day's jobs' report, before delivery (tests)
        self.extension: int | None = None
        self.window_status: dict[str, str] = {}
        self.next_tick = datetime.combine(clock.now.date() + timedelta(days=1), TICK_TIME, UTC)
        self.report = DemoReport(cohort="Smart City 2026")
        self.emails: dict[str, dict[str, str]] = {}
        self.heads: dict[str, str] = {}
        inputs.mkdir(parents=True, exist_ok=True)

    # -- setup ---------------------------------------------------------------------------

    def seed(self) -> None:
        prog = self.prog
        codes = [p.code for p in PROFILES]
        cohorts.create_cohort(prog, self.report.cohort, 2026)
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
        self.report.log.append(
            f"{self.clock.now:%Y-%m-%d}  cohort {self.report.cohort!r}: {len(regions)} regions, "
            f"{len(regions) * len(OPDS)} OPDs, {len(MENTORS)} mentors"
        )
        for state, due in COHORT_DEADLINES:
            setting.set_cohort_deadline(prog, self.report.cohort, state, due,
                                        actor=COORDINATOR)
        planned = windows.ensure_windows(prog, EVALUATION_YEAR)
        self.report.log.append(
            f"{self.clock.now:%Y-%m-%d}  cohort deadlines for bimtek I-IV; evaluation windows "
            f"{', '.join(w.name for w in planned)} planned")

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
                    self.report.log.append(
                        f"{self.clock.now:%Y-%m-%d}  evaluation window {name} {status}")
            self.window_status = found
        if self.deliver is not None:
            self.report.delivered += self.deliver()

    # -- the year ------------------------------------------------------------------------

    def run(self) -> DemoReport:
        self.seed()
        each = self.each
        calendar: list[tuple[str, str | None, Callable[[str], None]]] = [
            ("2026-01-19", "readiness assessments", each(self.assess)),
            ("2026-03-03", "MoUs signed", each(self.sign_mou)),
            ("2026-04-14", "institutions decreed; bimtek I opens", each(self.institutions)),
            ("2026-07-07", "bimtek I closes (questionnaires)", each(self.bimtek_1)),
            ("2026-08-04", "bimtek II closes (Buku 1, programme mapping)", each(self.bimtek_2)),
            ("2026-09-01", "bimtek III closes (Buku 2 draft, quick-win shortlist)",
             each(self.bimtek_3)),
            ("2026-10-13", "bimtek IV closes (commitment sheet, quick-win plan)",
             each(self.bimtek_4)),
            ("2026-10-20", "quick-win plans sent to mentors", each(self.send_for_review)),
            ("2026-11-03", "mentor review", self.review_rounds),
            ("2026-11-27", None, self.ask_extension),
            ("2026-11-30", None, self.decide_extension),
            ("2026-12-10", "presentations by the heads of region", each(self.present)),
            ("2026-12-22", "master plans adopted", each(self.adopt)),
        ]
        for day, what, step in calendar:
            before = self.report.transitions
            step(day)
            if what is not None:
                self.report.log.append(
                    f"{day}  {what}: {self.report.transitions - before} transition(s)")
        for window in RETURNS:
            self.evaluate(window)
        self.advance_to(END)
        return self.report

    def each(self, step: Callable[[Profile], None]) -> Callable[[str], None]:
        """The step for every region on ``day``, a few minutes apart."""
        def run(day: str) -> None:
            for i, profile in enumerate(PROFILES):
                self.advance_to(_at(day, 7 * i))
                step(profile)
        return run

    def reaches(self, profile: Profile, step: str) -> bool:
        return STEPS.index(step) <= STEPS.index(profile.last_step)

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

    def review_rounds(self, day: str) -> None:
        """Mentors decide three days after each (re)submission; a rejected plan comes back
        eight days later. Regions review in parallel, round by round, as the days pass."""
        reviewing = [p for p in PROFILES if self.reaches(p, "review")]
        for round_no in range(max(p.rejections for p in reviewing) + 1):
            start = 11 * round_no
            for i, p in enumerate(reviewing):
                mentor = next(m for m, (_, regs) in MENTORS.items() if p.code in regs)
                self.advance_to(_at(day, 7 * i) + timedelta(days=start + 3))
                if round_no < p.rejections:
                    self.fire(p, "reject", mentor, comment=REVIEW_COMMENTS[round_no % 2])
                elif round_no == p.rejections and p.last_step != "review":
                    self.fire(p, "approve", mentor,
                              comment="Approved: quick wins are feasible within a year.")
            for i, p in enumerate(reviewing):
                last = round_no == p.rejections - 1 and p.last_step == "review"
                if round_no < p.rejections and not last:  # the last one still revising
                    self.advance_to(_at(day, 7 * i) + timedelta(days=start + 11))
                    self.submit_plan(p, f"revision {round_no + 1}")
                    self.fire(p, "resubmit", self.emails[p.code]["DISKOMINFO"])

    def ask_extension(self, day: str) -> None:
        self.advance_to(_at(day))
        code = EXTENSION_REGION
        try:
            result = extensions.request_extension(
                self.prog, code, date(2027, 1, 29),
                "Revision needs the 2027 budget figures for the health quick win",
                actor=self.emails[code]["DISKOMINFO"])
        except WorkflowError as exc:
            self.report.refusals.append(f"{code} request_extension: {exc}")
            return
        self.extension = result.id
        self.report.log.append(f"{day}  {code} asks to extend revision (request "
                               f"#{result.id}) to {result.requested_until:%Y-%m-%d}")

    def decide_extension(self, day: str) -> None:
        self.advance_to(_at(day))
        if self.extension is None:
            return
        try:
            result = extensions.decide_extension(
                self.prog, self.extension, True, "Granted: send the revision by the new date.",
                actor=COORDINATOR)
        except WorkflowError as exc:
            self.report.refusals.append(f"{EXTENSION_REGION} decide_extension: {exc}")
            return
        self.report.log.append(
            f"{day}  extension #{result.id} {result.status}: {result.region} revision due "
            f"{local(result.due_at, result.tz)} (deadline v{result.version}, reminders re-armed)")

    def evaluate(self, window: str) -> None:
        """Returns during the window (the late one refused), then the assessor's scores."""
        for code, day in RETURNS[window]:
            self.advance_to(_at(day))
            who = self.emails[code]["BAPPEDA"]
            try:
                returns.submit_return(self.prog, code, window, who)
                self.report.log.append(f"{day}  {code} hands in its return for {window}")
            except WorkflowError as exc:
                line = f"{code} submit_return {window} by {who}: {exc}"
                self.report.refusals.append(line)
                self.report.log.append(f"{day}  refused: {line}")
        self.advance_to(_at(SCORED_ON[window]))
        scored = 0
        position = list(RETURNS).index(window)
        for code, _ in RETURNS[window]:
            for part, value in zip(PARTS, SCORES[code][position], strict=True):
                try:
                    scores.score(self.prog, code, window, part, value, ASSESSOR)
                    scored += 1
                except WorkflowError:
                    break  # no return, nothing to score
        self.report.rankings[window] = scores.ranking(self.prog, self.report.cohort, window)
        self.report.log.append(f"{SCORED_ON[window]}  {window}: {scored} part score(s) by "
                               f"{ASSESSOR}")

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
            self.report.refusals.append(f"{p.code} {trigger} by {who}: {exc}")

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


def _at(day: str, minutes: int = 0) -> datetime:
    # 02:00 UTC is 09:00 WIB, 10:00 WITA, 11:00 WIT: office hours everywhere.
    return datetime.fromisoformat(f"{day}T02:00:00+00:00") + timedelta(minutes=minutes)


def _domain(name: str, kind: str) -> str:
    base = name.split(" ", 1)[1].lower().replace(" ", "")
    return f"{base}kab.go.id" if kind == "kabupaten" else f"{base}kota.go.id"
