"""The coordinator's reminder preview page: the sweep's own list, a page at a time.

Kota Balikpapan (64.71, WITA) and Kota Semarang (33.74, WIB) are in the 2026 cohort, each
with a date for its assessment; the simulated clock starts on 5 Jan 2026 09:00 WIB.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

import interfaces.web.pages.reminders as reminders_page
from workflows.deadlines import preview, setting
from workflows.directory import registration

CODE, OTHER = "64.71", "33.74"


def dated(web: Web) -> None:
    web.world.region(OTHER)
    for code, day in ((CODE, date(2026, 1, 9)), (OTHER, date(2026, 1, 12))):
        setting.set_region_deadline(web.prog, code, "assessment", day,
                                    actor=web.world.COORDINATOR)


def test_the_page_lists_what_the_sweep_will_send(web: Web) -> None:
    dated(web)
    browser = web.browser(web.world.COORDINATOR)
    page = browser.get("/coordinator/reminders",
                       params={"from": "2026-01-05", "to": "2026-01-20"})
    assert page.status_code == 200, page.text
    with web.prog.db.read() as session:
        expected = preview.preview(web.prog, session, datetime(2026, 1, 4, 17, tzinfo=UTC),
                                   datetime(2026, 1, 20, 17, tzinfo=UTC),
                                   cohort=web.world.COHORT)
    assert expected and {m.email for m in expected} == {web.world.ASSESSOR,
                                                        web.world.COORDINATOR}
    text = page.text
    digests = sum(1 for m in expected if m.kind == "reminder_digest")
    assert (f"{digests} ringkasan pengingat dan {len(expected) - digests} eskalasi kepada 2 "
            "penerima") in text
    assert text.count("<tr>\n    <td>") == len(expected)  # one line per email
    for m in expected:
        assert f"{m.day.day} Jan 2026 08.00 WIB" in text  # programme staff: 08:00 WIB
    assert f'href="/regions/{CODE}"' in text and f'href="/regions/{OTHER}"' in text
    assert "Hasil asesmen kesiapan" in text and "Eskalasi" in text
    assert 'lang="id"' in text and "Pratinjau pengingat" in text
    # Linked from the coordinator page, per cohort.
    assert "/coordinator/reminders?cohort=Smart%20City%202026" in browser.get(
        "/coordinator").text


def test_a_regions_own_coordinator_sees_only_its_regions(web: Web) -> None:
    dated(web)
    own = "sekretariat.6471@pemda.go.id"
    registration.add_person(web.prog, own, "Sekretariat Smart City Balikpapan", "coordinator",
                            CODE)
    text = web.browser(own).get("/coordinator/reminders",
                                params={"from": "2026-01-05", "to": "2026-01-20"}).text
    assert f'href="/regions/{CODE}"' in text and f'href="/regions/{OTHER}"' not in text


def test_long_lists_come_a_page_at_a_time(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    dated(web)
    monkeypatch.setattr(reminders_page, "PAGE", 2)
    browser = web.browser(web.world.COORDINATOR)
    query = {"from": "2026-01-05", "to": "2026-01-20"}
    first = browser.get("/coordinator/reminders", params=query).text
    assert "Halaman 1 dari" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = browser.get("/coordinator/reminders", params={**query, "page": 999}).text
    assert 'rel="next"' not in last and 'rel="prev"' in last


@pytest.mark.parametrize(("query", "says"), [
    ({"from": "2026-02-30"}, "bukan tanggal: tulis dalam bentuk YYYY-MM-DD"),
    ({"from": "2026-03-01", "to": "2026-02-01"}, "hari terakhir lebih awal dari hari pertama"),
    ({"from": "2026-01-01", "to": "2027-06-01"}, "rentangnya lebih dari satu tahun"),
])
def test_bad_spans_are_refused(web: Web, query: dict[str, str], says: str) -> None:
    response = web.browser(web.world.COORDINATOR).get("/coordinator/reminders", params=query)
    assert response.status_code == 422 and says in response.text


@pytest.mark.parametrize("who", ["mentor", "opd", "head"])
def test_other_roles_get_403(web: Web, who: str) -> None:
    email: Any = {"mentor": web.region.mentor, "opd": web.region.opd,
                  "head": web.region.head}[who]
    assert web.browser(email).get("/coordinator/reminders").status_code == 403
