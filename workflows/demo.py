"""A year of the programme, driven through the real engine on a simulated clock.

Eight real regions across WIB, WITA and WIT are selected into a cohort; coordinators advance
them, OPDs submit questionnaires, books and quick-win plans, mentors reject and then approve.
Regions move at different speeds (one OPD never sends its questionnaire, one region is still
revising), so the status table at the end looks like a real cohort in December.

Everything goes through :mod:`workflows.directory` and :mod:`workflows.actions`, the same
functions the command line calls: one transaction per action, refusals included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.errors import SmartCityError
from workflows import actions, directory, imports
from workflows.programme import Programme

COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
MENTORS = {
    "mentor.andi@itb.ac.id": ("Dr. Andi Prasetyo", ["64.71", "94.04", "91.71"]),
    "mentor.sari@ugm.ac.id": ("Dr. Sari Wulandari", ["72.01", "51.71", "73.71"]),
    "mentor.budi@ui.ac.id": ("Budi Santoso, M.T.", ["62.02", "35.10"]),
}
OPDS = [  # code, name, dimension of its pokja
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "governance"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "governance"),
    ("DINKES", "Dinas Kesehatan", "living"),
    ("DISHUB", "Dinas Perhubungan", "living"),
]


@dataclass(frozen=True)
class Profile:
    """How far a region gets this year and how its review goes."""

    code: str
    last_step: str
    rejections: int = 0
    missing_questionnaire: str | None = None


PROFILES = [
    Profile("64.71", "adopt", rejections=1),          # Kota Balikpapan, WITA
    Profile("94.04", "present", rejections=2),        # Kabupaten Mimika, WIT
    Profile("35.10", "adopt"),                        # Kabupaten Banyuwangi, WIB
    Profile("51.71", "adopt", rejections=1),          # Kota Denpasar, WITA
    Profile("91.71", "submit_for_review"),            # Kota Jayapura, WIT
    Profile("72.01", "review", rejections=1),         # Kabupaten Banggai, WITA (revising)
    Profile("73.71", "close_bimtek_3"),               # Kota Makassar, WITA
    Profile("62.02", "establish_institutions", missing_questionnaire="DISHUB"),  # WIB
]
STEPS = ["assess", "sign_mou", "establish_institutions", "close_bimtek_1", "close_bimtek_2",
         "close_bimtek_3", "close_bimtek_4", "submit_for_review", "review", "present", "adopt"]
REVIEW_COMMENTS = [
    "Quick win 2 builds new infrastructure; quick wins must improve existing services. "
    "Add baseline figures for the health quick win.",
    "Impact statistics are missing for the mobility quick win; name the responsible OPD.",
]


@dataclass
class SimulatedClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 12, 2, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: str, minutes: int = 0) -> None:
        # 02:00 UTC is 09:00 WIB, 10:00 WITA, 11:00 WIT: office hours everywhere.
        self.now = datetime.fromisoformat(f"{day}T02:00:00+00:00") + timedelta(minutes=minutes)


@dataclass
class DemoReport:
    cohort: str
    transitions: int = 0
    submissions: int = 0
    refusals: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


class Demo:
    """The scenario; :meth:`run` drives it and returns what happened."""

    def __init__(self, prog: Programme, clock: SimulatedClock, inputs: Path) -> None:
        self.prog, self.clock, self.inputs = prog, clock, inputs
        self.report = DemoReport(cohort="Smart City 2026")
        self.emails: dict[str, dict[str, str]] = {}
        self.heads: dict[str, str] = {}
        inputs.mkdir(parents=True, exist_ok=True)

    # -- setup ---------------------------------------------------------------------------

    def seed(self) -> None:
        prog = self.prog
        codes = [p.code for p in PROFILES]
        directory.create_cohort(prog, self.report.cohort, 2026)
        regions = directory.add_members(prog, self.report.cohort, codes)
        directory.add_person(prog, COORDINATOR, "Tim Koordinator 100 Smart City", "coordinator",
                             None)
        directory.add_person(prog, ASSESSOR, "Tim Penilai", "assessor", None)
        rows = ["region,code,name,email,dimension"]
        for region in regions:
            domain = _domain(region.name, region.kind)
            head = f"kepala.daerah@{domain}"
            title = "Bupati" if region.kind == "kabupaten" else "Wali Kota"
            directory.add_person(prog, head, f"{title} {region.name.split(' ', 1)[1]}",
                                 "head_of_region", region.code)
            self.heads[region.code] = head
            self.emails[region.code] = {}
            for code, name, dim in OPDS:
                email = f"{code.lower()}@{domain}"
                rows.append(f'{region.code},{code},"{name}",{email},{dim}')
                self.emails[region.code][code] = email
        opd_file = self.inputs / "opds.csv"
        opd_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
        directory.upsert_opds(prog, imports.parse_opds(opd_file, prog.dimensions))
        mentor_file = self.inputs / "mentors.csv"
        mentor_file.write_text("email,name,regions\n" + "".join(
            f'{email},"{name}",{";".join(regs)}\n' for email, (name, regs) in MENTORS.items()
        ), encoding="utf-8")
        directory.import_mentors(prog, imports.parse_mentors(mentor_file))
        self.report.log.append(
            f"{self.clock.now:%Y-%m-%d}  cohort {self.report.cohort!r}: {len(regions)} regions, "
            f"{len(regions) * len(OPDS)} OPDs, {len(MENTORS)} mentors"
        )

    # -- the year ------------------------------------------------------------------------

    def run(self) -> DemoReport:
        self.seed()
        calendar: list[tuple[str, str, Callable[[Profile], None]]] = [
            ("2026-01-19", "readiness assessments", self.assess),
            ("2026-03-03", "MoUs signed", self.sign_mou),
            ("2026-04-14", "institutions decreed; bimtek I opens", self.institutions),
            ("2026-07-07", "bimtek I closes (questionnaires)", self.bimtek_1),
            ("2026-08-04", "bimtek II closes (Buku 1, programme mapping)", self.bimtek_2),
            ("2026-09-01", "bimtek III closes (Buku 2 draft, quick-win shortlist)", self.bimtek_3),
            ("2026-10-13", "bimtek IV closes (commitment sheet, quick-win plan)", self.bimtek_4),
            ("2026-10-20", "quick-win plans sent to mentors", self.send_for_review),
            ("2026-11-03", "mentor review", self.review),
            ("2026-12-10", "presentations by the heads of region", self.present),
            ("2026-12-22", "master plans adopted", self.adopt),
        ]
        for day, what, step in calendar:
            before = self.report.transitions
            for i, profile in enumerate(PROFILES):
                self.clock.set(day, minutes=7 * i)
                step(profile)
            self.report.log.append(
                f"{day}  {what}: {self.report.transitions - before} transition(s)")
        return self.report

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

    def review(self, p: Profile) -> None:
        if not self.reaches(p, "review"):
            return
        mentor = next(m for m, (_, regs) in MENTORS.items() if p.code in regs)
        for round_no in range(p.rejections):
            self.clock.now += timedelta(days=3)
            self.fire(p, "reject", mentor, comment=REVIEW_COMMENTS[round_no % 2])
            if round_no == p.rejections - 1 and p.last_step == "review":
                return  # still revising in December
            self.clock.now += timedelta(days=8)
            self.submit_plan(p, f"revision {round_no + 1}")
            self.fire(p, "resubmit", self.emails[p.code]["DISKOMINFO"])
        self.clock.now += timedelta(days=3)
        self.fire(p, "approve", mentor, comment="Approved: quick wins are feasible within a year.")

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
        except SmartCityError as exc:
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


def _domain(name: str, kind: str) -> str:
    base = name.split(" ", 1)[1].lower().replace(" ", "")
    return f"{base}kab.go.id" if kind == "kabupaten" else f"{base}kota.go.id"
