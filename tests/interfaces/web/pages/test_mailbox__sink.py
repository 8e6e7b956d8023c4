"""The mailbox of ``smartcity serve --smtp-sink``: the list and one message, the HTML part only
inside a sandboxed frame (a ``<script>`` in an email never reaches the page), each person's own
mail only, and a clear 404 when the server has no mailbox."""

from __future__ import annotations

import asyncio
import html
import re
import smtplib
from email.message import EmailMessage
from types import SimpleNamespace

from webkit import Web  # type: ignore[import-not-found]

from notifications.sink import MailSink, running_sink
from workflows.directory import registration

EVIL = ('<p>Tenggat <b>Buku 1</b> besok.</p><script>alert("xss")</script>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">klik</a>')


def email(to: str, subject: str, text: str = "Tenggat Buku 1 besok.",
          html_part: str | None = EVIL) -> bytes:
    message = EmailMessage()
    message["From"] = "Smart City <noreply@smartcity.example.go.id>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 05 Jan 2026 09:00:00 +0700"
    message.set_content(text)
    if html_part is not None:
        message.add_alternative(html_part, subtype="html")
    return bytes(message)


def deliver(sink: MailSink, to: str, subject: str, **kw: object) -> None:
    raw = email(to, subject, **kw)  # type: ignore[arg-type]
    envelope = SimpleNamespace(original_content=raw, content=raw,
                               mail_from="noreply@smartcity.example.go.id", rcpt_tos=[to])
    answer = asyncio.run(sink.handle_DATA(None, None, envelope))
    assert answer.startswith("250")


def with_mail(web: Web) -> tuple[Web, MailSink]:
    sink = MailSink()
    deliver(sink, web.region.opd, "Pengingat: Buku 1 (Kota Balikpapan)")
    deliver(sink, web.region.head, "Eskalasi: Kota Balikpapan terlambat",
            text="Sudah lewat tenggat.", html_part=None)
    deliver(sink, "dinkes.9171@pemda.go.id", "Pengingat: Kota Jayapura")
    return type(web)(web.world, web.region, mailbox=sink), sink


def test_a_coordinator_lists_all_mail_newest_first(web: Web) -> None:
    boxed, _ = with_mail(web)
    page = boxed.browser(boxed.world.COORDINATOR).get("/mailbox")
    assert page.status_code == 200
    numbers = [int(n) for n in re.findall(r'<tr id="mail-(\d+)">', page.text)]
    assert numbers == [3, 2, 1]
    assert "Pengingat: Kota Jayapura" in page.text and web.region.head in page.text
    assert '<a href="/mailbox/1">Pengingat: Buku 1 (Kota Balikpapan)</a>' in page.text
    assert 'href="/mailbox">' in page.text  # the navigation shows the mailbox


def test_the_html_part_is_sandboxed_and_never_injected(web: Web) -> None:
    boxed, _ = with_mail(web)
    response = boxed.browser(boxed.world.COORDINATOR).get("/mailbox/1")
    assert response.status_code == 200
    page = response.text
    assert "<script>alert" not in page and "onerror=\"alert" not in page
    assert "<b>Buku 1</b>" not in page  # not even harmless markup from the email
    frame = re.search(r'<iframe sandbox="allow-top-navigation-by-user-activation" '
                      r'title="[^"]*" srcdoc="([^"]*)"[^>]*style="--phone: (\d+)px; '
                      r'--wide: (\d+)px"', page)
    assert frame, "the HTML part is shown in a sandboxed iframe"
    assert "allow-scripts" not in page and "allow-same-origin" not in page
    # The whole part, escaped once, after a base that opens its links in the top window.
    assert html.unescape(frame.group(1)).strip() == '<base target="_top">\n' + EVIL
    assert 320 <= int(frame.group(3)) <= int(frame.group(2))  # taller on a phone
    assert "script-src 'none'" in response.headers["content-security-policy"]
    assert "<pre>Tenggat Buku 1 besok.\n</pre>" in page  # the text part
    assert "Smart City &lt;noreply@smartcity.example.go.id&gt;" in page
    assert "<dd>5 Jan 2026 09.00 WIB</dd>" in page  # the Date header, as people read dates

    raw = boxed.browser(boxed.world.COORDINATOR).get("/mailbox/1/raw")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/plain")
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in raw.headers["content-security-policy"]
    assert "Subject: Pengingat: Buku 1 (Kota Balikpapan)" in raw.text

    text_only = boxed.browser(boxed.world.COORDINATOR).get("/mailbox/2").text
    assert "<iframe" not in text_only and "Sudah lewat tenggat." in text_only


def test_other_people_see_only_their_own_mail(web: Web) -> None:
    boxed, _ = with_mail(web)
    opd = boxed.browser(web.region.opd)
    page = opd.get("/mailbox").text
    assert re.findall(r'<tr id="mail-(\d+)">', page) == ["1"]
    assert "Kota Jayapura" not in page and "Eskalasi" not in page
    assert opd.get("/mailbox/1").status_code == 200
    for number in (2, 3, 99):
        hidden = opd.get(f"/mailbox/{number}")
        assert hidden.status_code == 404 and f"tidak ada pesan nomor {number}" in hidden.text
        assert opd.get(f"/mailbox/{number}/raw").status_code == 404
    head = boxed.browser(web.region.head).get("/mailbox").text
    assert re.findall(r'<tr id="mail-(\d+)">', head) == ["2"]
    assert re.findall(r'<tr id="mail-(\d+)">',
                      boxed.browser(web.region.mentor).get("/mailbox").text) == []
    # A region's own coordinator is not programme staff: its own mail only.
    own = "sekretariat.6471@pemda.go.id"
    registration.add_person(web.prog, own, "Sekretariat Smart City", "coordinator", "64.71")
    assert re.findall(r'<tr id="mail-(\d+)">',
                      boxed.browser(own).get("/mailbox").text) == []


def test_without_a_mailbox_the_pages_say_how_to_get_one(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    for url in ("/mailbox", "/mailbox/1", "/mailbox/1/raw"):
        response = browser.get(url)
        assert response.status_code == 404, url
        text = html.unescape(response.text)
        assert "tidak memiliki kotak surat" in text and "smartcity" not in text
    assert 'href="/mailbox"' not in browser.get("/coordinator").text
    anonymous = web.anonymous().get("/mailbox", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == (
        "/login?next=%2Fmailbox")


def test_mail_sent_over_smtp_shows_up(web: Web) -> None:
    with running_sink() as (port, sink):
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("noreply@smartcity.example.go.id", [web.region.opd],
                            email(web.region.opd, "Jendela evaluasi 2026-H1 dibuka"))
        boxed = type(web)(web.world, web.region, mailbox=sink)
        page = boxed.browser(web.region.opd).get("/mailbox/1")
    assert page.status_code == 200 and "Jendela evaluasi 2026-H1 dibuka" in page.text


def test_a_coordinator_never_sees_the_sign_in_links_of_other_peoples_mail(web: Web) -> None:
    sink = MailSink()
    for path in ("/l/eyJlIjoib3BkIn0.c2lnbmVk_x-y", "/password/eyJlIjoib3BkIn0.c2lnbmVk_x-y"):
        link = f"http://127.0.0.1:8000{path}"
        deliver(sink, web.region.opd, "Pengingat", text=f"Buka: {link}\n",
                html_part=f'<p><a href="{link}">Buka</a></p>')
    boxed = type(web)(web.world, web.region, mailbox=sink)
    for number, path in ((1, "/l/"), (2, "/password/")):
        seen = boxed.browser(boxed.world.COORDINATOR).get(f"/mailbox/{number}").text
        raw = boxed.browser(boxed.world.COORDINATOR).get(f"/mailbox/{number}/raw").text
        for shown in (seen, raw):
            assert "c2lnbmVk" not in shown and "tautan disembunyikan" in shown
        own = boxed.browser(web.region.opd).get(f"/mailbox/{number}").text
        assert f"{path}eyJlIjoib3BkIn0.c2lnbmVk_x-y" in own
