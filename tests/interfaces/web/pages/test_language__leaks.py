"""Every page, for every role, in one language: no English in Indonesian, no Indonesian in
English, no raw keys, no command hints, no checksums.

One world (``languagekit.build``: regions of the 2026 cohort in bimtek I with OPDs owing and
extension requests, in mentor review, in revision after a rejection, in presentation, in
adoption, in implementation with the 2026-H1 evaluation window open, and at the MoU; half a
year of reminder mail in the mailbox) is read by each role in Indonesian (the default) and with
``?lang=en``: every page the role opens, the confirmation pages, and the refusals it may meet
(another role's page, a blocked action, a bad form, a missing page). Each answer's visible text
(``languagekit.visible``) goes through ``languagekit.Checker``; names and what people typed are
masked first. A failure lists every leak with the page and its surroundings.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from languagekit import (  # type: ignore[import-not-found]
    ADMIN,
    PASSWORD,
    Checker,
    Clock,
    LeakWorld,
    build,
    cheap_passwords,
    report,
    visible,
)
from webkit import Browser, Web  # type: ignore[import-not-found]

from config import language
from config.settings import Settings
from notifications.sink import MailSink
from workflows.access import links
from workflows.emails.catalogue import EMAILS
from workflows.programme import Programme

LANGS = ("id", "en")
REGIONAL = "sekretariat.6471@balikpapan.go.id"
UNREGISTERED = "orang.asing@pemda.go.id"


@pytest.fixture(scope="module")
def leaky(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[LeakWorld, Web]]:
    folder = tmp_path_factory.mktemp("language-leaks")
    target = folder / "smartcity.db"
    shutil.copyfile(sqlite_template, target)
    clock = Clock()
    prog = Programme(Settings(data_dir=folder, database_url=f"sqlite:///{target}"), clock=clock)
    with cheap_passwords(), language.using("id"):
        lw = build(prog, folder / "in", clock)
    sink = MailSink()
    for mail in lw.mails:
        envelope = SimpleNamespace(original_content=mail.raw, content=mail.raw,
                                   mail_from="noreply@smartcity.example.go.id",
                                   rcpt_tos=[mail.recipient])
        assert asyncio.run(sink.handle_DATA(None, None, envelope)).startswith("250")
    yield lw, Web(lw.world, lw.regions["bimtek_1"], mailbox=sink)
    prog.close()


def calendar_text(ics: str) -> str:
    """What a calendar app shows of a feed: its name, and each event's title and text."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    shown = re.findall(r"^(?:X-WR-CALNAME|SUMMARY|DESCRIPTION|LOCATION)[^:]*:(.*)$", unfolded,
                       re.MULTILINE)
    return " ".join(v.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ")
                    for v in shown)


# -- visiting -------------------------------------------------------------------------------

class Visit:
    """One role's requests in one language; every answer kept with where it came from."""

    def __init__(self, lw: LeakWorld, web: Web, email: str | None, lang: str) -> None:
        self.lw, self.web, self.lang = lw, web, lang
        self.client = Browser(web.app, raise_server_exceptions=False, follow_redirects=False)
        self.seen: list[tuple[str, Any]] = []
        self.unexpected: list[str] = []
        self.default = email is None and lang == "id"
        if email is not None:
            answer = self.client.post(self.url("/login"), data={
                "email": email, "password": PASSWORD, "next": "/",
                "login_token": self._token("/login", "login_token")})
            assert answer.status_code == 303, answer.text

    def url(self, path: str, **query: str) -> str:
        """``path`` in the visit's language: asked for with ``?lang=``, except Indonesian for
        someone not signed in, which is what a browser that asks for nothing gets."""
        asked = {} if self.default else {"lang": self.lang}
        if not query and not asked:
            return path
        joined = "&" if "?" in path else "?"
        return path + joined + urlencode({**query, **asked})

    def _token(self, page: str, name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]+)"', self.client.get(self.url(page)).text)
        assert found, f"no {name} on {page}"
        return found.group(1)

    def csrf(self, page: str) -> str:
        return self._token(page, "csrf_token")

    def get(self, path: str, expect: int = 200) -> Any:
        answer = self.client.get(self.url(path))
        self.keep(f"GET {path}", answer, expect)
        return answer

    def post(self, path: str, data: dict[str, Any], page: str, expect: int | None = None,
             files: Any = None, **kw: Any) -> Any:
        body = {**data, "csrf_token": self.csrf(page)}
        answer = self.client.post(self.url(path), data=body, files=files, **kw)
        self.keep(f"POST {path} {data}", answer, expect)
        return answer

    def keep(self, where: str, answer: Any, expect: int | None) -> None:
        """Keep the answer to check its words; an unexpected status is noted, not fatal, so
        one run lists every page's problems."""
        if answer.status_code >= 500 or (expect is not None and answer.status_code != expect):
            self.unexpected.append(f"[{self.lang}] {where}: {answer.status_code}, expected "
                                   f"{expect or 'below 500'}: {visible(answer.text)[:300]}")
        if answer.status_code not in (301, 302, 303, 307):
            self.seen.append((f"[{self.lang}] {where}", answer))

    def version(self, stage: str) -> int:
        prog = self.lw.prog
        with prog.db.read() as session:
            return int(prog.current_instance(session, self.lw.regions[stage].code).version)


def code(lw: LeakWorld, stage: str) -> str:
    return str(lw.regions[stage].code)


def coordinator(v: Visit) -> None:
    lw = v.lw
    a, g = code(lw, "bimtek_1"), code(lw, "adoption")
    v.get("/board")
    v.get("/board?zone=WITA")
    for stage in lw.regions:
        v.get(f"/regions/{code(lw, stage)}")
    v.get(f"/regions/{g}?done=adopt")
    v.get(f"/regions/{a}?done=close_bimtek_1")
    v.get(f"/regions/{g}?uploaded=regulation")
    v.get("/coordinator")
    for notice in ("cohort_deadline", "region_deadline", "extension_granted",
                   "extension_refused", "outbox_retried"):
        v.get(f"/coordinator?done={notice}")
    for notice in ("cohort_deadline", "region_deadline"):
        v.get(f"/coordinator/dates?done={notice}")
    for notice in ("extension_granted", "extension_refused"):
        v.get(f"/coordinator/extensions?done={notice}")
    v.get("/coordinator/dates?stage=bimtek_1&q=zzz")
    v.get("/coordinator/extensions?decision=granted")
    for status in ("dead", "pending", "sending", "sent"):
        v.get(f"/coordinator/outbox?status={status}")
    v.get("/coordinator/outbox?done=outbox_retried")
    v.get("/coordinator/exports")
    v.get("/coordinator/reminders")
    v.get("/coordinator/reminders?from=2026-06-24&to=2026-07-31")
    v.get(f"/coordinator/report/regions/{a}")
    v.get("/evaluation")
    v.get(f"/evaluation?region={code(lw, 'implementation')}")
    for notice in ("scored", "extended", "submitted"):
        v.get(f"/evaluation?done={notice}")
    v.get("/evaluation/editions")
    v.get("/evaluation/editions?a=nowhere", 404)
    v.get("/accounts")
    for notice in ("invited", "bulk", "disabled", "enabled"):
        v.get(f"/accounts?done={notice}")
    v.get("/accounts?status=invited")
    # Confirmation first: adopt, withdraw.
    v.post(f"/regions/{g}/advance", {"trigger": "adopt", "expected_version":
                                     v.version("adoption")}, f"/regions/{g}", 200)
    v.post(f"/regions/{a}/advance", {"trigger": "withdraw", "expected_version":
                                     v.version("bimtek_1")}, f"/regions/{a}", 200)
    # Refusals.
    v.post(f"/regions/{a}/advance", {"trigger": "close_bimtek_1", "expected_version":
                                     v.version("bimtek_1")}, f"/regions/{a}")
    v.post(f"/regions/{a}/advance", {"trigger": "close_bimtek_1", "expected_version": 1},
           f"/regions/{a}")
    v.post(f"/regions/{a}/submit", {"deliverable": "questionnaire"}, f"/regions/{a}",
           files={"file": ("", b"")})
    v.post("/coordinator/deadlines/cohort", {"cohort": lw.world.COHORT, "state": "bimtek_1",
                                             "day": "31-02-2026", "at": "23:59",
                                             "zone": "WIB"}, "/coordinator")
    v.post("/coordinator/deadlines/cohort", {"cohort": lw.world.COHORT, "state": "bimtek_1",
                                             "day": "2026-07-01", "at": "25:99",
                                             "zone": "WIB"}, "/coordinator")
    v.post("/coordinator/deadlines/cohort", {"cohort": "Angkatan Tak Ada",
                                             "state": "bimtek_1", "day": "2026-07-01"},
           "/coordinator")
    v.post("/coordinator/deadlines/cohort", {"cohort": lw.world.COHORT}, "/coordinator")
    v.post("/coordinator/deadlines/region", {"region": a, "state": "bimtek_1",
                                             "day": "2026-07-01", "working_days": "abc"},
           "/coordinator")
    v.post("/coordinator/deadlines/region", {"region": a, "state": "bimtek_2",
                                             "day": "2026-07-01"}, "/coordinator")
    v.post(f"/coordinator/extensions/{lw.pending_request}", {"decision": "refuse"},
           "/coordinator")
    v.post("/coordinator/extensions/999999", {"decision": "grant"}, "/coordinator")
    v.post("/coordinator/outbox/retry", {}, "/coordinator")
    v.post("/coordinator/outbox/retry", {"message": "1"}, "/coordinator")
    v.post("/accounts/invite", {"email": UNREGISTERED, "locale": "id"},
           "/accounts")
    v.post("/accounts/invite", {"email": lw.opd("bimtek_1"), "locale": "id"}, "/accounts")
    v.post("/evaluation/score", {"window": "2026-H1", "region": code(lw, "implementation"),
                                 "part": "output", "value": "tiga"}, "/evaluation")
    v.post("/evaluation/score", {"window": "2026-H1", "region": code(lw, "implementation"),
                                 "part": "output", "value": "9"}, "/evaluation")
    v.post("/evaluation/extend", {"window": "2026-H1", "region": code(lw, "implementation"),
                                  "day": "2026-07-10", "zone": "XYZ"}, "/evaluation")
    v.post("/evaluation/submit", {"window": "2026-H2", "region": code(lw, "implementation")},
           "/evaluation")
    v.get("/regions/99.99", 404)
    v.get("/halaman-yang-tidak-ada", 404)
    v.get("/evaluation?window=2030-H1", 404)
    v.get("/coordinator/reminders?from=kemarin", 422)
    v.get("/coordinator/export/regions/99.99/history.csv", 404)


def mailbox(v: Visit) -> None:
    """The mailbox list, and one message of every kind in the page's language."""
    v.get("/mailbox")
    shown: set[str] = set()
    for number, mail in enumerate(v.lw.mails, start=1):
        if mail.lang == v.lang and mail.kind not in shown:
            shown.add(mail.kind)
            v.get(f"/mailbox/{number}")
    v.get("/mailbox/99999", 404)


def regional(v: Visit) -> None:
    a = code(v.lw, "bimtek_1")
    v.get("/board")
    v.get("/coordinator")
    v.get("/coordinator/reminders")
    v.get(f"/regions/{a}")
    v.get(f"/coordinator/report/regions/{a}")
    v.get("/evaluation")
    v.get(f"/regions/{code(v.lw, 'mentor_review')}", 403)
    v.get(f"/coordinator/report/regions/{code(v.lw, 'mentor_review')}", 403)
    v.get("/accounts", 403)
    v.post("/coordinator/outbox/retry", {"all_dead": "true"}, "/coordinator", 403)


def mentor(v: Visit) -> None:
    b = code(v.lw, "mentor_review")
    v.get("/queue")
    v.get(f"/queue?done=approve&region={b}")
    v.get(f"/regions/{b}")
    v.get("/evaluation")
    v.post(f"/queue/{b}/review", {"decision": "approve", "comment": "Bagus",
                                  "expected_version": v.version("mentor_review")},
           "/queue", 200)
    v.post(f"/queue/{b}/review", {"decision": "reject", "comment": "",
                                  "expected_version": v.version("mentor_review")}, "/queue")
    v.post(f"/queue/{b}/review", {"decision": "reject", "comment": "Kurang",
                                  "expected_version": 1}, "/queue")
    v.post(f"/queue/{b}/review", {"decision": "maybe"}, "/queue")
    v.get("/board", 403)
    v.get("/coordinator", 403)
    v.get("/opd", 403)
    v.get("/my-region", 403)
    v.get(f"/regions/{code(v.lw, 'bimtek_1')}", 403)


def opd(v: Visit) -> None:
    a = code(v.lw, "bimtek_1")
    v.get("/opd")
    for done in ("extension", "advance"):
        v.get(f"/opd?done={done}")
    v.get("/opd?done=submit&what=questionnaire")
    v.get(f"/regions/{a}")
    v.get("/evaluation")
    v.post("/opd/extension", {"until": "besok", "reason": "Belum sempat"}, "/opd")
    v.post("/opd/extension", {"until": "2026-06-30", "reason": ""}, "/opd")
    v.post("/opd/advance", {"trigger": "submit_for_review"}, "/opd")
    v.post("/opd/submit", {"deliverable": "questionnaire"}, "/opd",
           files={"file": ("", b"")})
    v.post("/opd/submit", {"deliverable": "questionnaire"}, "/opd",
           files={"file": ("kuesioner.exe", b"MZ")})
    v.post("/opd/submit", {"deliverable": "buku_2"}, "/opd",
           files={"file": ("buku.pdf", b"%PDF-1.4\n%%EOF\n")})
    v.get("/board", 403)
    v.get("/coordinator", 403)
    v.get("/queue", 403)
    v.get("/my-region", 403)
    v.get("/accounts", 403)
    v.get(f"/regions/{code(v.lw, 'mentor_review')}", 403)
    v.get(f"/regions/{a}/files/999999", 404)
    v.get("/opd/calendar.ics")


def opd_revision(v: Visit) -> None:
    v.get("/opd")
    v.post("/opd/quick-wins", {"action": "add_row", "rows": "3"}, "/opd")
    v.post("/opd/quick-wins", {"action": "send", "rows": "2", "qw-0-title": "Portal izin",
                               "qw-0-dimension": "xyz", "qw-0-element": "",
                               "qw-1-description": "Tanpa judul"}, "/opd")
    v.post("/opd/quick-wins", {"action": "send", "rows": "1"}, "/opd")
    v.post("/opd/quick-wins", {"action": "import", "rows": "1"}, "/opd",
           files={"csv": ("daftar.csv", b"judul;dimensi\nA;B;C;D\n")})
    v.post("/opd/quick-wins", {"action": "import", "rows": "1"}, "/opd",
           files={"csv": ("daftar.xlsx", b"PK\x03\x04")})
    v.post("/opd/quick-wins", {"action": "import", "rows": "1"}, "/opd", files={"csv": (
        "daftar.csv", b"judul;dimensi;elemen;opd;deskripsi\n"
        b"Portal izin;Smart Governance;Pelayanan publik;DISKOMINFO;Satu pintu\n")})
    v.post("/opd/advance", {"trigger": "resubmit"}, "/opd")
    template = v.client.get(v.url("/quick-wins/template.csv"))
    assert template.status_code == 200
    v.seen.append((f"[{v.lang}] GET /quick-wins/template.csv", template))


def opd_implementation(v: Visit) -> None:
    v.get("/opd")
    v.get("/evaluation")
    v.post("/evaluation/submit", {"window": "2025-H1", "region":
                                  code(v.lw, "implementation")}, "/evaluation")


def assessor(v: Visit) -> None:
    e = code(v.lw, "implementation")
    v.get("/board")
    v.get("/evaluation")
    v.get(f"/evaluation?region={e}")
    v.get(f"/regions/{e}")
    v.get(f"/regions/{code(v.lw, 'mou')}")
    v.post("/evaluation/score", {"window": "2026-H1", "region": e, "part": "output",
                                 "value": "tiga"}, "/evaluation")
    v.post("/evaluation/extend", {"window": "2026-H1", "region": e, "day": "2026-07-10"},
           "/evaluation")
    v.get("/coordinator", 403)
    v.get("/queue", 403)
    v.get("/opd", 403)


def head(v: Visit) -> None:
    v.get("/my-region")
    v.get(f"/regions/{code(v.lw, 'bimtek_1')}")
    v.get("/evaluation")
    v.post("/my-region/extension", {"until": "besok", "reason": "Menunggu"}, "/my-region")
    v.post("/my-region/advance", {"trigger": "close_bimtek_1"}, "/my-region")
    v.get("/board", 403)
    v.get("/opd", 403)
    v.get(f"/regions/{code(v.lw, 'mou')}", 403)


def head_mou(v: Visit) -> None:
    v.get("/my-region")
    v.get("/my-region?done=extension")
    v.post("/my-region/advance", {"trigger": "sign_mou"}, "/my-region")
    v.post("/my-region/submit", {"deliverable": "signed_mou"}, "/my-region",
           files={"file": ("", b"")})
    v.post("/my-region/submit", {"deliverable": "signed_mou"}, "/my-region",
           files={"file": ("nota.pdf", b"")})


def head_presentation(v: Visit) -> None:
    v.get("/my-region")
    v.get("/my-region?uploaded=presentation")
    v.get(f"/regions/{code(v.lw, 'presentation')}")


def admin(v: Visit) -> None:
    v.get("/board")
    v.get("/accounts")
    v.get("/coordinator")
    v.get(f"/regions/{code(v.lw, 'bimtek_1')}")
    v.get("/evaluation")
    v.get("/queue", 403)
    v.get("/opd", 403)
    v.get("/my-region", 403)


def anonymous(v: Visit) -> None:
    lw = v.lw
    v.get("/login")
    v.get("/login?next=/board")
    v.get("/password/forgot")
    answer = v.client.post(v.url("/login"), data={
        "email": lw.opd("bimtek_1"), "password": "salah-sekali-123",
        "login_token": v._token("/login", "login_token")})
    v.keep("POST /login (wrong password)", answer, 401)
    answer = v.client.post(v.url("/login"), data={"email": "x@y.id", "password": "x"})
    v.keep("POST /login (no token)", answer, 403)
    answer = v.client.post(v.url("/password/forgot"), data={
        "email": lw.opd("bimtek_1"), "form_token": v._token("/password/forgot", "form_token")})
    v.keep("POST /password/forgot", answer, 200)
    answer = v.client.post(v.url("/password/forgot"), data={"email": "x@y.id"})
    v.keep("POST /password/forgot (no token)", answer, 403)
    now = lw.prog.engine.clock()
    token = links.make_token(lw.prog.settings, lw.opd("bimtek_1"), "/opd", now)
    v.get(f"/l/{token}")
    v.get("/l/bukan-tautan-yang-sah", 401)
    invite = next(m for m in lw.mails if m.kind == "account_invite" and m.lang == "id")
    found = re.search(r"/password/([A-Za-z0-9_.\-]+)", invite.text)
    assert found, invite.text
    v.get(f"/password/{found.group(1)}", 401)  # half a year old: expired
    for purpose in (links.INVITE, links.RESET):
        url = links.make_password_url(lw.prog.settings, lw.opd("bimtek_1"), purpose, now)
        token = url.rpartition("/password/")[2]
        v.get(f"/password/{token}")
        answer = v.client.post(v.url(f"/password/{token}"), data={
            "password": "pendek", "repeated": "lain",
            "form_token": v._token(f"/password/{token}", "form_token")})
        v.keep(f"POST /password/<{purpose}> (too short)", answer, 422)
    v.get("/password/bukan-tautan", 401)
    v.get("/halaman-yang-tidak-ada", 404)
    v.get("/static/tidak-ada.css", 404)


ROLES: dict[str, tuple[Any, Any]] = {
    # role: (who signs in, from the world; what they open)
    "coordinator": (lambda lw: lw.world.COORDINATOR, coordinator),
    "mailbox": (lambda lw: lw.world.COORDINATOR, mailbox),
    "regional_coordinator": (lambda lw: REGIONAL, regional),
    "mentor": (lambda lw: lw.regions["mentor_review"].mentor, mentor),
    "opd": (lambda lw: lw.opd("bimtek_1"), opd),
    "opd_revision": (lambda lw: lw.opd("revision"), opd_revision),
    "opd_implementation": (lambda lw: lw.opd("implementation"), opd_implementation),
    "assessor": (lambda lw: lw.world.ASSESSOR, assessor),
    "head_of_region": (lambda lw: lw.regions["bimtek_1"].head, head),
    "head_mou": (lambda lw: lw.regions["mou"].head, head_mou),
    "head_presentation": (lambda lw: lw.regions["presentation"].head, head_presentation),
    "admin": (lambda lw: ADMIN, admin),
    "anonymous": (lambda lw: None, anonymous),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_is_in_one_language(leaky: tuple[LeakWorld, Web], role: str,
                                                  lang: str) -> None:
    lw, web = leaky
    who, visits = ROLES[role]
    visit = Visit(lw, web, who(lw), lang)
    visits(visit)
    checker = Checker.load()
    # The outbox and the mailbox list every email's subject, in its reader's language (the
    # emails' own words are checked in tests/workflows/emails/test_catalogue__language.py).
    masked = [*lw.masked, *(m.subject for m in lw.mails), UNREGISTERED]
    findings = []
    for where, answer in visit.seen:
        kind = answer.headers.get("content-type", "")
        if "calendar" in kind:
            findings += checker.find(where, calendar_text(answer.text), lang, masked)
        elif "html" in kind:
            findings += checker.find(where, visible(answer.text), lang, masked,
                                     unasked=visible(answer.text, technical=False))
        else:
            findings += checker.find(where, answer.text, lang, masked)
    assert not findings and not visit.unexpected, (
        f"{len(findings)} leaks:\n{report(findings)}\n" + "\n".join(visit.unexpected))


def test_the_world_has_what_the_pages_are_read_in(leaky: tuple[LeakWorld, Web]) -> None:
    """The stages, the requests and the mail the page checks rely on are really there."""
    lw, _ = leaky
    assert {lw.world.state(r.code) for r in lw.regions.values()} == set(lw.regions)
    kinds = {m.kind for m in lw.mails}
    assert kinds == set(EMAILS.kinds), kinds
    assert {m.lang for m in lw.mails} == {"id", "en"}
    assert lw.pending_request


@pytest.mark.parametrize(("html", "lang", "what"), [
    ("<p>Tahap: Mentor review</p>", "id", "definition text 'Mentor review'"),
    ("<p>wrong email address or password</p>", "id", "English word 'or'"),
    ("<button title='Close bimtek I'>x</button>", "id", "definition text 'Close bimtek I'"),
    ("<p>menyerahkan quick_win_plan v2</p>", "id", "raw key 'quick_win_plan'"),
    ("<p>queue.action.approve</p>", "id", "catalogue key 'queue.action.approve'"),
    ("<p>Jalankan smartcity evaluation extend</p>", "id", "a command of the command line"),
    ("<p>" + "ab12" * 16 + "</p>", "en", "a 64-digit hex digest"),
    ("<p>Stage: Reviu mentor</p>", "en", "definition text 'Reviu mentor'"),
    ("<p>Deadline: paling lambat besok</p>", "en", "catalogue text 'paling lambat'"),
    ("<p>Signed by the head_of_region</p>", "en", "raw key 'head_of_region'"),
])
def test_the_checker_finds_what_it_must(html: str, lang: str, what: str) -> None:
    """The checks are not vacuous: each kind of leak in a small page is found."""
    found = [f.what for f in Checker.load().find("page", visible(html), lang)]
    assert what in found, found


def test_names_typed_text_and_technical_details_are_not_leaks() -> None:
    html = ("<p>Kota Balikpapan: Online permits in one portal</p>"
            "<details class='technical'><summary>Detail teknis</summary>"
            "<code>" + "ab12" * 16 + "</code></details><script>var the = 1;</script>"
            "<textarea>typed by the person</textarea><a href='/regions/64.71'>Buka</a>")
    found = Checker.load().find("page", visible(html), "id",
                                ["Kota Balikpapan", "Online permits in one portal"],
                                unasked=visible(html, technical=False))
    assert found == []
