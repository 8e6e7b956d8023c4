"""On the page of a region's other workflow, what cannot be undone is confirmed first, by the
same step as on the region page: an approval that ends the check-up and a withdrawal are
answered with a "Yakin ...?" page naming the action, the workflow and the stage it leads to,
and change nothing; the confirmed post acts. An action that leads on to another stage acts at
once, and one the engine would refuse skips the step and is refused.
"""

from __future__ import annotations

import html
import re
from typing import Any

from checkupkit import KEY, publish  # type: ignore[import-not-found]
from webkit import Web  # type: ignore[import-not-found]

from workflows import instances
from workflows.master_plan import actions


def _state(web: Web) -> tuple[str, int]:
    with web.prog.db.read() as session:
        instance = web.prog.current_instance(session, web.region.code, KEY)
        return instance.state, instance.version


def _post(web: Web, email: str, page: str, **data: Any) -> Any:
    return web.browser(email).post_form(f"{page}/advance", {
        "expected_version": _state(web)[1], **data}, page=page)


def _confirm_form(page: str) -> dict[str, str]:
    form = re.search(r'<section class="confirm-step".*?</section>', page, re.S)
    assert form, "no confirmation step on the page"
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))}


def _started(web: Web) -> str:
    publish(web.prog)
    r = web.region
    instances.start(web.prog, KEY, r.code, web.world.COORDINATOR)
    return f"/regions/{r.code}/workflows/{KEY}"


def _in_review(web: Web, page: str) -> None:
    r = web.region
    for code, email in r.opds.items():
        actions.submit_data(web.prog, r.code, "report", "laporan.pdf",
                            b"%PDF-1.4\n" + code.encode() + b"\n%%EOF\n", email,
                            party=code, key=KEY)
    sent = _post(web, web.world.COORDINATOR, page, trigger="send")
    assert sent.status_code == 303, sent.text  # to another stage: at once, no step
    assert _state(web)[0] == "review"


def test_an_approval_that_ends_the_workflow_is_confirmed_first(web: Web) -> None:
    page = _started(web)
    _in_review(web, page)
    before = _state(web)
    asked = _post(web, web.world.ASSESSOR, page, trigger="approve")
    assert asked.status_code == 200 and _state(web) == before  # nothing done
    text = html.unescape(asked.text)
    assert "Yakin “Setujui” untuk Kota Balikpapan?" in text
    assert "Pemeriksaan tahunan Kota Balikpapan berpindah ke tahap Selesai" in text
    assert "tidak dapat dibatalkan" in text and ">Ya, lakukan</button>" in text
    assert f'href="{page}#actions-h"' in text  # the way back
    form = _confirm_form(asked.text)
    assert form["confirmed"] == "yes" and form["trigger"] == "approve"
    browser = web.browser(web.world.ASSESSOR)
    done = browser.post(f"{page}/advance", data={**form, "csrf_token": browser.csrf(page)})
    assert done.status_code == 303 and done.headers["location"] == f"{page}?done=approve"
    assert _state(web)[0] == "done"


def test_a_withdrawal_is_confirmed_in_english_with_its_comment_required(web: Web) -> None:
    page = _started(web)
    before = _state(web)
    browser = web.browser(web.world.COORDINATOR)
    asked = browser.post(f"{page}/advance?lang=en", data={
        "trigger": "withdraw", "expected_version": before[1], "comment": "No budget",
        "csrf_token": browser.csrf(page)}, headers={"Accept-Language": "en"})
    assert asked.status_code == 200 and _state(web) == before
    text = html.unescape(asked.text)
    assert "“Withdraw” for Kota Balikpapan: are you sure?" in text, text
    assert "The Yearly check-up of Kota Balikpapan moves to the stage Withdrawn" in text
    assert re.search(r'<textarea name="comment" maxlength="10000" required>No budget'
                     r'</textarea>', text)
    assert 'class="danger">Yes, go ahead</button>' in text


def test_what_the_engine_would_refuse_skips_the_step(web: Web) -> None:
    page = _started(web)
    refused = _post(web, web.region.opd, page, trigger="withdraw", comment="x")
    assert refused.status_code == 403 and _state(web)[0] == "reporting"
