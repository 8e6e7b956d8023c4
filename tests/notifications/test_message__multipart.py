"""build_message: multipart/alternative (text/plain then text/html), UTF-8 subject and bodies
that survive a round trip through bytes, Date and a deterministic Message-ID, no header
injection."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime

import pytest
from smtpkit import CATALOGUE

from notifications.message import build_message, make_message_id
from notifications.render import RenderedEmail, render_email

SENDER = "Sistem Smart City <noreply@smartcity.example.go.id>"
RECIPIENT = "Dinas Kominfo Kabupaten Mimika <kominfo@mimikakab.example.go.id>"
DOMAIN = "smartcity.example.go.id"

SUBJECT = "Pengingat tenggat Kabupaten Mimika: 3 item, batas waktu terdekat 2026-05-20 — ç"
RENDERED = RenderedEmail(
    subject=SUBJECT,
    text="Yth. Dinas Komunikasi dan Informatika,\n\nBatas waktu: 2026-06-01 08:00 WIT — ç\n",
    html=(
        '<!DOCTYPE html>\n<html lang="id"><body>'
        "<p>Batas waktu — ç &amp; &lt;b&gt;</p></body></html>"
    ),
)


def roundtrip(msg: Message) -> EmailMessage:
    parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_multipart_alternative_plain_then_html_survives_bytes() -> None:
    msg = build_message(SENDER, RECIPIENT, RENDERED, make_message_id("k1", DOMAIN))
    parsed = roundtrip(msg)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    for part in parts:
        assert part.get_content_charset() == "utf-8"
        assert part["MIME-Version"] is None  # only the top level carries it
    assert isinstance(parts[0], EmailMessage) and isinstance(parts[1], EmailMessage)
    assert parts[0].get_content() == RENDERED.text
    assert parts[1].get_content() == RENDERED.html
    assert parsed["MIME-Version"] == "1.0"
    body = parsed.get_body(preferencelist=("html", "plain"))
    assert body is not None and body.get_content_type() == "text/html"


def test_bytes_on_the_wire_are_ascii_and_short_lines() -> None:
    long = RenderedEmail(subject=SUBJECT * 3, text="é" * 500 + "\n", html="<p>" + "ü" * 500)
    raw = build_message(SENDER, RECIPIENT, long, make_message_id("k", DOMAIN)).as_bytes()
    raw.decode("ascii")  # 7-bit clean: quoted-printable bodies, RFC 2047 subject
    assert max(len(line) for line in raw.split(b"\n")) <= 78


def test_utf8_subject_survives_and_is_one_line() -> None:
    long_subject = SUBJECT + " " + "Kabupaten Kotawaringin Timur " * 4
    rendered = RenderedEmail(long_subject.strip(), RENDERED.text, RENDERED.html)
    msg = build_message(SENDER, RECIPIENT, rendered, make_message_id("k2", DOMAIN))
    raw = msg.as_bytes()
    assert b"=?utf-8?" in raw  # encoded, not raw 8-bit
    parsed = roundtrip(msg)
    assert parsed["Subject"] == long_subject.strip()
    # The compat32 parser agrees.
    legacy = email.message_from_bytes(raw)
    assert str(make_header(decode_header(legacy["Subject"]))) == long_subject.strip()


def test_ascii_subject_is_left_plain() -> None:
    rendered = RenderedEmail("Deadline reminder for Kota Balikpapan: 1 item", "t\n", "<p>h</p>")
    raw = build_message(SENDER, RECIPIENT, rendered, make_message_id("k", DOMAIN)).as_bytes()
    assert b"\nSubject: Deadline reminder for Kota Balikpapan: 1 item\n" in raw


def test_addresses_with_non_ascii_display_names() -> None:
    sender = "Kementerian Komunikasi dan Digital — Smart City <noreply@smartcity.example.go.id>"
    msg = build_message(sender, "opd@balikpapan.example.go.id", RENDERED, "<a@b.example>")
    parsed = roundtrip(msg)
    assert parsed["From"].addresses[0].display_name == (
        "Kementerian Komunikasi dan Digital — Smart City"
    )
    assert parsed["From"].addresses[0].addr_spec == "noreply@smartcity.example.go.id"
    assert parsed["To"].addresses[0].addr_spec == "opd@balikpapan.example.go.id"


def test_date_header_default_now_and_given() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    parsed = roundtrip(build_message(SENDER, RECIPIENT, RENDERED, "<a@b.example>"))
    sent = parsedate_to_datetime(parsed["Date"])
    assert before <= sent <= datetime.now(UTC) + timedelta(seconds=1)

    wit = timezone(timedelta(hours=9))
    when = datetime(2026, 6, 1, 8, 0, tzinfo=wit)
    parsed = roundtrip(build_message(SENDER, RECIPIENT, RENDERED, "<a@b.example>", date=when))
    assert parsedate_to_datetime(parsed["Date"]) == when
    assert parsed["Date"].endswith("+0900")

    with pytest.raises(ValueError, match="aware"):
        build_message(SENDER, RECIPIENT, RENDERED, "<a@b.example>", date=datetime(2026, 6, 1))


def test_message_id_is_deterministic_from_the_idempotency_key() -> None:
    key = "reminder_digest:opd-94.04-diskominfo:2026-05-25"
    mid = make_message_id(key, DOMAIN)
    assert mid == make_message_id(key, DOMAIN)
    assert mid != make_message_id(key + "x", DOMAIN)
    assert mid != make_message_id(key, "other.example")
    assert mid.startswith("<") and mid.endswith(f"@{DOMAIN}>")
    local = mid[1:].split("@")[0]
    assert len(local) == 40 and all(c in "0123456789abcdef" for c in local)
    # A retried send carries the same Message-ID.
    first = roundtrip(build_message(SENDER, RECIPIENT, RENDERED, mid))
    retry = roundtrip(build_message(SENDER, RECIPIENT, RENDERED, make_message_id(key, DOMAIN)))
    assert first["Message-ID"] == retry["Message-ID"] == mid


@pytest.mark.parametrize(
    ("key", "domain"), [("", DOMAIN), ("k", ""), ("k", "a b"), ("k", "x@y"), ("k", "a>b")]
)
def test_make_message_id_refuses_bad_input(key: str, domain: str) -> None:
    with pytest.raises(ValueError):
        make_message_id(key, domain)


def test_extra_headers_and_auto_submitted() -> None:
    msg = build_message(
        SENDER, RECIPIENT, RENDERED, "<a@b.example>", headers={"X-Smartcity-Outbox": "42"}
    )
    parsed = roundtrip(msg)
    assert parsed["X-Smartcity-Outbox"] == "42"
    assert parsed["Auto-Submitted"] == "auto-generated"
    parsed = roundtrip(
        build_message(
            SENDER, RECIPIENT, RENDERED, "<a@b.example>", headers={"Auto-Submitted": "auto-replied"}
        )
    )
    assert parsed.get_all("Auto-Submitted") == ["auto-replied"]


@pytest.mark.parametrize("name", ["Subject", "message-id", "Content-Type", "Bad Name", "A:B"])
def test_reserved_or_malformed_extra_headers_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="cannot be set"):
        build_message(SENDER, RECIPIENT, RENDERED, "<a@b.example>", headers={name: "x"})


@pytest.mark.parametrize("evil", ["a\r\nBcc: victim@example.com", "a\nBcc: v@example.com", "a\rb"])
def test_line_breaks_in_headers_are_refused(evil: str) -> None:
    with pytest.raises(ValueError, match="line break"):
        build_message(SENDER, RECIPIENT, RenderedEmail(evil, "t", "h"), "<a@b.example>")
    with pytest.raises(ValueError, match="line break"):
        build_message(SENDER, RECIPIENT, RENDERED, "<a@b.example>", headers={"X-A": evil})
    with pytest.raises(ValueError, match="line break"):
        build_message(SENDER, f"x@example.com{evil}", RENDERED, "<a@b.example>")


@pytest.mark.parametrize("bad", ["not-an-address", "", "Name <>"])
def test_bad_addresses_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        build_message(SENDER, bad, RENDERED, "<a@b.example>")


@pytest.mark.parametrize("mid", ["a@b", "<ab>", "<a@b> x", "<a b@c>", ""])
def test_malformed_message_id_is_refused(mid: str) -> None:
    with pytest.raises(ValueError, match="Message-ID"):
        build_message(SENDER, RECIPIENT, RENDERED, mid)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_rendered_email_round_trips_escaped(locale: str) -> None:
    rendered = render_email(CATALOGUE, "notice", locale, {
        "recipient_name": "Diskominfo Kota Balikpapan",
        "comment": '<script>alert(1)</script> & "x" — Ir. Bambang Sutrisno, ITB',
    })
    parsed = roundtrip(
        build_message(SENDER, RECIPIENT, rendered, make_message_id("rr:64.71:3", DOMAIN))
    )
    assert parsed["Subject"] == rendered.subject
    plain, html = (p.get_content() for p in parsed.iter_parts())
    assert '<script>alert(1)</script> & "x"' in plain
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;" in html
    assert "<script" not in html
    assert "— Ir. Bambang Sutrisno, ITB" in plain
