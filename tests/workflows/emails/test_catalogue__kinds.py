"""Every email kind of the programme's catalogue renders in Bahasa Indonesia and English with
realistic data, names the region, the items, the deadlines in the recipient's zone (with WIB
alongside) and what to do; missing context keys, unknown kinds and unknown locales fail
loudly, and the template files match the catalogue's kinds and locales."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from jinja2.exceptions import UndefinedError

from notifications.render import RenderedEmail, environment
from notifications.render import render_email as render_from
from workflows.emails.catalogue import DEFAULT_LOCALE, EMAILS

KINDS, LOCALES, TEMPLATES_DIR = EMAILS.kinds, EMAILS.locales, EMAILS.templates


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    return render_from(EMAILS, kind, locale, context)

REGIONS: dict[str, dict[str, Any]] = {
    "mimika": {"region_name": "Kabupaten Mimika", "region_code": "94.04", "zone": "WIT"},
    "balikpapan": {"region_name": "Kota Balikpapan", "region_code": "64.71", "zone": "WITA"},
    "bandung": {"region_name": "Kota Bandung", "region_code": "32.73", "zone": "WIB"},
}

# The same three wall-clock instants (UTC 23:00, 23:00 and 08:00) in each zone.
DEADLINES = {
    "WIT": [
        ("2026-06-01 08:00 WIT", "2026-06-01 06:00 WIB"),
        ("2026-05-25 08:00 WIT", "2026-05-25 06:00 WIB"),
        ("2026-05-20 17:00 WIT", "2026-05-20 15:00 WIB"),
    ],
    "WITA": [
        ("2026-06-01 07:00 WITA", "2026-06-01 06:00 WIB"),
        ("2026-05-25 07:00 WITA", "2026-05-25 06:00 WIB"),
        ("2026-05-20 16:00 WITA", "2026-05-20 15:00 WIB"),
    ],
    "WIB": [
        ("2026-06-01 06:00 WIB", "2026-06-01 06:00 WIB"),
        ("2026-05-25 06:00 WIB", "2026-05-25 06:00 WIB"),
        ("2026-05-20 15:00 WIB", "2026-05-20 15:00 WIB"),
    ],
}


def digest_context(region: str) -> dict[str, Any]:
    r = REGIONS[region]
    (d1, w1), (d2, w2), (d3, w3) = DEADLINES[r["zone"]]
    return {
        "recipient_name": "Dinas Komunikasi dan Informatika",
        **r,
        "app_url": f"https://smartcity.example.go.id/regions/{r['region_code']}",
        "items": [
            {
                "label": "Kuesioner bimtek I",
                "stage": "Bimtek I",
                "deadline_local": d1,
                "deadline_wib": w1,
                "days_left": 7,
                "kind": "before",
                "action": "Isi dan kirim kuesioner bimtek I",
            },
            {
                "label": "Rencana quick win",
                "stage": "Pengajuan quick win",
                "deadline_local": d2,
                "deadline_wib": w2,
                "days_left": 1,
                "kind": "before",
                "action": "Unggah rencana quick win beserta dimensi dan elemennya",
            },
            {
                "label": "Buku I: analisis situasi",
                "stage": "Bimtek II",
                "deadline_local": d3,
                "deadline_wib": w3,
                "days_left": -3,
                "kind": "overdue",
                "action": "Unggah Buku I",
            },
        ],
    }


def escalation_context(region: str) -> dict[str, Any]:
    r = REGIONS[region]
    (d1, _), (d2, _), _ = DEADLINES[r["zone"]]
    return {
        "recipient_name": "Koordinator Diskominfo",
        **r,
        "items": [
            {
                "label": "Kuesioner bimtek I",
                "stage": "Bimtek I",
                "deadline_local": d1,
                "days_overdue": 2,
                "opd_name": "Badan Perencanaan Pembangunan Daerah",
            },
            {
                "label": "Buku I: analisis situasi",
                "stage": "Bimtek II",
                "deadline_local": d2,
                "days_overdue": 9,
                "opd_name": "Dinas Perhubungan",
            },
        ],
    }


def context_for(kind: str, region: str) -> dict[str, Any]:
    r = REGIONS[region]
    closes = DEADLINES[r["zone"]][0][0]
    if kind == "reminder_digest":
        return digest_context(region)
    if kind == "escalation":
        return escalation_context(region)
    if kind == "window_opened":
        return {
            "recipient_name": "Bappeda " + r["region_name"],
            "region_name": r["region_name"],
            "window_name": "Semester I 2026",
            "closes_local": closes,
        }
    if kind == "window_closing":
        return {
            "recipient_name": "Bappeda " + r["region_name"],
            "region_name": r["region_name"],
            "window_name": "Semester I 2026",
            "closes_local": closes,
            "days_left": 3,
        }
    if kind == "review_rejected":
        return {
            "recipient_name": "Diskominfo " + r["region_name"],
            "region_name": r["region_name"],
            "round": 2,
            "comment": "Analisis kesenjangan pada Buku II belum memuat data baseline 2025.",
            "mentor_name": "Dr. Sari Wulandari",
            "app_url": "https://smartcity.example.go.id/l/abc",
        }
    if kind == "review_requested":
        return {
            "recipient_name": "Dr. Sari Wulandari",
            "region_name": r["region_name"],
            "region_code": "64.71",
            "round": 2,
            "app_url": "https://smartcity.example.go.id/l/abc",
        }
    raise AssertionError(kind)


ALL = [
    pytest.param(kind, locale, region, id=f"{kind}-{locale}-{region}")
    for kind in KINDS
    for locale in LOCALES
    for region in ("mimika", "balikpapan")
]


@pytest.mark.parametrize(("kind", "locale", "region"), ALL)
def test_every_kind_renders_in_both_locales(kind: str, locale: str, region: str) -> None:
    ctx = context_for(kind, region)
    out = render_email(kind, locale, ctx)
    assert isinstance(out, RenderedEmail)
    assert out.subject and "\n" not in out.subject and out.subject == out.subject.strip()
    for part in (out.subject, out.text, out.html):
        assert ctx["region_name"] in part
    assert out.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{locale}">' in out.html
    assert "<" not in out.text  # the text part carries no markup of ours
    assert out.text.endswith("\n") and "\n\n\n" not in out.text
    assert "{{" not in out.text + out.html  # nothing left unrendered
    assert ctx["recipient_name"] in out.text
    # Natural language of the locale, not the other one.
    if locale == "id":
        assert "Yth." in out.text and "Hormat kami" in out.text and "Dear" not in out.text
    else:
        assert "Dear" in out.text and "Yth." not in out.text


@pytest.mark.parametrize("region", ["mimika", "balikpapan"])
@pytest.mark.parametrize("locale", LOCALES)
def test_digest_names_every_item_deadline_both_zones_and_action(locale: str, region: str) -> None:
    ctx = digest_context(region)
    out = render_email("reminder_digest", locale, ctx)
    for item in ctx["items"]:
        for part in (out.text, out.html):
            assert item["label"] in part
            assert item["stage"] in part
            assert item["deadline_local"] in part
            assert item["deadline_wib"] in part  # zone is not WIB: WIB alongside
            assert item["action"] in part
    # Subject: region, number of items, nearest (most urgent) deadline.
    nearest = ctx["items"][2]["deadline_local"]
    assert ctx["region_name"] in out.subject
    assert "3 item" in out.subject
    assert nearest in out.subject
    # Most urgent first in the body.
    labels = [item["label"] for item in ctx["items"]]
    positions = [out.text.index(label) for label in labels]
    assert positions[2] < positions[1] < positions[0]


def test_digest_indonesian_wording() -> None:
    out = render_email("reminder_digest", "id", digest_context("mimika"))
    assert out.subject == (
        "[Terlambat] Pengingat tenggat Kabupaten Mimika: 3 item, "
        "batas waktu terdekat 2026-05-20 17:00 WIT"
    )
    assert "Batas waktu: 2026-06-01 08:00 WIT (2026-06-01 06:00 WIB)" in out.text
    assert "Status: 7 hari lagi" in out.text
    assert "Status: 1 hari lagi" in out.text
    assert "Status: terlambat 3 hari" in out.text
    assert "Yang perlu dilakukan: Isi dan kirim kuesioner bimtek I" in out.text
    assert "Mohon segera" in out.text
    assert "1 di antaranya sudah melewati batas waktu" in out.text
    assert "Kabupaten Mimika (94.04)" in out.text
    assert "Buka aplikasi: https://smartcity.example.go.id/regions/94.04" in out.text


def test_digest_english_wording_and_plurals() -> None:
    out = render_email("reminder_digest", "en", digest_context("balikpapan"))
    assert out.subject == (
        "[Overdue] Deadline reminder for Kota Balikpapan: 3 items, "
        "nearest deadline 2026-05-20 16:00 WITA"
    )
    assert "Deadline: 2026-06-01 07:00 WITA (2026-06-01 06:00 WIB)" in out.text
    assert "Status: in 7 days" in out.text
    assert "Status: in 1 day\n" in out.text
    assert "Status: 3 days overdue" in out.text
    assert "1 of them is past the deadline" in out.text


def test_digest_of_one_item_before_deadline_has_no_overdue_marker() -> None:
    ctx = digest_context("mimika")
    ctx["items"] = ctx["items"][:1]
    ctx["app_url"] = None
    id_, en = render_email("reminder_digest", "id", ctx), render_email("reminder_digest", "en", ctx)
    assert id_.subject == (
        "Pengingat tenggat Kabupaten Mimika: 1 item, batas waktu terdekat 2026-06-01 08:00 WIT"
    )
    assert en.subject == (
        "Deadline reminder for Kabupaten Mimika: 1 item, nearest deadline 2026-06-01 08:00 WIT"
    )
    assert "terlambat" not in id_.text and "overdue" not in en.text
    # app_url None: no link at all.
    assert "Buka aplikasi" not in id_.text and "Buka aplikasi" not in id_.html
    assert "Open the application" not in en.text and "<a " not in en.html


def test_digest_overdue_today_and_due_today() -> None:
    ctx = digest_context("mimika")
    ctx["items"][0]["days_left"] = 0  # before, due today
    ctx["items"][2]["days_left"] = 0  # overdue, passed earlier today
    id_ = render_email("reminder_digest", "id", ctx).text
    en = render_email("reminder_digest", "en", ctx).text
    assert "Status: hari ini" in id_
    assert "Status: terlambat (batas waktu hari ini sudah lewat)" in id_
    assert "Status: today" in en
    assert "Status: overdue (the deadline passed today)" in en


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_in_wib_region_does_not_repeat_wib(locale: str) -> None:
    ctx = digest_context("bandung")
    out = render_email("reminder_digest", locale, ctx)
    assert "(2026-06-01 06:00 WIB)" not in out.text
    assert out.text.count("2026-06-01 06:00 WIB") == 1
    assert out.html.count("2026-06-01 06:00 WIB") == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_escalation_names_each_opd_and_days_overdue(locale: str) -> None:
    ctx = escalation_context("balikpapan")
    out = render_email("escalation", locale, ctx)
    for item in ctx["items"]:
        for part in (out.text, out.html):
            assert item["opd_name"] in part
            assert item["label"] in part
            assert item["deadline_local"] in part
    assert "2 item" in out.subject
    assert "9" in out.subject  # the worst delay
    # Worst first.
    assert out.text.index("Dinas Perhubungan") < out.text.index("Badan Perencanaan")
    if locale == "id":
        assert out.subject.startswith("Eskalasi Kota Balikpapan")
        assert "Terlambat: 9 hari" in out.text and "Mohon segera" in out.text
    else:
        assert out.subject == (
            "Escalation for Kota Balikpapan: 2 items past the deadline, up to 9 days overdue"
        )
        assert "Overdue: 2 days" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_windows_name_window_close_time_and_days_left(locale: str) -> None:
    opened = render_email("window_opened", locale, context_for("window_opened", "mimika"))
    closing = render_email("window_closing", locale, context_for("window_closing", "mimika"))
    for out in (opened, closing):
        for part in (out.subject, out.text, out.html):
            assert "Semester I 2026" in part
            assert "2026-06-01 08:00 WIT" in part
    if locale == "id":
        assert "dibuka" in opened.subject
        assert "3 hari lagi" in closing.subject and "3 hari lagi" in closing.text
    else:
        assert "is open" in opened.subject
        assert "in 3 days" in closing.subject and "in 3 days" in closing.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_rejected_names_round_mentor_and_comment(locale: str) -> None:
    ctx = context_for("review_rejected", "balikpapan")
    out = render_email("review_rejected", locale, ctx)
    for part in (out.text, out.html):
        assert ctx["comment"] in part
        assert ctx["mentor_name"] in part
    assert "2" in out.subject and "Kota Balikpapan" in out.subject
    if locale == "id":
        assert out.subject == "Revisi diperlukan: review putaran 2 untuk Kota Balikpapan"
        assert "putaran review ke-2" in out.text
    else:
        assert out.subject == "Revision needed: review round 2 for Kota Balikpapan"


def test_template_files_match_kinds_and_locales() -> None:
    expected = {
        f"{locale}/{kind}.{part}"
        for locale in LOCALES
        for kind in KINDS
        for part in ("subject.txt", "txt", "html")
    }
    found = {
        p.relative_to(TEMPLATES_DIR).as_posix()
        for p in TEMPLATES_DIR.rglob("*")
        if p.is_file() and not p.name.startswith("_")
    }
    assert found == expected


def test_environment_is_cached_and_strict() -> None:
    env = environment(TEMPLATES_DIR)
    assert env is environment(TEMPLATES_DIR)
    assert env.trim_blocks and env.lstrip_blocks
    assert DEFAULT_LOCALE == "id" and DEFAULT_LOCALE in LOCALES


MISSING = [
    pytest.param(kind, key, locale, id=f"{kind}-{key}-{locale}")
    for kind, keys in KINDS.items()
    for key in keys
    for locale in LOCALES
]


@pytest.mark.parametrize(("kind", "key", "locale"), MISSING)
def test_missing_context_key_raises(kind: str, key: str, locale: str) -> None:
    ctx = context_for(kind, "mimika")
    assert key in ctx
    del ctx[key]
    with pytest.raises(UndefinedError, match=re.escape(key)):
        render_email(kind, locale, ctx)


@pytest.mark.parametrize(
    ("kind", "field"),
    [("reminder_digest", f) for f in ("action", "deadline_wib", "days_left", "stage", "label")]
    + [("escalation", f) for f in ("opd_name", "days_overdue")],
)
def test_missing_item_field_raises(kind: str, field: str) -> None:
    ctx = copy.deepcopy(context_for(kind, "balikpapan"))
    del ctx["items"][0][field]
    with pytest.raises(UndefinedError):
        render_email(kind, "id", ctx)


def test_unknown_kind_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown email kind 'reminder'") as err:
        render_email("reminder", "id", {})
    for kind in KINDS:
        assert kind in str(err.value)


def test_unknown_locale_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown locale 'jv'.*\bid\b.*\ben\b"):
        render_email("window_opened", "jv", context_for("window_opened", "mimika"))
    with pytest.raises(ValueError, match="unknown locale"):
        render_email("window_opened", "../id", context_for("window_opened", "mimika"))


@pytest.mark.parametrize("kind", ["reminder_digest", "escalation"])
def test_empty_item_list_is_refused(kind: str) -> None:
    ctx = context_for(kind, "mimika")
    ctx["items"] = []
    with pytest.raises(ValueError, match="at least one item"):
        render_email(kind, "id", ctx)
