"""Indonesia's three legal zones: UTC instants are shown in WIB, WITA or WIT, always labelled.

``workflows.zones.local`` converts an aware instant to a region's IANA zone and appends the
legal label; ``zone_of`` derives that label from the zone's offset (no daylight saving), and
every shipped region's declared zone agrees with it. No database needed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from workflows.directory.reference import shipped_regions
from workflows.zones import ZONES, local, zone_of

NOON_UTC = datetime(2026, 8, 17, 1, 0, tzinfo=UTC)  # 08:00 WIB on Independence Day


@pytest.mark.parametrize(("tz", "shown"), [
    ("Asia/Jakarta", "2026-08-17 08:00 WIB"),
    ("Asia/Pontianak", "2026-08-17 08:00 WIB"),
    ("Asia/Makassar", "2026-08-17 09:00 WITA"),
    ("Asia/Jayapura", "2026-08-17 10:00 WIT"),
])
def test_an_instant_is_shown_in_the_zone_with_its_label(tz: str, shown: str) -> None:
    assert local(NOON_UTC, tz) == shown


def test_the_date_changes_east_first() -> None:
    late = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)
    assert [local(late, tz) for tz in ZONES.values()] == [
        "2026-12-31 22:30 WIB", "2026-12-31 23:30 WITA", "2027-01-01 00:30 WIT"]


def test_the_same_instant_from_another_offset_renders_the_same() -> None:
    in_wit = datetime(2026, 8, 17, 10, 0, tzinfo=timezone(timedelta(hours=9)))
    assert local(in_wit, "Asia/Makassar") == local(NOON_UTC, "Asia/Makassar")


def test_a_custom_format_keeps_the_label() -> None:
    assert local(NOON_UTC, "Asia/Jayapura", "%d/%m/%Y pukul %H.%M") == "17/08/2026 pukul 10.00 WIT"


def test_there_is_no_daylight_saving() -> None:
    for tz in ZONES.values():
        offsets = {datetime(2026, month, 1, tzinfo=UTC).astimezone(ZoneInfo(tz)).utcoffset()
                   for month in range(1, 13)}
        assert len(offsets) == 1


def test_zone_labels_follow_the_offset() -> None:
    assert {label: zone_of(tz) for label, tz in ZONES.items()} == {
        "WIB": "WIB", "WITA": "WITA", "WIT": "WIT"}
    assert zone_of("Asia/Pontianak") == "WIB"
    assert zone_of("Europe/Amsterdam") == "Europe/Amsterdam"  # not an Indonesian zone


def test_every_shipped_region_declares_the_zone_of_its_tz() -> None:
    regions = shipped_regions()
    wrong = [(r.code, r.zone, r.tz) for r in regions if zone_of(r.tz) != r.zone]
    assert wrong == []
    by_code = {r.code: (r.zone, r.tz) for r in regions}
    assert by_code["64.71"] == ("WITA", "Asia/Makassar")  # Kota Balikpapan
    assert by_code["94.04"] == ("WIT", "Asia/Jayapura")  # Kabupaten Mimika
    assert by_code["62.02"] == ("WIB", "Asia/Pontianak")  # Kabupaten Kotawaringin Timur
    assert by_code["72.01"] == ("WITA", "Asia/Makassar")  # Kabupaten Banggai
