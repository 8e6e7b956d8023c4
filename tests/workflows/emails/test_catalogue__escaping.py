"""User text is escaped in the HTML part, raw in the text part and the subject, never
evaluated as a template, and a subject is always one line."""

from __future__ import annotations

from typing import Any

import pytest

from notifications.render import RenderedEmail
from notifications.render import render_email as render_from
from workflows.emails.catalogue import EMAILS

KINDS, LOCALES = EMAILS.kinds, EMAILS.locales


def render_email(kind: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    return render_from(EMAILS, kind, locale, context)

HOSTILE = '<script>alert(1)</script> & "x"'
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;"


def rejected(**overrides: Any) -> dict[str, Any]:
    return {
        "recipient_name": "Diskominfo Kabupaten Mimika",
        "region_name": "Kabupaten Mimika",
        "round": 1,
        "comment": "Mohon lengkapi data baseline.",
        "mentor_name": "Dr. Sari Wulandari",
        "app_url": None,
        **overrides,
    }


def digest(**overrides: Any) -> dict[str, Any]:
    item = {
        "label": "Kuesioner bimtek I",
        "stage": "Bimtek I",
        "deadline_local": "2026-06-01 07:00 WITA",
        "deadline_wib": "2026-06-01 06:00 WIB",
        "days_left": 3,
        "kind": "before",
        "action": "Isi dan kirim kuesioner",
    }
    item.update(overrides.pop("item", {}))
    return {
        "recipient_name": "Dinas Komunikasi dan Informatika",
        "region_name": "Kota Balikpapan",
        "region_code": "64.71",
        "zone": "WITA",
        "app_url": "https://smartcity.example.go.id/r?region=64.71&tab=deadlines",
        "items": [item],
        **overrides,
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_mentor_comment_is_escaped_in_html_and_raw_in_text(locale: str) -> None:
    out = render_email("review_rejected", locale, rejected(comment=HOSTILE))
    assert HOSTILE_ESCAPED in out.html
    assert "<script" not in out.html
    assert HOSTILE in out.text
    assert "&lt;" not in out.text and "&amp;" not in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_multiline_comment_keeps_its_lines(locale: str) -> None:
    comment = "1. Lengkapi baseline.\n2. Perbaiki peta jalan <2027>."
    out = render_email("review_rejected", locale, rejected(comment=comment))
    assert comment in out.text
    assert "1. Lengkapi baseline.\n2. Perbaiki peta jalan &lt;2027&gt;." in out.html
    assert "white-space:pre-wrap" in out.html


@pytest.mark.parametrize("locale", LOCALES)
def test_subject_stays_raw_text(locale: str) -> None:
    out = render_email("review_rejected", locale, rejected(region_name='Kota <B> & "C"'))
    assert 'Kota <B> & "C"' in out.subject
    assert "&amp;" not in out.subject
    assert "Kota &lt;B&gt; &amp; &#34;C&#34;" in out.html


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_fields_are_escaped_in_html(locale: str) -> None:
    ctx = digest(
        recipient_name="<i>OPD</i>",
        item={"label": "<b>Buku I</b>", "action": "Unggah & kirim <segera>"},
    )
    out = render_email("reminder_digest", locale, ctx)
    assert "&lt;b&gt;Buku I&lt;/b&gt;" in out.html and "<b>Buku I" not in out.html
    assert "Unggah &amp; kirim &lt;segera&gt;" in out.html
    assert "&lt;i&gt;OPD&lt;/i&gt;" in out.html
    assert "<b>Buku I</b>" in out.text and "Unggah & kirim <segera>" in out.text
    # The link's query string is escaped inside the attribute, raw in the text part.
    assert 'href="https://smartcity.example.go.id/r?region=64.71&amp;tab=deadlines"' in out.html
    assert "https://smartcity.example.go.id/r?region=64.71&tab=deadlines" in out.text


@pytest.mark.parametrize("locale", LOCALES)
def test_user_text_is_never_evaluated_as_a_template(locale: str) -> None:
    out = render_email("review_rejected", locale, rejected(comment="{{ 7 * 7 }} {% if %}"))
    assert "{{ 7 * 7 }} {% if %}" in out.text
    assert "49" not in out.text


@pytest.mark.parametrize(
    "region_name", ["Kota\nBalikpapan", "Kota\r\nBalikpapan", "Kota\tBalikpapan\u2028"]
)
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("locale", LOCALES)
def test_subject_is_one_line_even_with_a_newline_in_the_region_name(
    kind: str, locale: str, region_name: str
) -> None:
    ctx: dict[str, Any] = {
        "reminder_digest": digest(),
        "escalation": {
            **{k: v for k, v in digest().items() if k != "app_url"},
            "items": [
                {
                    "label": "Kuesioner",
                    "stage": "Bimtek I",
                    "deadline_local": "2026-06-01 07:00 WITA",
                    "days_overdue": 2,
                    "opd_name": "Dinas Perhubungan",
                }
            ],
        },
        "window_opened": {
            "recipient_name": "Bappeda",
            "region_name": "",
            "window_name": "Semester I\n2026",
            "closes_local": "2026-06-30 23:59 WITA",
        },
        "window_closing": {
            "recipient_name": "Bappeda",
            "region_name": "",
            "window_name": "Semester I\n2026",
            "closes_local": "2026-06-30 23:59 WITA",
            "days_left": 1,
        },
        "review_rejected": rejected(),
        "review_requested": {"recipient_name": "Mentor", "region_name": "",
                             "region_code": "64.71", "round": 1, "app_url": None},
    }[kind]
    ctx["region_name"] = region_name
    subject = render_email(kind, locale, ctx).subject
    assert "\n" not in subject and "\r" not in subject and "\t" not in subject
    assert "\u2028" not in subject
    assert "Kota Balikpapan" in subject
    assert subject == subject.strip() and "  " not in subject
