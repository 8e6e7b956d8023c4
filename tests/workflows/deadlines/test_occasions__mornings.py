"""Reminder mornings are counted on the calendar of the zone a deadline was announced in.

Pure arithmetic (:mod:`workflows.deadlines.occasions`): a national 23:59 WIB deadline on D is
reminded at 08:00 local on D-7, D-3 and D-1 in WIB, WITA and WIT alike (the same national
days, although in WIT the deadline is already 01:59 on D+1); a region's own date counts in its
own zone; the overdue notice is the first morning after the deadline; the escalation the first
morning at least three days after; nothing before the deadline was set, but a late region is
still told the next morning.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from config.settings import Settings
from workflows.deadlines import occasions
from workflows.deadlines.occasions import BEFORE, ESCALATION, OVERDUE

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
SETTINGS = Settings()
DUE = datetime(2026, 2, 20, 16, 59, tzinfo=UTC)  # 23:59 WIB on Friday 20 February
SET = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def _local(instants: list[occasions.Occasion], tz: str) -> list[tuple[str, str, int]]:
    return [(o.at.astimezone(ZoneInfo(tz)).strftime("%d %H:%M"), o.kind, o.days)
            for o in instants]


def test_a_national_deadline_is_reminded_on_the_same_national_days_everywhere() -> None:
    expected = [("13 08:00", BEFORE, 7), ("17 08:00", BEFORE, 3), ("19 08:00", BEFORE, 1),
                ("21 08:00", OVERDUE, 0)]
    for tz in (WIB, WITA, WIT):
        assert _local(occasions.reminders(SETTINGS, DUE, WIB, tz, SET), tz) == expected, tz
    # In UTC: WIT's morning comes first, WIB's last, on the same day.
    day_before = [occasions.reminders(SETTINGS, DUE, WIB, tz, SET)[2].at
                  for tz in (WIT, WITA, WIB)]
    assert day_before == [datetime(2026, 2, 18, 23, 0, tzinfo=UTC),
                          datetime(2026, 2, 19, 0, 0, tzinfo=UTC),
                          datetime(2026, 2, 19, 1, 0, tzinfo=UTC)]


def test_counting_from_the_local_date_would_warn_the_east_a_day_late() -> None:
    # What the announced day fixes: in WIT the deadline falls on 21 February, and counting
    # from there would put "1 day before" on the 20th, 18 hours before the deadline.
    assert DUE.astimezone(ZoneInfo(WIT)).date().isoformat() == "2026-02-21"
    one_day = occasions.reminders(SETTINGS, DUE, WIB, WIT, SET)[2]
    # 08:00 WIT on the 19th, as in the west: 42 hours ahead, not 18.
    assert DUE - one_day.at == timedelta(hours=41, minutes=59)


def test_a_regions_own_date_counts_in_its_own_zone() -> None:
    due = datetime(2026, 2, 20, 15, 59, tzinfo=UTC)  # 23:59 WITA
    assert _local(occasions.reminders(SETTINGS, due, WITA, WITA, SET), WITA)[2] == (
        "19 08:00", BEFORE, 1)


def test_nothing_before_it_was_set_but_a_late_region_is_told_the_next_morning() -> None:
    set_late = datetime(2026, 2, 18, 3, 0, tzinfo=UTC)  # 10:00 WIB on the 18th
    assert _local(occasions.reminders(SETTINGS, DUE, WIB, WIB, set_late), WIB) == [
        ("19 08:00", BEFORE, 1), ("21 08:00", OVERDUE, 0)]
    entered_after = datetime(2026, 2, 23, 3, 0, tzinfo=UTC)  # already three days late
    assert _local(occasions.reminders(SETTINGS, DUE, WIB, WITA, entered_after), WITA) == [
        ("24 08:00", OVERDUE, 0)]
    assert _local([occasions.escalation(SETTINGS, DUE, WIB, entered_after)], WIB) == [
        ("24 08:00", ESCALATION, 3)]


def test_escalation_and_the_next_morning_of_a_deadline() -> None:
    assert _local([occasions.escalation(SETTINGS, DUE, WIB, SET)], WIB) == [
        ("24 08:00", ESCALATION, 3)]
    zones = (WIT, WIB)
    after_wit = datetime(2026, 2, 18, 23, 0, tzinfo=UTC)  # WIT's day-before morning
    assert occasions.next_after(SETTINGS, DUE, WIB, zones, SET, after_wit) == datetime(
        2026, 2, 19, 1, 0, tzinfo=UTC)  # then WIB's
    last = occasions.every(SETTINGS, DUE, WIB, zones, SET)[-1]
    assert last.kind == ESCALATION
    assert occasions.next_after(SETTINGS, DUE, WIB, zones, SET, last.at) is None
