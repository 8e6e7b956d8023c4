"""Every email kind of the programme's catalogue renders in Bahasa Indonesia and English with
realistic data for regions in the three zones (Kabupaten Mimika in WIT, Kota Balikpapan in
WITA, Kota Bandung in WIB); the window, review and extension notices say what they must (the
digests' content is in ``test_catalogue__digests``). Missing context keys or item fields,
unknown kinds and unknown locales fail loudly, an empty digest is refused, and the template
files match the catalogue's kinds and locales."""

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
NEW_KINDS = ("review_approved", "extension_requested", "extension_decided")


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    return render_from(EMAILS, kind, locale, context)


REGIONS: dict[str, dict[str, str]] = {
    "mimika": {"region_name": "Kabupaten Mimika", "region_code": "94.04", "zone": "WIT"},
    "balikpapan": {"region_name": "Kota Balikpapan", "region_code": "64.71", "zone": "WITA"},
    "bandung": {"region_name": "Kota Bandung", "region_code": "32.73", "zone": "WIB"},
}

# Three deadlines per zone: (in the region's zone, in the zone it was announced in or "").
# The first was announced nationally in WIB; the others in the region's own zone.
DEADLINES: dict[str, list[tuple[str, str]]] = {
    "WIT": [("2026-03-02 01:59 WIT", "2026-03-01 23:59 WIB"),
            ("2026-02-25 14:00 WIT", ""), ("2026-02-20 23:59 WIT", "")],
    "WITA": [("2026-03-02 00:59 WITA", "2026-03-01 23:59 WIB"),
             ("2026-02-25 13:00 WITA", ""), ("2026-02-20 23:59 WITA", "")],
    "WIB": [("2026-03-01 23:59 WIB", ""),
            ("2026-02-25 12:00 WIB", ""), ("2026-02-20 23:59 WIB", "")],
}

APP = "https://smartcity.example.go.id/l/"


def region_of(region: str) -> dict[str, str]:
    r = REGIONS[region]
    return {"region_name": r["region_name"], "region_code": r["region_code"]}


def digest_context(region: str) -> dict[str, Any]:
    """An OPD's digest: three items of its own region, in the region's zone."""
    r = REGIONS[region]
    (d1, a1), (d2, a2), (d3, a3) = DEADLINES[r["zone"]]
    return {
        "recipient_name": "Dinas Komunikasi dan Informatika (DISKOMINFO)",
        "zone": r["zone"],
        "app_url": APP + "home",
        "items": [
            {**region_of(region), "stage": "Bimtek I", "label": "Kuesioner OPD",
             "action": "Unggah: Kuesioner OPD", "deadline_local": d1,
             "deadline_announced": a1, "days_left": 7, "kind": "before", "link": APP + "q1"},
            {**region_of(region), "stage": "Pengajuan quick win",
             "label": "Rencana quick win", "action": "Unggah: Rencana quick win",
             "deadline_local": d2, "deadline_announced": a2, "days_left": 1,
             "kind": "before", "link": APP + "qw"},
            {**region_of(region), "stage": "Bimtek II", "label": "Buku I: analisis situasi",
             "action": "Unggah: Buku I: analisis situasi", "deadline_local": d3,
             "deadline_announced": a3, "days_left": -3, "kind": "overdue",
             "link": APP + "b1"},
        ],
    }


def escalation_context(region: str) -> dict[str, Any]:
    """A coordinator's escalation: two missed deadlines of one region, with who is late."""
    r = REGIONS[region]
    (d1, a1), (d2, a2), _ = DEADLINES[r["zone"]]
    return {
        "recipient_name": "Koordinator Kementerian Kominfo",
        "zone": "WIB",
        "items": [
            {**region_of(region), "stage": "Bimtek I", "deadline_local": d1,
             "deadline_announced": a1, "days_left": -2, "days_overdue": 2,
             "late": [{"who": "Dinas Perhubungan (DISHUB)", "role": "OPD",
                       "label": "Kuesioner OPD"}]},
            {**region_of(region), "stage": "Pengajuan quick win", "deadline_local": d2,
             "deadline_announced": a2, "days_left": -9, "days_overdue": 9,
             "late": [{"who": "belum ada yang terdaftar", "role": "Kepala daerah",
                       "label": "Persetujuan rencana quick win"}]},
        ],
    }


def context_for(kind: str, region: str) -> dict[str, Any]:
    r = REGIONS[region]
    name, code, zone = r["region_name"], r["region_code"], r["zone"]
    closes = DEADLINES[zone][0][0]
    if kind == "reminder_digest":
        return digest_context(region)
    if kind == "escalation":
        return escalation_context(region)
    if kind == "window_opened":
        return {"recipient_name": "Bappeda " + name, "region_name": name,
                "window_name": "Semester I 2026", "closes_local": closes}
    if kind == "window_closing":
        return {"recipient_name": "Bappeda " + name, "region_name": name,
                "window_name": "Semester I 2026", "closes_local": closes, "days_left": 3}
    if kind == "review_requested":
        return {"recipient_name": "Dr. Sari Wulandari", "region_name": name,
                "region_code": code, "round": 2, "app_url": APP + "queue"}
    if kind == "review_rejected":
        return {"recipient_name": "Diskominfo " + name, "region_name": name, "round": 2,
                "comment": "Analisis kesenjangan pada Buku II belum memuat data baseline 2025.",
                "mentor_name": "Dr. Sari Wulandari", "revision_due": f"2026-05-01 23:59 {zone}",
                "app_url": APP + "opd"}
    if kind == "review_approved":
        return {"recipient_name": "Diskominfo " + name, "region_name": name, "round": 3,
                "comment": "Rencana sudah baik; pertahankan target layanan publik digital.",
                "mentor_name": "Dr. Sari Wulandari", "next_stage": "Presentasi",
                "app_url": APP + "opd"}
    if kind == "extension_requested":
        return {"recipient_name": "Koordinator Kementerian Kominfo", "region_name": name,
                "region_code": code, "requester_name": "Budi Santoso (Diskominfo)",
                "stage": "Bimtek II", "due_local": f"2026-03-01 23:59 {zone}",
                "requested_local": f"2026-03-15 23:59 {zone}",
                "reason": "Data baseline dari BPS baru tersedia pada pertengahan Maret.",
                "request_id": 17, "app_url": APP + "coordinator"}
    if kind == "extension_decided":
        return {"recipient_name": "Budi Santoso", "region_name": name, "region_code": code,
                "stage": "Bimtek II", "granted": True,
                "comment": "Disetujui; mohon tidak diperpanjang lagi.",
                "due_local": f"2026-03-15 23:59 {zone}",
                "requested_local": f"2026-03-15 23:59 {zone}",
                "request_id": 17, "app_url": APP + "home"}
    if kind == "account_invite":
        return {"recipient_name": "Bappeda " + name, "email": f"bappeda.{code}@pemda.go.id",
                "role": "OPD", "region_name": name, "inviter_name": "Tim Koordinator",
                "app_url": "https://smartcity.example.go.id/password/abc",
                "expires": f"Senin, 2 Maret 2026 pukul 01.59 {zone}",
                "login_url": "https://smartcity.example.go.id/login"}
    if kind == "password_reset":
        return {"recipient_name": "Bappeda " + name, "email": f"bappeda.{code}@pemda.go.id",
                "app_url": "https://smartcity.example.go.id/password/abc",
                "expires": f"Senin, 2 Maret 2026 pukul 01.59 {zone}"}
    raise AssertionError(kind)


#: Emails about an account, not about a region: they need not name one.
ACCOUNT_KINDS = ("account_invite", "password_reset")


def region_names(kind: str, ctx: dict[str, Any]) -> set[str]:
    if kind in EMAILS.digests:
        return {item["region_name"] for item in ctx["items"]}
    if kind in ACCOUNT_KINDS:
        return set()
    return {ctx["region_name"]}


ALL = [
    pytest.param(kind, locale, region, id=f"{kind}-{locale}-{region}")
    for kind in KINDS
    for locale in LOCALES
    for region in REGIONS
]


@pytest.mark.parametrize(("kind", "locale", "region"), ALL)
def test_every_kind_renders_in_both_locales(kind: str, locale: str, region: str) -> None:
    ctx = context_for(kind, region)
    out = render_email(kind, locale, ctx)
    assert isinstance(out, RenderedEmail)
    assert out.subject and "\n" not in out.subject and out.subject == out.subject.strip()
    for name in region_names(kind, ctx):
        for part in (out.subject, out.text, out.html):
            assert name in part
    assert out.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{locale}">' in out.html
    assert "<" not in out.text  # the text part carries no markup of ours
    assert out.text.endswith("\n") and "\n\n\n" not in out.text
    assert "{{" not in out.text + out.html  # nothing left unrendered
    assert ctx["recipient_name"] in out.text and ctx["recipient_name"] in out.html
    # No raw keys, no Python values, no command hints.
    for key in ctx:
        if "_" in key:
            assert key not in out.subject + out.text + out.html
    for leak in ("None", "True", "False", "deadline_", "region_code"):
        assert leak not in out.subject + out.text
    assert not re.search(r"\bsmartcity\s+\w", out.text + out.html)
    # Natural language of the locale, not the other one, and the footer.
    if locale == "id":
        assert "Yth." in out.text and "Hormat kami" in out.text and "Dear" not in out.text
        assert "Tim Gerakan Menuju 100 Smart City" in out.text
        assert "Email ini dikirim otomatis" in out.text and "Email ini dikirim otomatis" in out.html
    else:
        assert "Dear" in out.text and "Kind regards" in out.text and "Yth." not in out.text
        assert "This email was sent automatically" in out.html


@pytest.mark.parametrize("locale", LOCALES)
def test_windows_name_window_close_time_and_days_left(locale: str) -> None:
    opened = render_email("window_opened", locale, context_for("window_opened", "mimika"))
    closing = render_email("window_closing", locale, context_for("window_closing", "mimika"))
    for out in (opened, closing):
        for part in (out.subject, out.text, out.html):
            assert "Semester I 2026" in part
            assert "2026-03-02 01:59 WIT" in part
    if locale == "id":
        assert "dibuka" in opened.subject
        assert "3 hari lagi" in closing.subject and "3 hari lagi" in closing.text
    else:
        assert "is open" in opened.subject
        assert "in 3 days" in closing.subject and "in 3 days" in closing.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_requested_names_region_code_and_round(locale: str) -> None:
    out = render_email("review_requested", locale, context_for("review_requested", "bandung"))
    for part in (out.text, out.html):
        assert "Kota Bandung (32.73)" in part
        assert APP + "queue" in part
    if locale == "id":
        assert out.subject == "Menunggu reviu Anda: rencana quick win Kota Bandung (putaran 2)"
        assert "putaran ke-2" in out.text
    else:
        assert out.subject == (
            "Waiting for your review: the quick-win plan of Kota Bandung (round 2)")
        assert "review round 2" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_rejected_names_round_mentor_comment_and_revision_due(locale: str) -> None:
    ctx = context_for("review_rejected", "balikpapan")
    out = render_email("review_rejected", locale, ctx)
    for part in (out.text, out.html):
        assert ctx["comment"] in part
        assert ctx["mentor_name"] in part
        assert "2026-05-01 23:59 WITA" in part
    if locale == "id":
        assert out.subject == ("Revisi diperlukan: reviu putaran 2 untuk Kota Balikpapan, "
                               "kirim kembali paling lambat 2026-05-01 23:59 WITA")
        assert "putaran reviu ke-2" in out.text
        assert ("kirimkan kembali melalui aplikasi paling lambat 2026-05-01 23:59 WITA."
                in out.text)
        assert "<strong>paling lambat 2026-05-01 23:59 WITA</strong>" in out.html
    else:
        assert out.subject == ("Revision needed: review round 2 for Kota Balikpapan, "
                               "resubmit by 2026-05-01 23:59 WITA")
        assert "by 2026-05-01 23:59 WITA at the latest." in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_rejected_without_revision_due_names_no_deadline(locale: str) -> None:
    ctx = context_for("review_rejected", "balikpapan") | {"revision_due": ""}
    out = render_email("review_rejected", locale, ctx)
    for part in (out.subject, out.text, out.html):
        assert "2026-05-01" not in part
        assert "paling lambat" not in part and "by  " not in part
        assert "resubmit by" not in part
    if locale == "id":
        assert out.subject == "Revisi diperlukan: reviu putaran 2 untuk Kota Balikpapan"
        assert "kirimkan kembali melalui aplikasi sesegera mungkin." in out.text
    else:
        assert out.subject == "Revision needed: review round 2 for Kota Balikpapan"
        assert "resubmit them in the application as soon as possible." in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_rejected_without_comment_has_no_empty_comment_block(locale: str) -> None:
    ctx = context_for("review_rejected", "mimika") | {"comment": ""}
    out = render_email("review_rejected", locale, ctx)
    assert "<blockquote" not in out.html
    assert "Catatan mentor" not in out.text and "Mentor's comment" not in out.text
    assert "sesuai catatan" not in out.text and "as the comment asks" not in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_approved_names_mentor_round_next_stage_and_comment(locale: str) -> None:
    ctx = context_for("review_approved", "mimika")
    out = render_email("review_approved", locale, ctx)
    for part in (out.text, out.html):
        assert ctx["comment"] in part
        assert "Dr. Sari Wulandari" in part
        assert "Presentasi" in part
        assert APP + "opd" in part
    assert "<blockquote" in out.html
    # An approval, never a revision request.
    assert "revisi diperlukan" not in out.text.lower()
    assert "revision needed" not in out.text.lower()
    if locale == "id":
        assert out.subject == ("Rencana quick win Kabupaten Mimika disetujui "
                               "(reviu putaran 3), lanjut ke tahap Presentasi")
        assert "menyetujui rencana quick win Kabupaten Mimika pada putaran reviu ke-3" in out.text
        assert "melanjutkan ke tahap Presentasi" in out.text
        assert "Catatan mentor:" in out.text
    else:
        assert out.subject == ("Quick-win plan of Kabupaten Mimika approved "
                               "(review round 3), moving on to Presentasi")
        assert "approved the quick-win plan of Kabupaten Mimika in review round 3" in out.text
        assert "moves on to the Presentasi stage" in out.text
        assert "Mentor's comment:" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_review_approved_without_comment_or_link(locale: str) -> None:
    ctx = context_for("review_approved", "bandung") | {"comment": "", "app_url": None}
    out = render_email("review_approved", locale, ctx)
    assert "<blockquote" not in out.html and "<a " not in out.html
    assert "Catatan mentor" not in out.text and "Mentor's comment" not in out.text
    assert "http" not in out.text
    assert "Presentasi" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_extension_requested_names_requester_dates_reason_and_request(locale: str) -> None:
    ctx = context_for("extension_requested", "balikpapan")
    out = render_email("extension_requested", locale, ctx)
    for part in (out.text, out.html):
        assert "Budi Santoso (Diskominfo)" in part
        assert "Kota Balikpapan (64.71)" in part
        assert "Bimtek II" in part
        assert "2026-03-01 23:59 WITA" in part and "2026-03-15 23:59 WITA" in part
        assert ctx["reason"] in part
        assert APP + "coordinator" in part
    if locale == "id":
        assert out.subject == ("Permohonan perpanjangan batas waktu: Kota Balikpapan, "
                               "tahap Bimtek II, hingga 2026-03-15 23:59 WITA")
        assert "Nomor permohonan: 17" in out.text
        assert "Batas waktu saat ini: 2026-03-01 23:59 WITA" in out.text
        assert "Batas waktu yang diminta: 2026-03-15 23:59 WITA" in out.text
        assert '<th scope="row"' in out.html
    else:
        assert out.subject == ("Extension requested: Kota Balikpapan, Bimtek II stage, "
                               "until 2026-03-15 23:59 WITA")
        assert "Request number: 17" in out.text
        assert "Current deadline: 2026-03-01 23:59 WITA" in out.text
        assert "Requested deadline: 2026-03-15 23:59 WITA" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_extension_granted_gives_the_new_deadline_and_reminders_follow_it(locale: str) -> None:
    ctx = context_for("extension_decided", "mimika")
    out = render_email("extension_decided", locale, ctx)
    for part in (out.text, out.html):
        assert ctx["comment"] in part
        assert "2026-03-15 23:59 WIT" in part
        assert "Kabupaten Mimika (94.04)" in part
    if locale == "id":
        assert out.subject == ("Perpanjangan batas waktu disetujui: Kabupaten Mimika, "
                               "tahap Bimtek II, batas waktu baru 2026-03-15 23:59 WIT")
        assert "(nomor 17)" in out.text and "telah disetujui" in out.text
        assert "Batas waktu baru: 2026-03-15 23:59 WIT" in out.text
        assert "Pengingat kini dihitung terhadap batas waktu baru" in out.text
        assert "tidak" not in out.subject and "tidak dapat disetujui" not in out.text
    else:
        assert out.subject == ("Extension granted: Kabupaten Mimika, Bimtek II stage, "
                               "new deadline 2026-03-15 23:59 WIT")
        assert "(number 17)" in out.text and "has been granted" in out.text
        assert "New deadline: 2026-03-15 23:59 WIT" in out.text
        assert "Reminders now count down to the new deadline." in out.text
        assert "refused" not in out.subject + out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_extension_refused_keeps_the_deadline(locale: str) -> None:
    ctx = context_for("extension_decided", "mimika") | {
        "granted": False, "comment": "Data BPS dapat memakai angka sementara.",
        "due_local": "2026-03-01 23:59 WIT"}
    out = render_email("extension_decided", locale, ctx)
    for part in (out.text, out.html):
        assert ctx["comment"] in part
        assert "2026-03-01 23:59 WIT" in part  # the deadline that still holds
        assert "2026-03-15 23:59 WIT" in part  # what was asked for
    if locale == "id":
        assert out.subject == ("Perpanjangan batas waktu tidak disetujui: Kabupaten Mimika, "
                               "tahap Bimtek II, batas waktu tetap 2026-03-01 23:59 WIT")
        assert "tidak dapat disetujui" in out.text
        assert "Batas waktu yang tetap berlaku: 2026-03-01 23:59 WIT" in out.text
        assert "Pengingat kini" not in out.text and "batas waktu baru" not in out.text.lower()
    else:
        assert out.subject == ("Extension refused: Kabupaten Mimika, Bimtek II stage, "
                               "the deadline stays 2026-03-01 23:59 WIT")
        assert "has been refused" in out.text
        assert "Deadline that still applies: 2026-03-01 23:59 WIT" in out.text
        assert "granted" not in out.subject + out.text
        assert "new deadline" not in out.text.lower()


@pytest.mark.parametrize("locale", LOCALES)
def test_extension_decided_without_comment(locale: str) -> None:
    ctx = context_for("extension_decided", "bandung") | {"comment": ""}
    out = render_email("extension_decided", locale, ctx)
    assert "<blockquote" not in out.html
    assert "koordinator:" not in out.text.lower() and "coordinator's comment" not in out.text


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
    shared = {
        p.relative_to(TEMPLATES_DIR).as_posix()
        for p in TEMPLATES_DIR.rglob("_*")
        if p.is_file()
    }
    assert shared == {"_layout.html"} | {f"{locale}/_phrases.txt" for locale in LOCALES}
    assert set(NEW_KINDS) <= set(KINDS)
    assert EMAILS.digests == frozenset({"reminder_digest", "escalation"})


def test_catalogue_lists_the_changed_contexts() -> None:
    assert KINDS["reminder_digest"] == ("recipient_name", "zone", "items", "app_url")
    assert KINDS["escalation"] == ("recipient_name", "zone", "items")
    assert "revision_due" in KINDS["review_rejected"]
    for kind in KINDS:
        assert set(KINDS[kind]) == set(context_for(kind, "mimika")), kind


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


@pytest.mark.parametrize("kind", ["review_rejected", "review_approved", "extension_decided"])
@pytest.mark.parametrize("locale", LOCALES)
def test_missing_optional_looking_key_raises_even_when_falsy_elsewhere(
    kind: str, locale: str
) -> None:
    # comment may be "", but it must be given: an absent key is a bug, not "no comment".
    ctx = context_for(kind, "bandung")
    del ctx["comment"]
    with pytest.raises(UndefinedError, match="comment"):
        render_email(kind, locale, ctx)


ITEM_FIELDS = (
    [("reminder_digest", f) for f in ("region_name", "region_code", "stage", "action",
                                      "deadline_local", "deadline_announced", "days_left",
                                      "kind", "link")]
    + [("escalation", f) for f in ("region_name", "region_code", "stage", "deadline_local",
                                   "deadline_announced", "days_overdue", "late")]
)


@pytest.mark.parametrize(("kind", "field"), ITEM_FIELDS)
@pytest.mark.parametrize("locale", LOCALES)
def test_missing_item_field_raises(kind: str, field: str, locale: str) -> None:
    ctx = copy.deepcopy(context_for(kind, "balikpapan"))
    for item in ctx["items"]:
        del item[field]
    with pytest.raises(UndefinedError):
        render_email(kind, locale, ctx)


@pytest.mark.parametrize("field", ["who", "role", "label"])
@pytest.mark.parametrize("locale", LOCALES)
def test_missing_late_party_field_raises(field: str, locale: str) -> None:
    ctx = copy.deepcopy(escalation_context("balikpapan"))
    for item in ctx["items"]:
        for late in item["late"]:
            del late[field]
    with pytest.raises(UndefinedError):
        render_email("escalation", locale, ctx)


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
    with pytest.raises(ValueError, match="unknown locale"):
        render_email("extension_decided", "EN", context_for("extension_decided", "mimika"))


@pytest.mark.parametrize("kind", sorted(EMAILS.digests))
@pytest.mark.parametrize("locale", LOCALES)
def test_empty_item_list_is_refused(kind: str, locale: str) -> None:
    ctx = context_for(kind, "mimika")
    ctx["items"] = []
    with pytest.raises(ValueError, match="at least one item"):
        render_email(kind, locale, ctx)
