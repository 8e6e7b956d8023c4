"""Approving, withdrawing and adopting are confirmed first: a post without ``confirmed=yes`` is
answered with a "Yakin ...?" page naming what will happen and changes nothing, whatever sent
it (the step is the server's, not a script's); the confirmed post acts. An action the engine
would refuse anyway skips the step and gets the engine's refusal; other actions act at once.
"""

from __future__ import annotations

import html
import re
from typing import Any

from webkit import Web  # type: ignore[import-not-found]

from engine import Records


def _version(web: Web) -> int:
    with web.prog.db.read() as session:
        return int(web.prog.current_instance(session, web.region.code).version)


def _post(web: Web, email: str, url: str, page: str, **data: Any) -> Any:
    browser = web.browser(email)
    return browser.post_form(url, {"expected_version": _version(web), **data}, page=page)


def _confirm_form(page: str) -> dict[str, str]:
    """The hidden fields the confirmation page posts again."""
    form = re.search(r'<section class="confirm-step".*?</section>', page, re.S)
    assert form, "no confirmation step on the page"
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))}


def test_a_mentors_approval_from_the_queue_is_confirmed_first(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    with world.unchanged(r.code):
        asked = _post(web, r.mentor, f"/queue/{r.code}/review", "/queue",
                      decision="approve", comment="Layak <b>dilaksanakan</b>")
    assert asked.status_code == 200
    page = asked.text
    assert "<h1 id=\"confirm-h\">Yakin menyetujui rencana quick win Kota Balikpapan?</h1>" in page
    assert "Belum dilakukan." in page
    consequence = re.search(r'id="confirm-consequence">([^<]*)<', page)
    assert consequence is not None
    assert "Versi 1 disetujui sebagai putaran reviu 1" in consequence.group(1)
    assert "lanjut ke tahap" in consequence.group(1)
    assert "Layak &lt;b&gt;dilaksanakan&lt;/b&gt;" in page  # the comment, as text
    assert 'href="/queue#region-64.71"' in page  # the way back
    hidden = _confirm_form(page)
    assert hidden["decision"] == "approve" and hidden["confirmed"] == "yes"
    assert hidden["expected_version"] == str(_version(web))

    browser = web.browser(r.mentor)
    done = browser.post(f"/queue/{r.code}/review",
                        data={**hidden, "csrf_token": browser.csrf("/queue")})
    assert done.status_code == 303
    assert done.headers["location"] == "/queue?done=approve&region=64.71"
    assert world.state(r.code) == "presentation"
    with web.prog.db.read() as session:
        decided = Records(session).reviews(
            web.prog.current_instance(session, r.code).id, "quick_win_plan")
    assert [(d.decision, d.comment) for d in decided] == [
        ("approved", "Layak <b>dilaksanakan</b>")]


def test_the_confirmation_is_in_english_when_asked(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    browser = web.browser(r.mentor)
    asked = browser.post(f"/queue/{r.code}/review?lang=en", data={
        "decision": "approve", "expected_version": _version(web),
        "csrf_token": browser.csrf("/queue")})
    assert asked.status_code == 200
    assert "Approve the quick-win plan of Kota Balikpapan?" in asked.text
    assert ">Yes, approve</button>" in asked.text and "Not done yet." in asked.text


def test_approval_on_the_region_page_is_confirmed_too(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    url = f"/regions/{r.code}/advance"
    with world.unchanged(r.code):
        asked = _post(web, r.mentor, url, f"/regions/{r.code}", trigger="approve")
    assert asked.status_code == 200 and "Yakin menyetujui" in asked.text
    assert ">Ya, setujui</button>" in asked.text
    hidden = _confirm_form(asked.text)
    assert hidden["trigger"] == "approve"
    browser = web.browser(r.mentor)
    done = browser.post(url, data={**hidden, "csrf_token": browser.csrf(f"/regions/{r.code}")})
    assert done.status_code == 303 and world.state(r.code) == "presentation"


def test_a_withdrawal_asks_first_with_its_comment_editable_and_required(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "bimtek_2")
    url = f"/regions/{r.code}/advance"
    with world.unchanged(r.code):
        asked = _post(web, world.COORDINATOR, url, f"/regions/{r.code}", trigger="withdraw",
                      comment="Daerah mengundurkan diri")
    assert asked.status_code == 200
    page = asked.text
    assert "Yakin menarik Kota Balikpapan dari program?" in page
    assert "Penarikan tidak dapat dibatalkan" in page
    assert re.search(r'<textarea name="comment" maxlength="10000" required>'
                     r'Daerah mengundurkan diri</textarea>', page)
    assert 'class="danger">Ya, tarik daerah ini</button>' in page
    browser = web.browser(world.COORDINATOR)
    done = browser.post(url, data={
        **_confirm_form(page), "comment": "Daerah mengundurkan diri",
        "csrf_token": browser.csrf(f"/regions/{r.code}")})
    assert done.status_code == 303 and world.state(r.code) == "withdrawn"


def test_an_adoption_is_confirmed_first(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "adoption")
    world.submit(r.code, "regulation", world.COORDINATOR)
    url = f"/regions/{r.code}/advance"
    with world.unchanged(r.code):
        asked = _post(web, world.COORDINATOR, url, f"/regions/{r.code}", trigger="adopt")
    assert asked.status_code == 200
    assert "Yakin mencatat penetapan rencana induk Kota Balikpapan?" in asked.text
    assert "Perbup/Perwali" in asked.text
    done = _post(web, world.COORDINATOR, url, f"/regions/{r.code}", trigger="adopt",
                 confirmed="yes")
    assert done.status_code == 303 and world.state(r.code) == "implementation"


def test_what_the_engine_would_refuse_skips_the_step_and_is_refused(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    with world.unchanged(r.code):
        by_opd = _post(web, r.opd, f"/regions/{r.code}/advance", f"/regions/{r.code}",
                       trigger="approve")
        assert by_opd.status_code == 403 and "confirm-step" not in by_opd.text
        browser = web.browser(r.mentor)
        stale = browser.post(f"/queue/{r.code}/review", data={
            "decision": "approve", "expected_version": _version(web) - 1,
            "csrf_token": browser.csrf("/queue")})
        assert stale.status_code == 409 and "confirm-step" not in stale.text
        stranger = world.region("64.72", opds=("DINKES",))
        foreign = _post(web, stranger.mentor, f"/queue/{r.code}/review", "/queue",
                        decision="approve")
        assert foreign.status_code == 403 and "Kota Balikpapan" not in foreign.text


def test_other_actions_are_not_held_up(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    rejected = _post(web, r.mentor, f"/queue/{r.code}/review", "/queue",
                     decision="reject", comment="Lengkapi target")
    assert rejected.status_code == 303 and world.state(r.code) == "revision"
