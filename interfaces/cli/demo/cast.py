"""Who takes part in the demo and what each region does: the cast and the script's dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from interfaces.cli.demo.timeline import Slot

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
    Profile("91.71", "close_bimtek_4"),               # Kota Jayapura, WIT (sent for review
    #                                                   in the last days: LATE_REVIEW_REGION)
    Profile("72.01", "review", rejections=1),         # Kabupaten Banggai, WITA (revising)
    Profile("73.71", "close_bimtek_3"),               # Kota Makassar, WITA (restarts bimtek
    #                                                   IV in the last days: RESTARTED_REGION)
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
EXTENSION_REGION = "72.01"  # Kabupaten Banggai, still revising
# The two rounds of evaluation returns, relative to the window each falls in (see
# timeline.Timeline.evaluations): (region, counted from the window's "open" or "close" day,
# days after it); the last return of the first round is too late and refused.
SLOTS = (
    Slot((("64.71", "open", 7), ("35.10", "open", 20), ("51.71", "close", 2)),
         scored=("close", 6)),
    Slot((("35.10", "open", 2), ("51.71", "open", 9), ("64.71", "open", 23)),
         scored=("close", 1)),
)
SCORES = {  # region -> scores of the five parts (scale 1-4), first and second round
    "64.71": [(3, 3, 3, 2, 4), (3, 4, 3, 3, 4)],
    "35.10": [(4, 3, 3, 3, 3), (4, 3, 3, 3, 4)],
    "51.71": [(3, 3, 2, 2, 3), (3, 3, 3, 2, 3)],
}

# -- the last days before today: late regions take up their work again -------------------------
#: Kota Makassar paused for its regional election; a coordinator gives it its own bimtek IV
#: deadline, so its head of region owes the commitment sheet in the days after the demo.
RESTARTED_REGION = "73.71"
RESTART_DAYS_BEFORE = 10
RESTART_WORKING_DAYS = 12  # after the day the coordinator sets it
RESTART_COMMENT = "Bimtek IV resumes after the regional election (Pilkada)."
#: Kota Jayapura sends its quick-win plan for review at last: its mentor has a review due.
LATE_REVIEW_REGION = "91.71"
LATE_REVIEW_DAYS_BEFORE = 3
#: Kabupaten Banggai, revising since the mentor's rejection, asks for more time and is given
#: it: its OPDs owe the revised plan in the days after the demo.
EXTENSION_ASKED_DAYS_BEFORE = 9  # three days or more apart: never the same working day
EXTENSION_DECIDED_DAYS_BEFORE = 6
EXTENSION_WORKING_DAYS = 15  # after the day it is asked
EXTENSION_REASON = "The revision needs the new budget year's figures for the health quick win"
EXTENSION_GRANTED = "Granted: send the revision by the new date."

REVIEW_COMMENTS = [
    "Quick win 2 builds new infrastructure; quick wins must improve existing services. "
    "Add baseline figures for the health quick win.",
    "Impact statistics are missing for the mobility quick win; name the responsible OPD.",
]


