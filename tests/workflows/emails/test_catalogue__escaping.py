"""User text (comments, reasons, names, labels) is escaped in the HTML part, raw in the text
part and the subject, never evaluated as a template, and a subject is always one line, for
every kind of the catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from notifications.render import RenderedEmail
from notifications.render import render_email as render_from
from workflows.emails.catalogue import EMAILS

KINDS, LOCALES = EMAILS.kinds, EMAILS.locales
#: The kinds whose subject names the region (an account's invitation or reset names none).
ABOUT_A_REGION = [k for k in KINDS if k not in ("account_invite", "password_reset")]


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    return render_from(EMAILS, kind, locale, context)


HOSTILE = '<script>alert(1)</script> & "x"'
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;"
LINK = "https://smartcity.example.go.id/l/abc?next=/opd&tab=deadlines"
LINK_ESCAPED = "https://smartcity.example.go.id/l/abc?next=/opd&amp;tab=deadlines"

BALIKPAPAN = {"region_name": "Kota Balikpapan", "region_code": "64.71"}


def digest(**item: Any) -> dict[str, Any]:
    return {
        "recipient_name": "Dinas Komunikasi dan Informatika",
        "zone": "WITA",
        "app_url": "https://smartcity.example.go.id/l/home",
        "items": [{
            **BALIKPAPAN, "stage": "Bimtek I", "label": "Kuesioner OPD",
            "action": "Unggah: Kuesioner OPD", "deadline_local": "2026-06-01 07:00 WITA",
            "deadline_announced": "2026-06-01 06:00 WIB", "days_left": 3, "kind": "before",
            "link": LINK, **item,
        }],
    }


def escalation(**late: Any) -> dict[str, Any]:
    return {
        "recipient_name": "Koordinator",
        "zone": "WIB",
        "items": [{
            **BALIKPAPAN, "stage": "Bimtek I", "deadline_local": "2026-06-01 07:00 WITA",
            "deadline_announced": "", "days_left": -2, "days_overdue": 2,
            "late": [{"who": "Dinas Perhubungan (DISHUB)", "role": "OPD",
                      "label": "Kuesioner OPD", **late}],
        }],
    }


def context_for(kind: str) -> dict[str, Any]:
    name, code = BALIKPAPAN["region_name"], BALIKPAPAN["region_code"]
    return {
        "reminder_digest": digest(),
        "escalation": escalation(),
        "window_opened": {"recipient_name": "Bappeda", "region_name": name,
                          "window_name": "Semester I 2026",
                          "closes_local": "2026-06-30 23:59 WITA"},
        "window_closing": {"recipient_name": "Bappeda", "region_name": name,
                           "window_name": "Semester I 2026",
                           "closes_local": "2026-06-30 23:59 WITA", "days_left": 1},
        "review_requested": {"recipient_name": "Mentor", "region_name": name,
                             "region_code": code, "round": 1, "app_url": LINK},
        "review_rejected": {"recipient_name": "Diskominfo", "region_name": name, "round": 1,
                            "comment": "Mohon lengkapi data baseline.",
                            "mentor_name": "Dr. Sari Wulandari",
                            "revision_due": "2026-05-01 23:59 WITA", "app_url": LINK},
        "review_approved": {"recipient_name": "Diskominfo", "region_name": name, "round": 2,
                            "comment": "Sudah baik.", "mentor_name": "Dr. Sari Wulandari",
                            "next_stage": "Presentasi", "app_url": LINK},
        "extension_requested": {"recipient_name": "Koordinator", "region_name": name,
                                "region_code": code, "requester_name": "Budi Santoso",
                                "stage": "Bimtek II", "due_local": "2026-03-01 23:59 WITA",
                                "requested_local": "2026-03-15 23:59 WITA",
                                "reason": "Data BPS belum tersedia.", "request_id": 4,
                                "app_url": LINK},
        "extension_decided": {"recipient_name": "Budi Santoso", "region_name": name,
                              "region_code": code, "stage": "Bimtek II", "granted": True,
                              "comment": "Disetujui.", "due_local": "2026-03-15 23:59 WITA",
                              "requested_local": "2026-03-15 23:59 WITA", "request_id": 4,
                              "app_url": LINK},
        "account_invite": {"recipient_name": "Dinas Kesehatan", "email": "dinkes@x.go.id",
                           "role": "OPD", "region_name": name, "inviter_name": "Koordinator",
                           "app_url": LINK, "expires": "21 Des 2026 23.59 WIB",
                           "login_url": LINK},
        "password_reset": {"recipient_name": "Budi Santoso", "email": "budi@x.go.id",
                           "app_url": LINK, "expires": "8 Des 2026 10.00 WIB"},
    }[kind]


def assert_escaped(out: RenderedEmail, raw: str, escaped: str) -> None:
    assert escaped in out.html
    assert raw not in out.html
    assert raw in out.text
    assert "&lt;" not in out.text and "&amp;" not in out.text and "&#34;" not in out.text


# The user text of each kind: (kind, key) pairs whose value comes from a person.
USER_TEXT = [
    ("review_rejected", "comment"), ("review_rejected", "mentor_name"),
    ("review_approved", "comment"), ("review_approved", "mentor_name"),
    ("extension_requested", "reason"), ("extension_requested", "requester_name"),
    ("extension_decided", "comment"), ("extension_decided", "recipient_name"),
    ("review_requested", "recipient_name"), ("window_opened", "window_name"),
]


@pytest.mark.parametrize(("kind", "key"), USER_TEXT)
@pytest.mark.parametrize("locale", LOCALES)
def test_user_text_is_escaped_in_html_and_raw_in_text(kind: str, key: str,
                                                      locale: str) -> None:
    out = render_email(kind, locale, context_for(kind) | {key: HOSTILE})
    assert_escaped(out, HOSTILE, HOSTILE_ESCAPED)
    assert "<script" not in out.html


@pytest.mark.parametrize("granted", [True, False])
@pytest.mark.parametrize("locale", LOCALES)
def test_coordinator_comment_is_escaped_whichever_the_decision(granted: bool,
                                                               locale: str) -> None:
    ctx = context_for("extension_decided") | {"granted": granted, "comment": HOSTILE}
    assert_escaped(render_email("extension_decided", locale, ctx), HOSTILE, HOSTILE_ESCAPED)


@pytest.mark.parametrize("kind", ["review_rejected", "review_approved", "extension_decided"])
@pytest.mark.parametrize("locale", LOCALES)
def test_multiline_comment_keeps_its_lines(kind: str, locale: str) -> None:
    comment = "1. Lengkapi baseline.\n2. Perbaiki peta jalan <2027>."
    out = render_email(kind, locale, context_for(kind) | {"comment": comment})
    assert comment in out.text
    assert "1. Lengkapi baseline.\n2. Perbaiki peta jalan &lt;2027&gt;." in out.html
    assert "white-space:pre-wrap" in out.html


@pytest.mark.parametrize("locale", LOCALES)
def test_multiline_reason_keeps_its_lines(locale: str) -> None:
    reason = "Data BPS terlambat.\nRapat pimpinan baru 10 Maret & 12 Maret."
    out = render_email("extension_requested", locale,
                       context_for("extension_requested") | {"reason": reason})
    assert reason in out.text
    assert "Data BPS terlambat.\nRapat pimpinan baru 10 Maret &amp; 12 Maret." in out.html


@pytest.mark.parametrize("kind", ABOUT_A_REGION)
@pytest.mark.parametrize("locale", LOCALES)
def test_subject_stays_raw_text(kind: str, locale: str) -> None:
    name = 'Kota <B> & "C"'
    ctx = context_for(kind)
    if kind in EMAILS.digests:
        ctx["items"][0]["region_name"] = name
    else:
        ctx["region_name"] = name
    out = render_email(kind, locale, ctx)
    assert name in out.subject
    assert "&amp;" not in out.subject and "&lt;" not in out.subject
    assert "Kota &lt;B&gt; &amp; &#34;C&#34;" in out.html
    assert name in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_fields_are_escaped_in_html(locale: str) -> None:
    ctx = digest(action="Unggah & kirim <segera>", stage="<b>Bimtek</b>",
                 deadline_announced="<i>WIB</i>")
    ctx["recipient_name"] = "<i>OPD</i>"
    out = render_email("reminder_digest", locale, ctx)
    assert_escaped(out, "Unggah & kirim <segera>", "Unggah &amp; kirim &lt;segera&gt;")
    assert_escaped(out, "<b>Bimtek</b>", "&lt;b&gt;Bimtek&lt;/b&gt;")
    assert_escaped(out, "(<i>WIB</i>)", "(&lt;i&gt;WIB&lt;/i&gt;)")
    assert "&lt;i&gt;OPD&lt;/i&gt;" in out.html
    # The link's query string is escaped inside the attribute, raw in the text part.
    assert f'href="{LINK_ESCAPED}"' in out.html
    assert LINK in out.text


@pytest.mark.parametrize("field", ["who", "role", "label"])
@pytest.mark.parametrize("locale", LOCALES)
def test_escalation_late_parties_are_escaped_in_html(field: str, locale: str) -> None:
    out = render_email("escalation", locale, escalation(**{field: HOSTILE}))
    assert_escaped(out, HOSTILE, HOSTILE_ESCAPED)


@pytest.mark.parametrize("kind", ["review_requested", "review_approved",
                                  "extension_requested", "extension_decided"])
@pytest.mark.parametrize("locale", LOCALES)
def test_links_are_escaped_in_the_attribute_and_raw_in_text(kind: str, locale: str) -> None:
    out = render_email(kind, locale, context_for(kind))
    assert f'href="{LINK_ESCAPED}"' in out.html
    assert LINK in out.text


@pytest.mark.parametrize("kind", ["review_rejected", "review_approved",
                                  "extension_requested", "extension_decided"])
@pytest.mark.parametrize("locale", LOCALES)
def test_user_text_is_never_evaluated_as_a_template(kind: str, locale: str) -> None:
    key = "reason" if kind == "extension_requested" else "comment"
    out = render_email(kind, locale, context_for(kind) | {key: "{{ 7 * 7 }} {% if %}"})
    assert "{{ 7 * 7 }} {% if %}" in out.text
    assert "49" not in out.text


@pytest.mark.parametrize(
    "text", ["Kota\nBalikpapan", "Kota\r\nBalikpapan", "Kota\tBalikpapan\u2028"]
)
@pytest.mark.parametrize("kind", ABOUT_A_REGION)
@pytest.mark.parametrize("locale", LOCALES)
def test_subject_is_one_line_even_with_newlines_in_user_text(
    kind: str, locale: str, text: str
) -> None:
    ctx = context_for(kind)
    if kind in EMAILS.digests:
        ctx["items"][0]["region_name"] = text
        ctx["items"][0]["stage"] = "Bimtek\nI"
    else:
        ctx["region_name"] = text
        for key in ("window_name", "stage", "next_stage", "revision_due"):
            if key in ctx:
                ctx[key] = ctx[key].replace(" ", "\n", 1)
    subject = render_email(kind, locale, ctx).subject
    assert "\n" not in subject and "\r" not in subject and "\t" not in subject
    assert "\u2028" not in subject
    assert subject == subject.strip() and "  " not in subject
    assert "Kota Balikpapan" in subject  # digests of one region name it too
