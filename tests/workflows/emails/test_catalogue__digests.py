"""The two digests: a reminder lists what its recipient owes, labelled by region and in order
of deadline, each with what to do, the stage, the deadline in the region's zone (and the zone
it was announced in alongside, only when that differs), how it stands and its link; an
escalation names each missed deadline and exactly the parties late on it, with what each
still owes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from notifications.render import RenderedEmail
from notifications.render import render_email as render_from
from workflows.emails.catalogue import EMAILS

LOCALES = EMAILS.locales
APP = "https://smartcity.example.go.id/l/"

MIMIKA = {"region_name": "Kabupaten Mimika", "region_code": "94.04"}
BALIKPAPAN = {"region_name": "Kota Balikpapan", "region_code": "64.71"}
BANDUNG = {"region_name": "Kota Bandung", "region_code": "32.73"}


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    return render_from(EMAILS, kind, locale, context)


def item(region: dict[str, str], stage: str, label: str, action: str, deadline: str,
         announced: str, days_left: int, link: str) -> dict[str, Any]:
    return {**region, "stage": stage, "label": label, "action": action,
            "deadline_local": deadline, "deadline_announced": announced,
            "days_left": days_left, "kind": "overdue" if days_left < 0 else "before",
            "link": APP + link}


# A mentor of three regions, in WIB; the items come in no particular order.
QUESTIONNAIRE = item(BALIKPAPAN, "Bimtek I", "Kuesioner OPD", "Unggah: Kuesioner OPD",
                     "2026-03-01 23:59 WITA", "2026-03-01 22:59 WIB", 5, "bpn-q")
PLAN_REVIEW = item(MIMIKA, "Pengajuan quick win", "Rencana quick win",
                   "Beri keputusan reviu: Rencana quick win",
                   "2026-02-20 23:59 WIT", "2026-02-20 21:59 WIB", -4, "mmk-review")
BOOK = item(BANDUNG, "Bimtek II", "Buku I: analisis situasi",
            "Unggah: Buku I: analisis situasi", "2026-02-24 23:59 WIB", "", 0, "bdg-book")
CLOSE_STAGE = item(BALIKPAPAN, "Bimtek I", "Penutupan tahap Bimtek I",
                   "Lakukan: Penutupan tahap Bimtek I", "2026-02-25 12:00 WITA", "", 1,
                   "bpn-close")


def mentor_digest() -> dict[str, Any]:
    return {"recipient_name": "Dr. Sari Wulandari", "zone": "WIB",
            "items": copy.deepcopy([QUESTIONNAIRE, PLAN_REVIEW, BOOK, CLOSE_STAGE]),
            "app_url": APP + "home"}


def opd_digest() -> dict[str, Any]:
    """An OPD of Balikpapan, in WITA: two items of its own region, none overdue."""
    return {"recipient_name": "Dinas Perhubungan (DISHUB)", "zone": "WITA",
            "items": copy.deepcopy([QUESTIONNAIRE, CLOSE_STAGE]), "app_url": APP + "opd"}


def escalation() -> dict[str, Any]:
    return {
        "recipient_name": "Koordinator Kementerian Kominfo",
        "zone": "WIB",
        "items": [
            {**BALIKPAPAN, "stage": "Bimtek I", "deadline_local": "2026-02-20 23:59 WITA",
             "deadline_announced": "2026-02-20 22:59 WIB", "days_left": -3,
             "days_overdue": 3,
             "late": [{"who": "Dinas Perhubungan (DISHUB)", "role": "OPD",
                       "label": "Kuesioner OPD"},
                      {"who": "belum ada yang terdaftar", "role": "Kepala daerah",
                       "label": "Persetujuan Kuesioner OPD"}]},
            {**MIMIKA, "stage": "Pengajuan quick win", "deadline_local": "2026-02-14 23:59 WIT",
             "deadline_announced": "", "days_left": -9, "days_overdue": 9,
             "late": [{"who": "Dr. Sari Wulandari", "role": "Mentor",
                       "label": "Review rencana quick win"}]},
        ],
    }


# --- reminder_digest ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_lists_every_item_with_region_action_stage_deadline_and_link(
    locale: str,
) -> None:
    ctx = mentor_digest()
    out = render_email("reminder_digest", locale, ctx)
    for it in ctx["items"]:
        for part in (out.text, out.html):
            assert f"{it['region_name']} ({it['region_code']})" in part
            assert it["action"] in part
            assert it["stage"] in part
            assert it["deadline_local"] in part
            assert it["link"] in part
        assert f'<a href="{it["link"]}">' in out.html
    assert "Dr. Sari Wulandari" in out.text
    # Grouped by region: one heading per region, never a region heading twice.
    assert out.html.count("<h2") == 3
    assert out.text.count("Kota Balikpapan (64.71)") == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_items_in_order_of_deadline_regions_by_their_most_urgent(locale: str) -> None:
    out = render_email("reminder_digest", locale, mentor_digest())
    for part in (out.text, out.html):
        order = [part.index(it["action"]) for it in (PLAN_REVIEW, BOOK, CLOSE_STAGE,
                                                    QUESTIONNAIRE)]
        assert order == sorted(order)
        regions = [part.index(r + " (") for r in ("Kabupaten Mimika", "Kota Bandung",
                                                 "Kota Balikpapan")]
        assert regions == sorted(regions)
    # Numbered across the groups.
    assert "1. Beri keputusan reviu: Rencana quick win" in out.text
    assert "2. Unggah: Buku I: analisis situasi" in out.text
    assert "3. Lakukan: Penutupan tahap Bimtek I" in out.text
    assert "4. Unggah: Kuesioner OPD" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_announced_zone_alongside_only_when_given(locale: str) -> None:
    out = render_email("reminder_digest", locale, mentor_digest())
    assert "2026-03-01 23:59 WITA (2026-03-01 22:59 WIB)" in out.text
    assert "2026-02-20 23:59 WIT (2026-02-20 21:59 WIB)" in out.text
    assert "2026-03-01 23:59 WITA<br><span" in out.html
    assert "(2026-03-01 22:59 WIB)</span>" in out.html
    # Not announced elsewhere: no brackets, nothing repeated.
    assert "2026-02-25 12:00 WITA\n" in out.text
    assert "2026-02-24 23:59 WIB\n" in out.text
    assert "2026-02-25 12:00 WITA</td>" in out.html
    assert "2026-02-24 23:59 WIB</td>" in out.html
    assert "()" not in out.text and "()" not in out.html
    explains = "tanda kurung" if locale == "id" else "in brackets"
    assert explains in out.text and explains in out.html


@pytest.mark.parametrize("locale", LOCALES)
def test_no_brackets_note_when_nothing_was_announced_elsewhere(locale: str) -> None:
    ctx = mentor_digest()
    for it in ctx["items"]:
        it["deadline_announced"] = ""
    out = render_email("reminder_digest", locale, ctx)
    for part in (out.text, out.html):
        assert "22:59 WIB" not in part and "21:59 WIB" not in part
        assert "tanda kurung" not in part and "in brackets" not in part
        assert "(WIB)" in part  # the recipient's zone, for counting days


def test_digest_indonesian_wording_across_regions() -> None:
    out = render_email("reminder_digest", "id", mentor_digest())
    assert out.subject == (
        "[Terlambat] Pengingat tenggat: 4 item di 3 daerah, "
        "batas waktu terdekat 2026-02-20 23:59 WIT"
    )
    assert "Yth. Dr. Sari Wulandari," in out.text
    assert "Berikut 4 item dari 3 daerah yang masih menunggu tindakan Anda" in out.text
    assert "1 di antaranya sudah melewati batas waktu." in out.text
    assert "Tahap: Pengajuan quick win" in out.text
    assert "Batas waktu: 2026-02-20 23:59 WIT (2026-02-20 21:59 WIB)" in out.text
    assert "Status: terlambat 4 hari" in out.text
    assert "Status: hari ini" in out.text
    assert "Status: 1 hari lagi" in out.text
    assert "Status: 5 hari lagi" in out.text
    assert f"Buka: {APP}mmk-review" in out.text
    assert f"Buka aplikasi: {APP}home" in out.text
    assert "zona waktu Anda (WIB)" in out.text
    assert "<title>Pengingat tenggat: 4 item di 3 daerah</title>" in out.html


def test_digest_english_wording_across_regions() -> None:
    out = render_email("reminder_digest", "en", mentor_digest())
    assert out.subject == (
        "[Overdue] Deadline reminder: 4 items in 3 regions, "
        "nearest deadline 2026-02-20 23:59 WIT"
    )
    assert "4 items in 3 regions are waiting for your action" in out.text
    assert "1 of them is past the deadline." in out.text
    assert "Deadline: 2026-03-01 23:59 WITA (2026-03-01 22:59 WIB)" in out.text
    assert "Status: 4 days overdue" in out.text
    assert "Status: today" in out.text
    assert "Status: in 1 day\n" in out.text
    assert "Status: in 5 days" in out.text
    assert f"Open: {APP}bdg-book" in out.text
    assert "your time zone (WIB)" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_of_one_region_names_it_in_the_subject(locale: str) -> None:
    out = render_email("reminder_digest", locale, opd_digest())
    if locale == "id":
        assert out.subject == ("Pengingat tenggat Kota Balikpapan: 2 item, "
                               "batas waktu terdekat 2026-02-25 12:00 WITA")
        assert ("Berikut 2 item untuk Kota Balikpapan (64.71) yang masih menunggu "
                "tindakan Anda") in out.text
        assert "terlambat" not in out.text + out.subject
        assert "zona waktu Anda (WITA)" in out.text
    else:
        assert out.subject == ("Deadline reminder for Kota Balikpapan: 2 items, "
                               "nearest deadline 2026-02-25 12:00 WITA")
        assert "Kota Balikpapan (64.71) has 2 items waiting for your action" in out.text
        assert "overdue" not in out.text + out.subject
        assert "past the deadline" not in out.text
    # One region: named once in the introduction, no per-region headings.
    assert out.text.count("Kota Balikpapan (64.71)") == 1
    assert "<h2" not in out.html
    assert "Kota Balikpapan" in out.html.split("<h1", 1)[1].split("</h1>", 1)[0]


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_of_two_regions_does_not_name_one_in_the_subject(locale: str) -> None:
    ctx = opd_digest()
    ctx["items"].append(copy.deepcopy(BOOK))
    out = render_email("reminder_digest", locale, ctx)
    assert "Balikpapan" not in out.subject and "Bandung" not in out.subject
    if locale == "id":
        assert out.subject == ("Pengingat tenggat: 3 item di 2 daerah, "
                               "batas waktu terdekat 2026-02-24 23:59 WIB")
    else:
        assert out.subject == ("Deadline reminder: 3 items in 2 regions, "
                               "nearest deadline 2026-02-24 23:59 WIB")


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_of_one_item(locale: str) -> None:
    ctx = opd_digest()
    ctx["items"] = ctx["items"][1:]
    ctx["app_url"] = None
    out = render_email("reminder_digest", locale, ctx)
    if locale == "id":
        assert out.subject == ("Pengingat tenggat Kota Balikpapan: 1 item, "
                               "batas waktu terdekat 2026-02-25 12:00 WITA")
        assert "Buka aplikasi" not in out.text + out.html
    else:
        assert out.subject == ("Deadline reminder for Kota Balikpapan: 1 item, "
                               "nearest deadline 2026-02-25 12:00 WITA")
        assert "has 1 item waiting" in out.text
        assert "Open the application" not in out.text + out.html
    # The item's own link stays; the general one is gone.
    assert out.html.count("<a ") == 1 and f"{APP}bpn-close" in out.html


def test_overdue_today_due_today_and_overdue_on_a_later_calendar_day() -> None:
    ctx = mentor_digest()
    ctx["items"][0]["days_left"] = 0  # before, due today
    ctx["items"][1]["days_left"] = 0  # overdue, passed earlier today
    ctx["items"][2].update(kind="overdue", days_left=1)  # passed; announced day is tomorrow
    id_ = render_email("reminder_digest", "id", ctx).text
    en = render_email("reminder_digest", "en", ctx).text
    assert "Status: hari ini" in id_
    assert "Status: terlambat (batas waktu hari ini sudah lewat)" in id_
    assert "Status: terlambat (batas waktu sudah lewat)" in id_
    assert "Status: today" in en
    assert "Status: overdue (the deadline passed today)" in en
    assert "Status: overdue (the deadline has passed)" in en
    assert "2 di antaranya sudah melewati batas waktu." in id_
    assert "2 of them are past the deadline." in en


@pytest.mark.parametrize("locale", LOCALES)
def test_overdue_item_is_marked_in_html(locale: str) -> None:
    out = render_email("reminder_digest", locale, mentor_digest())
    status = "terlambat 4 hari" if locale == "id" else "4 days overdue"
    assert f'color:#b42318;font-weight:bold;">{status}</td>' in out.html
    assert out.html.count('scope="col"') == 3 * 3  # three columns, per region table


# --- escalation --------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_escalation_names_exactly_the_late_parties_and_what_they_owe(locale: str) -> None:
    ctx = escalation()
    out = render_email("escalation", locale, ctx)
    for it in ctx["items"]:
        for part in (out.text, out.html):
            assert f"{it['region_name']} ({it['region_code']})" in part
            assert it["stage"] in part
            assert it["deadline_local"] in part
            for late in it["late"]:
                assert late["who"] in part and late["label"] in part
                assert f"{late['role']}:" in part
    for part in (out.text, out.html):
        # Each late party once; no blanket "the OPDs concerned" of the region.
        assert part.count("Dinas Perhubungan (DISHUB)") == 1
        assert part.count("Dr. Sari Wulandari") == 1
        assert "OPD terkait" not in part and "OPDs concerned" not in part
    if locale == "id":
        assert ("   - OPD: Dinas Perhubungan (DISHUB), masih harus menyelesaikan: "
                "Kuesioner OPD\n") in out.text
        assert ("   - Kepala daerah: belum ada yang terdaftar, masih harus menyelesaikan: "
                "Persetujuan Kuesioner OPD\n") in out.text
        assert "Terlambat: 9 hari" in out.text and "Terlambat: 3 hari" in out.text
        assert "menindaklanjuti dengan pihak-pihak tersebut" in out.text
        assert "perpanjangan batas waktu melalui aplikasi" in out.text
    else:
        assert ("   - Mentor: Dr. Sari Wulandari, still owes: Review rencana quick win\n"
                in out.text)
        assert "Overdue: 9 days" in out.text and "Overdue: 3 days" in out.text
        assert "follow up with the parties concerned" in out.text
        assert "grant an extension in the application" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_escalation_worst_first_with_announced_zone_alongside(locale: str) -> None:
    out = render_email("escalation", locale, escalation())
    for part in (out.text, out.html):
        assert part.index("Kabupaten Mimika (94.04)") < part.index("Kota Balikpapan (64.71)")
    assert "2026-02-20 23:59 WITA (2026-02-20 22:59 WIB)" in out.text
    assert "2026-02-14 23:59 WIT\n" in out.text
    assert "(2026-02-20 22:59 WIB)</span>" in out.html
    assert "<ul" in out.html and out.html.count("<li>") == 3
    assert out.html.count('scope="col"') == 4


def test_escalation_subjects() -> None:
    ctx = escalation()
    assert render_email("escalation", "id", ctx).subject == (
        "Eskalasi: 2 batas waktu terlewat di 2 daerah, terlambat hingga 9 hari")
    assert render_email("escalation", "en", ctx).subject == (
        "Escalation: 2 missed deadlines in 2 regions, up to 9 days overdue")
    ctx["items"] = ctx["items"][:1]
    assert render_email("escalation", "id", ctx).subject == (
        "Eskalasi Kota Balikpapan: 1 batas waktu terlewat, terlambat 3 hari")
    assert render_email("escalation", "en", ctx).subject == (
        "Escalation for Kota Balikpapan: 1 missed deadline, 3 days overdue")
    ctx["items"][0]["days_overdue"] = 1
    assert render_email("escalation", "en", ctx).subject.endswith(", 1 day overdue")


@pytest.mark.parametrize("locale", LOCALES)
def test_escalation_of_one_region_names_it_once_in_the_introduction(locale: str) -> None:
    ctx = escalation()
    ctx["items"][1].update(BALIKPAPAN)
    out = render_email("escalation", locale, ctx)
    assert "Kota Balikpapan" in out.subject and "Mimika" not in out.subject
    intro = "Batas waktu berikut untuk Kota Balikpapan (64.71)" if locale == "id" else (
        "The following deadlines for Kota Balikpapan (64.71) have passed")
    assert intro in out.text
    assert "tanda kurung" in out.text or "in brackets" in out.text
    ctx["items"][0]["deadline_announced"] = ""
    out = render_email("escalation", locale, ctx)
    assert "tanda kurung" not in out.text and "in brackets" not in out.text
    assert "(WIB)" in out.text
