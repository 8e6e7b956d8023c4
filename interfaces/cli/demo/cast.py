"""Who takes part in the demo and what each region does: the cast and the script's dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

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
# Cohort dates for the bimtek stages (WIB): the Friday after the coordinators close them, so
# only a region stuck in a stage goes overdue (and is escalated settings.escalation_days later).
COHORT_DEADLINES = [("bimtek_1", date(2026, 7, 10)), ("bimtek_2", date(2026, 8, 7)),
                    ("bimtek_3", date(2026, 9, 4)), ("bimtek_4", date(2026, 10, 16))]
STUCK_REGION = "62.02"  # Kabupaten Kotawaringin Timur: DISHUB never sends its questionnaire
TICK_TIME = time(1, 30)  # 08:30 WIB, 09:30 WITA, 10:30 WIT: after every zone's 08:00
END = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)
EXTENSION_REGION = "72.01"  # Kabupaten Banggai, still revising
EVALUATION_YEAR = 2027
# Returns per window: (region, day handed in); the last of the first window is too late.
RETURNS = {
    "2027-H1": [("64.71", "2027-06-08"), ("35.10", "2027-06-21"), ("51.71", "2027-07-02")],
    "2027-H2": [("35.10", "2027-11-03"), ("51.71", "2027-11-10"), ("64.71", "2027-11-24")],
}
SCORED_ON = {"2027-H1": "2027-07-06", "2027-H2": "2027-12-01"}
SCORES = {  # region -> scores of the five parts (scale 1-4), first and second window
    "64.71": [(3, 3, 3, 2, 4), (3, 4, 3, 3, 4)],
    "35.10": [(4, 3, 3, 3, 3), (4, 3, 3, 3, 4)],
    "51.71": [(3, 3, 2, 2, 3), (3, 3, 3, 2, 3)],
}
REVIEW_COMMENTS = [
    "Quick win 2 builds new infrastructure; quick wins must improve existing services. "
    "Add baseline figures for the health quick win.",
    "Impact statistics are missing for the mobility quick win; name the responsible OPD.",
]


