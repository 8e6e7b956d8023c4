"""Every page, as every role sees it, checked by axe-core in real Chromium at a laptop's size
(1366x768) and a phone's (390x844): no violation of any rule axe runs by default (WCAG 2.x A
and AA, best practices), no page wider than a phone, and tap targets a thumb can hit.

axe-core comes from npm (``package.json`` at the repository root pins it; ``npm ci`` in
``.ci/run`` installs it into ``node_modules``) and is injected into each page by Playwright.
Without it the module is skipped, except under ``CI=true``, where it fails.

The world is built so that every part of every page has something to show: a plan in its
second review round (the mentor's queue), a region in revision with a pending extension (the
OPD's page, the coordinator's tools), a region in implementation with a scored evaluation
return (the ranking and its charts), a head of region who owes the MoU, real emails in a
local SMTP sink (the mailbox), a sign-in link and error pages. One Chromium per module, one
browser context per role.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from worldkit import World  # type: ignore[import-not-found]

from config.settings import Settings
from interfaces.bootstrap import initialise
from interfaces.web.app import create_app
from notifications.dispatcher import Dispatcher
from notifications.sink import MailSink, running_sink
from notifications.smtp import SmtpSender
from workflows.access import accounts, links
from workflows.deadlines import extensions, setting
from workflows.evaluation.returns import submit_return
from workflows.evaluation.scores import score
from workflows.evaluation.windows import ensure_windows
from workflows.programme import Programme

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[4]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "kata-sandi-rahasia-1"
ADMIN = "admin@komdigi.go.id"
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
TAP = 44  # px: the smallest tap target on a phone (menu links, ID/EN, buttons, summaries)
# What must be big enough to tap on a phone: everything in the header bar, and every button
# and disclosure in the page (links inside running text are exempt, as WCAG 2.5.5 allows).
TAPPABLE = ("header.top a, header.top button, .skip-link, main button, "
            "main input[type=submit], main summary")
BALIKPAPAN, SAMARINDA, JAYAPURA, MIMIKA = "64.71", "64.72", "91.71", "94.04"
WINDOW = "2026-H1"
# 10 June 2026, 09:00 WIB: inside the 2026-H1 evaluation window (1-30 June).
NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)


@dataclass
class _Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    url: str
    world: Any  # worldkit.World
    sink: MailSink
    regions: dict[str, Any]  # code -> worldkit.Seeded
    link: str  # a valid sign-in link's path
    password_link: str  # a valid invitation's path, to choose a password
    pages: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def mail_for(self, email: str) -> int:
        """The number of the newest message addressed to ``email``."""
        found = [m.number for m in self.sink.listing() if email in m.recipients]
        assert found, f"no mail for {email} in the sink"
        return found[-1]


def _missing(reason: str) -> None:
    if UNDER_CI:
        pytest.fail(f"{reason} (required under CI=true; .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.is_file():
        _missing(f"axe-core is not installed at {AXE}: run 'npm ci' at the repository root")
    return str(AXE)


def _deliver(prog: Programme) -> None:
    """Send what the outbox holds to the sink, as the dispatcher does."""
    async def run() -> None:
        sender = SmtpSender.from_settings(prog.settings)
        try:
            report = await Dispatcher(prog.db, sender, "a11y", prog.engine.clock).run_once()
            assert report.dead == report.retried == 0
        finally:
            await sender.close()
    asyncio.run(run())


def _seed(prog: Programme, folder: Path) -> tuple[World, dict[str, Any]]:
    world = World(prog, folder / "in")
    world.seed_people()
    balikpapan = world.region(BALIKPAPAN)
    samarinda = world.region(SAMARINDA, opds=("DINKES", "DISHUB"))
    jayapura = world.region(JAYAPURA)
    mimika = world.region(MIMIKA)
    ensure_windows(prog, 2026)
    # Balikpapan: its plan rejected once, revised, and back with the mentor (round 2).
    world.drive(balikpapan, "mentor_review")
    world.reject(balikpapan, "Target belum terukur; lengkapi anggaran tiap quick win.")
    world.revise(balikpapan)
    # Samarinda: implementing, its 2026-H1 return handed in and scored.
    world.drive(samarinda, "implementation")
    submit_return(prog, SAMARINDA, WINDOW, samarinda.opd)
    for part, value in {"baseline": 3, "output": 4, "outcome": 3, "impact": 2,
                        "quick_win": 4}.items():
        score(prog, SAMARINDA, WINDOW, part, value, world.ASSESSOR)
    # Jayapura (WIT): its plan rejected, the OPD owes a revision and asks for more time.
    world.drive(jayapura, "mentor_review")
    world.reject(jayapura, "Quick win belum selaras dengan RPJMD.")
    # Mimika: the head of region owes the signed MoU; a cohort date for bimtek I.
    world.drive(mimika, "mou")
    setting.set_cohort_deadline(prog, world.COHORT, "bimtek_1", date(2026, 8, 31),
                                actor=world.COORDINATOR)
    _deliver(prog)
    # After the delivery, so that the coordinators' notice waits in the outbox.
    extensions.request_extension(prog, JAYAPURA, date(2026, 7, 15),
                                 "Tim sedang menyiapkan data anggaran", actor=jayapura.opd)
    for email in (world.COORDINATOR, world.ASSESSOR, balikpapan.mentor, jayapura.opd,
                  mimika.head):
        accounts.create(prog, email, PASSWORD)
    accounts.create(prog, ADMIN, PASSWORD, is_admin=True)
    return world, {r.code: r for r in (balikpapan, samarinda, jayapura, mimika)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, serving: Any) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("a11y")
    with running_sink() as (port, sink):
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'sc.db'}",
                            smtp_port=port)
        prog = Programme(settings, clock=_Clock(NOW))
        try:
            initialise(prog)
            world, regions = _seed(prog, folder)
            link = "/l/" + links.make_token(settings, regions[JAYAPURA].opd, "/opd", NOW)
            invited = links.make_password_url(settings, regions[BALIKPAPAN].opds["BAPPEDA"],
                                              links.INVITE, NOW)
            with serving(create_app(prog, mailbox=sink)) as url:
                yield Site(url, world, sink, regions, link,
                           invited.removeprefix(settings.base_url))
        finally:
            prog.close()


def _approve_in_the_queue(page: Any) -> Any:
    """The mentor presses "Setujui": the confirmation page (nothing is decided yet)."""
    page.goto("/queue")
    entry = page.locator(f"#region-{BALIKPAPAN.replace('.', chr(92) + '.')}")
    with page.expect_navigation() as navigation:
        entry.get_by_role("button", name="Setujui").click()
    return navigation.value


#: A page to check: its path, or what to do to reach it (and its name in the report).
Target = str | tuple[str, Callable[[Any], Any]]


def _pages(site: Site, role: str) -> tuple[str | None, list[tuple[Target, int]]]:
    """Who signs in for ``role`` and the pages they visit, with the status each answers."""
    w, r = site.world, site.regions
    cohort = quote(w.COHORT)
    evaluation = f"/evaluation?window={WINDOW}&cohort={cohort}&region={SAMARINDA}"
    missing = ("/regions/99.99", 404)
    if role == "anonymous":
        return None, [("/login", 200), (site.link, 200), ("/l/not-a-real-link", 401),
                      ("/password/forgot", 200), (site.password_link, 200)]
    if role == "coordinator":
        return w.COORDINATOR, [
            ("/board", 200), ("/board?compact=1&status=late", 200), ("/attention", 200),
            ("/overview", 200), ("/overview?province=64&colour=stage", 200),
            ("/analytics", 200), (f"/analytics?region={BALIKPAPAN}", 200),
            ("/analytics/report", 200),
            (f"/regions/{BALIKPAPAN}", 200), (f"/regions/{JAYAPURA}", 200),
            ("/coordinator", 200), (f"/coordinator?cohort={cohort}", 200),
            (f"/coordinator/dates?cohort={cohort}", 200), ("/coordinator/extensions", 200),
            ("/coordinator/outbox?status=pending", 200), ("/coordinator/exports", 200),
            (f"/coordinator/reminders?cohort={cohort}", 200),
            (f"/coordinator/report/regions/{BALIKPAPAN}", 200), (evaluation, 200),
            ("/evaluation/editions", 200), ("/accounts", 200), ("/mailbox", 200),
            (f"/mailbox/{site.mail_for(r[JAYAPURA].opd)}", 200), missing]
    if role == "mentor":
        mentor = r[BALIKPAPAN].mentor
        return mentor, [("/queue", 200), (("/queue → Setujui", _approve_in_the_queue), 200),
                        (f"/regions/{BALIKPAPAN}", 200), ("/evaluation", 200),
                        ("/mailbox", 200), (f"/mailbox/{site.mail_for(mentor)}", 200),
                        ("/coordinator", 403), ("/attention", 403)]
    if role == "opd":
        opd = r[JAYAPURA].opd
        return opd, [("/opd", 200), (f"/regions/{JAYAPURA}", 200), ("/evaluation", 200),
                     ("/mailbox", 200), (f"/mailbox/{site.mail_for(opd)}", 200),
                     ("/queue", 403), ("/analytics", 403)]
    if role == "assessor":
        return w.ASSESSOR, [("/board", 200), ("/overview", 200), ("/analytics", 200),
                            (evaluation, 200), ("/evaluation/editions", 200),
                            (f"/regions/{SAMARINDA}", 200),
                            ("/mailbox", 200)]
    if role == "head":
        return r[MIMIKA].head, [("/my-region", 200), (f"/regions/{MIMIKA}", 200),
                                ("/evaluation", 200), ("/mailbox", 200)]
    if role == "admin":
        return ADMIN, [("/board", 200), ("/attention", 200), ("/coordinator", 200),
                       (f"/regions/{BALIKPAPAN}", 200),
                       ("/accounts", 200), ("/mailbox", 200), missing]
    raise AssertionError(role)


#: Pages kept as full-page screenshots at a phone's size (tests/artifacts/phone-NAME.png).
SHOTS = {("coordinator", "/board"): "board", ("coordinator", f"/regions/{BALIKPAPAN}"): "region",
         ("coordinator", "/coordinator"): "coordinator", ("opd", "/opd"): "opd",
         ("coordinator", "/attention"): "attention", ("coordinator", "/overview"): "overview",
         ("coordinator", "/analytics"): "analytics",
         ("mentor", "/queue"): "queue", ("head", "/my-region"): "my-region",
         ("assessor", f"/evaluation?window={WINDOW}&cohort={quote(World.COHORT)}"
                      f"&region={SAMARINDA}"): "evaluation"}

ROLES = ["anonymous", "coordinator", "mentor", "opd", "assessor", "head", "admin"]

# An email's HTML in the mailbox is in a sandboxed frame that runs no script: axe checks the
# page around it (iframes: false), the frame's own markup is the emails' concern.
AXE_RUN = """async () => {
  const result = await axe.run(document, {iframes: false, resultTypes: ['violations']});
  return {
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 6).map(n => n.target.join(' '))})),
    passed: result.passes.length,
    incomplete: result.incomplete.map(v => `${v.id}: `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))};
}"""

TOO_SMALL = """([selector, tap]) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown
    if (box.height < tap || box.width < tap)
      small.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" `
                 + `${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""


FIRST_FOCUSABLE = """() => {
  const first = document.querySelector('a[href], button, input:not([type=hidden]), select, '
                                       + 'textarea, summary, [tabindex]:not([tabindex="-1"])');
  return first && first.getAttribute('href');
}"""

# The innermost elements that reach past the window's right edge.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5
          && ![...el.children].some(c => c.getBoundingClientRect().right
                                         > window.innerWidth + 0.5))
  .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className} `
                         + `"${el.textContent.trim().slice(0, 30)}"`)"""

# Frames that scroll sideways on a phone, but for the two that are meant to: the cohort
# board (its region column stays) and the workflow diagram (kept at a readable size).
INNER_SCROLL = """() => [...document.querySelectorAll('main *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
          && el.scrollWidth > el.clientWidth + 1
          && !el.matches('.diagram') && !el.querySelector('table.board'))
  .map(el => `${el.tagName.toLowerCase()}.${el.className} > `
             + `${el.firstElementChild ? el.firstElementChild.tagName.toLowerCase()
                                         + '#' + el.firstElementChild.id : ''}`)"""

# Text drawn in a picture (the workflow diagram, the evaluation charts) as rendered: too
# small to read (under 12 px once the SVG is scaled), or cut off by the picture's edge.
SVG_TEXT = """() => {
  const found = [];
  for (const text of document.querySelectorAll('main svg text')) {
    const svg = text.ownerSVGElement, m = text.getScreenCTM();
    const scale = Math.hypot(m.a, m.b);  // rotated text too
    const size = parseFloat(getComputedStyle(text).fontSize) * scale;
    const what = text.textContent.trim().slice(0, 40);
    if (size < 11.95) found.push(`"${what}" at ${size.toFixed(1)} px`);
    const box = text.getBoundingClientRect(), edge = svg.getBoundingClientRect();
    if (box.left < edge.left - 1 || box.right > edge.right + 1 || box.bottom > edge.bottom + 1)
      found.push(`"${what}" cut off by the picture's edge`);
  }
  return found;
}"""


def _sign_in(chromium: Any, site: Site, email: str | None) -> Any:
    # The mailbox pages forbid every script (CSP): axe is let in, the page's own policy kept.
    context = chromium.new_context(base_url=site.url, locale="id-ID",
                                   viewport=SIZES["laptop"], bypass_csp=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    if email is not None:
        page.goto("/login")
        page.get_by_label("Alamat email").fill(email)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(lambda url: "/login" not in url)
    return page


def _check(page: Any, target: Target, status: int, axe: str, tally: dict[str, Any],
           shot: Path | None = None) -> dict[str, list[str]]:
    """The problems of one page at every size: {size: [problem, ...]}; axe's counts of the
    page in ``tally``; at a phone's size, a screenshot to ``shot``. The page is loaded once;
    the window then narrows to a phone's."""
    problems: dict[str, list[str]] = {}
    page.set_viewport_size(SIZES["laptop"])
    response = page.goto(target) if isinstance(target, str) else target[1](page)
    page.add_script_tag(path=axe)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        found: list[str] = []
        if size == "laptop" and (response is None or response.status != status):
            found.append(f"answered {response.status if response else None}, not {status}")
        result = page.evaluate(AXE_RUN)
        tally[size] = {"violations": len(result["violations"]), "passed": result["passed"],
                       "incomplete": result["incomplete"]}
        for v in result["violations"]:
            found.append(f"axe {v['id']} ({v['impact']}: {v['help']}): "
                         + "; ".join(v["targets"]))
        if size == "phone":
            if shot is not None:
                page.screenshot(path=str(shot), full_page=True)
            wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if wide[0] > wide[1]:
                found.append(f"scrolls sideways: {wide[0]} px wide in a {wide[1]} px window, "
                             f"past its edge: {page.evaluate(TOO_WIDE)}")
            found.extend(f"tap target under {TAP} px: {s}"
                         for s in page.evaluate(TOO_SMALL, [TAPPABLE, TAP]))
            found.extend(f"picture text {s}" for s in page.evaluate(SVG_TEXT))
            found.extend(f"scrolls sideways inside: {s}" for s in page.evaluate(INNER_SCROLL))
        else:  # the skip link comes first, and leads to the page's content
            first = page.evaluate(FIRST_FOCUSABLE)
            if first != "#main" or not page.locator("main#main").count():
                found.append(f"the first focusable element is {first!r}, not the skip link")
        if found:
            problems[size] = found
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_passes_axe_at_both_sizes(
        role: str, site: Site, chromium: Any, axe: str, artifacts: Path) -> None:
    email, pages = _pages(site, role)
    page = _sign_in(chromium, site, email)
    tallies: dict[str, dict[str, Any]] = {}
    try:
        report = {}
        for target, status in pages:
            name = target if isinstance(target, str) else target[0]
            shot = (artifacts / f"phone-{SHOTS[role, name]}.png" if (role, name) in SHOTS
                    else None)
            if found := _check(page, target, status, axe, tallies.setdefault(name, {}), shot):
                report[name] = found
    finally:
        page.context.close()
    # What axe found, page by page (kept with the screenshots: the rule counts per page).
    (artifacts / f"axe-{role}.json").write_text(
        json.dumps(tallies, indent=1, ensure_ascii=False), encoding="utf-8")
    assert not report, f"{role}: " + json.dumps(report, indent=1, ensure_ascii=False)
