"""The coordinator's inbox: each category holds an item while its condition holds and drops it
once it is resolved, within the viewer's scope, with a fixed number of queries.

Kota Balikpapan (64.71) is in WITA, Kabupaten Mimika (94.04) in WIT. The simulated clock starts
on 5 Jan 2026 09:00 WIB; the MoU stage's deadline is 120 days after it is entered, the mentor
review's 21.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from engine import Records
from notifications import outbox
from workflows.deadlines import extensions
from workflows.reporting import attention, coordination
from workflows.reporting.attention import (
    COORDINATOR,
    DEAD_LETTERS,
    ESCALATIONS,
    EXTENSIONS,
    REVIEWS,
    STALLED,
    attention_counts,
    attention_items,
)
from workflows.reporting.attention_scan import escalation_point
from workflows.zones import NATIONAL_TZ

BALIKPAPAN = "64.71"  # WITA
MIMIKA = "94.04"  # WIT
KOTIM = "62.02"  # WIB


def counts(prog: Any, scope: frozenset[str] | None = None) -> dict[str, int]:
    with prog.db.read() as session:
        return attention_counts(prog, session, scope)


def items(prog: Any, category: str, scope: frozenset[str] | None = None) -> list[Any]:
    """Every item of ``category`` (its own pages, read one after the other)."""
    found, page = [], 1
    while True:
        with prog.db.read() as session:
            shown = attention_items(prog, session, scope, category=category, page=page)
        (group,) = shown.groups
        found += group.items
        assert shown.counts[category] == group.count
        if page >= group.pages:
            return found
        page += 1


def regions(prog: Any, category: str, scope: frozenset[str] | None = None) -> list[str]:
    return [i.region for i in items(prog, category, scope)]


def open_deadline(prog: Any, code: str) -> Any:
    with prog.db.read() as session:
        instance = prog.current_instance(session, code)
        found = Records(session).open_deadline(instance.id, instance.state)
    assert found is not None
    return found


def test_an_extension_request_waits_until_it_is_decided(world: Any) -> None:
    balikpapan = world.region(BALIKPAPAN)
    world.leave(balikpapan, "assessment")  # MoU: the head of region owes the signed MoU
    assert counts(world.prog)[EXTENSIONS] == 0

    asked = extensions.request_extension(world.prog, BALIKPAPAN, date(2026, 6, 30),
                                         "Kepala daerah dinas luar", actor=balikpapan.head)
    assert counts(world.prog)[EXTENSIONS] == 1
    (item,) = items(world.prog, EXTENSIONS)
    assert item.href == f"/coordinator/extensions#extension-{asked.id}"
    assert (item.region, item.zone, str(item.stage)) == (BALIKPAPAN, "WITA", "MoU")
    assert item.request.reason == "Kepala daerah dinas luar"
    assert item.due_at == open_deadline(world.prog, BALIKPAPAN).due_at

    extensions.decide_extension(world.prog, asked.id, True, None, actor=world.COORDINATOR)
    assert counts(world.prog)[EXTENSIONS] == 0
    assert items(world.prog, EXTENSIONS) == []


def test_a_missed_deadline_is_escalated_from_its_escalation_morning(world: Any,
                                                                    clock: Any) -> None:
    balikpapan = world.region(BALIKPAPAN)
    world.leave(balikpapan, "assessment")
    deadline = open_deadline(world.prog, BALIKPAPAN)
    point = escalation_point(world.prog, deadline, NATIONAL_TZ)
    assert point - deadline.due_at >= timedelta(days=world.prog.settings.escalation_days)

    clock.now = deadline.due_at + timedelta(hours=1)  # overdue, not yet escalated
    assert counts(world.prog)[ESCALATIONS] == 0
    clock.now = point
    assert counts(world.prog)[ESCALATIONS] == 1
    (item,) = items(world.prog, ESCALATIONS)
    assert (item.href, item.since, item.due_at) == (
        f"/regions/{BALIKPAPAN}", deadline.due_at, deadline.due_at)
    assert item.who == (f"Kepala Daerah {BALIKPAPAN}",)  # the head owes the signed MoU
    assert [str(w) for w in item.what] == ["Signed MoU"]
    assert item.days == (point - deadline.due_at).days

    # Granting an extension moves the deadline past now: nothing is escalated any more.
    asked = extensions.request_extension(world.prog, BALIKPAPAN,
                                         (point + timedelta(days=30)).date(), "Banjir",
                                         actor=balikpapan.head)
    assert counts(world.prog)[ESCALATIONS] == 1  # asking alone changes nothing
    extensions.decide_extension(world.prog, asked.id, True, None, actor=world.COORDINATOR)
    assert counts(world.prog)[ESCALATIONS] == 0


def test_a_stage_waiting_only_for_the_coordinator(world: Any) -> None:
    balikpapan = world.region(BALIKPAPAN)
    world.drive(balikpapan, "institutions")
    # The coordinator owes the two decrees: documents, so not "waiting for the coordinator".
    assert counts(world.prog)[COORDINATOR] == 0
    world.submit(BALIKPAPAN, "council_decree", world.COORDINATOR)
    world.submit(BALIKPAPAN, "implementation_team_decree", world.COORDINATOR)
    assert counts(world.prog)[COORDINATOR] == 1
    (item,) = items(world.prog, COORDINATOR)
    assert item.href == f"/regions/{BALIKPAPAN}"
    assert [str(w) for w in item.what] == ["Institutions established; start bimtek I"]

    world.fire(BALIKPAPAN, "establish_institutions", world.COORDINATOR)
    assert counts(world.prog)[COORDINATOR] == 0  # bimtek I: the OPDs owe questionnaires
    first, second = balikpapan.opds.values()
    world.submit(BALIKPAPAN, "questionnaire", first)
    assert counts(world.prog)[COORDINATOR] == 0  # one OPD still owes its questionnaire
    world.submit(BALIKPAPAN, "questionnaire", second)
    assert regions(world.prog, COORDINATOR) == [BALIKPAPAN]
    world.fire(BALIKPAPAN, "close_bimtek_1", world.COORDINATOR)
    assert counts(world.prog)[COORDINATOR] == 0


def test_an_overdue_review_names_its_mentor_and_is_not_an_escalation(world: Any,
                                                                      clock: Any) -> None:
    balikpapan = world.region(BALIKPAPAN)
    world.drive(balikpapan, "mentor_review")
    deadline = open_deadline(world.prog, BALIKPAPAN)
    clock.now = deadline.due_at - timedelta(minutes=1)
    assert counts(world.prog)[REVIEWS] == 0
    clock.now = escalation_point(world.prog, deadline, NATIONAL_TZ) + timedelta(days=1)
    assert counts(world.prog)[REVIEWS] == 1
    assert counts(world.prog)[ESCALATIONS] == 0
    (item,) = items(world.prog, REVIEWS)
    assert (item.region, item.since, item.who) == (
        BALIKPAPAN, deadline.due_at, (f"Mentor {BALIKPAPAN}",))

    world.leave(balikpapan, "mentor_review")  # the mentor approves
    assert counts(world.prog)[REVIEWS] == 0


def test_a_region_stalls_after_the_threshold_except_in_a_stage_that_ends_by_itself(
        world: Any, clock: Any, make_prog: Callable[..., Any]) -> None:
    balikpapan = world.region(BALIKPAPAN)
    mimika = world.region(MIMIKA)
    world.leave(balikpapan, "assessment")  # entered the MoU stage now
    world.drive(mimika, "implementation")  # a stage nobody is expected to close
    entered = clock.now
    strict = make_prog(stall_days=30)

    clock.now = entered + timedelta(days=30)
    assert counts(strict)[STALLED] == 0  # not more than 30 days yet
    clock.now = entered + timedelta(days=30, minutes=1)
    assert regions(strict, STALLED) == [BALIKPAPAN]
    (item,) = items(strict, STALLED)
    assert (item.since, item.days, str(item.stage), item.zone) == (entered, 30, "MoU", "WITA")
    assert counts(world.prog)[STALLED] == 0  # the default threshold is 60 days

    clock.now = entered + timedelta(days=400)
    assert regions(world.prog, STALLED) == [BALIKPAPAN]
    world.leave(balikpapan, "mou")  # a new stage: its days count afresh
    assert counts(world.prog)[STALLED] == 0


def test_dead_letters_are_for_programme_wide_viewers_until_sent_again(world: Any) -> None:
    world.region(BALIKPAPAN)
    dead = world.dead_letter(answer="550 5.1.1 User unknown\nmore detail")
    assert counts(world.prog)[DEAD_LETTERS] == 1
    (item,) = items(world.prog, DEAD_LETTERS)
    assert item.href == "/coordinator/outbox?status=dead" and item.region is None
    assert (item.letter.id, item.letter.recipient, item.letter.error) == (
        dead, "typo@pemda.go.id", "550 5.1.1 User unknown")
    assert DEAD_LETTERS not in counts(world.prog, frozenset({BALIKPAPAN}))

    outbox.retry_dead(world.prog.db, [dead], world.prog.engine.clock())
    assert counts(world.prog)[DEAD_LETTERS] == 0


def test_a_scoped_viewer_sees_its_own_regions_only(world: Any, clock: Any) -> None:
    balikpapan, mimika = world.region(BALIKPAPAN), world.region(MIMIKA)
    for r in (balikpapan, mimika):
        world.leave(r, "assessment")
        extensions.request_extension(world.prog, r.code, date(2026, 6, 30), "Pilkada",
                                     actor=r.head)
    clock.now += timedelta(days=200)  # every MoU deadline missed and escalated; stalled
    everything = counts(world.prog)
    assert {c: everything[c] for c in (EXTENSIONS, ESCALATIONS, STALLED)} == {
        EXTENSIONS: 2, ESCALATIONS: 2, STALLED: 2}
    mine = frozenset({MIMIKA})
    assert counts(world.prog, mine) == {EXTENSIONS: 1, ESCALATIONS: 1, COORDINATOR: 0,
                                        REVIEWS: 0, STALLED: 1}
    # The same requests as the coordinators' queue of extension requests.
    with world.prog.db.read() as session:
        for scope in (None, mine):
            queue = coordination.pending_extensions(world.prog, session, scope)
            assert [i.request.id for i in items(world.prog, EXTENSIONS, scope)] == [
                p.request.id for p in queue]
    for category in (EXTENSIONS, ESCALATIONS, STALLED):
        assert regions(world.prog, category, mine) == [MIMIKA]
    assert counts(world.prog, frozenset()) == dict.fromkeys(
        attention.categories_for(frozenset()), 0)


def test_counts_match_the_items_and_the_pages_hold_every_item(
        world: Any, clock: Any, make_prog: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for code in (BALIKPAPAN, MIMIKA, KOTIM):
        world.leave(world.region(code), "assessment")
    clock.now += timedelta(days=2)
    strict = make_prog(stall_days=1)
    with strict.db.read() as session:
        page = attention_items(strict, session, None)
    assert page.counts == counts(strict) and page.total == 3
    (stalled,) = [g for g in page.groups if g.category == STALLED]
    assert stalled.count == 3 and len(stalled.items) == 3 and stalled.more == 0

    # A preview shows a few per category; the category's own pages show them all.
    monkeypatch.setattr(attention, "PREVIEW", 2)
    monkeypatch.setattr(attention, "PER_PAGE", 2)
    with strict.db.read() as session:
        page = attention_items(strict, session, None)
    (stalled,) = [g for g in page.groups if g.category == STALLED]
    assert (len(stalled.items), stalled.more) == (2, 1)
    assert sorted(regions(strict, STALLED)) == sorted([BALIKPAPAN, MIMIKA, KOTIM])


def test_queries_do_not_grow_with_the_regions(world: Any, clock: Any) -> None:
    def queries(read: Callable[[Any], Any]) -> int:
        with world.statements() as seen, world.prog.db.read() as session:
            read(session)
        return len(seen)

    def both() -> tuple[int, int]:
        return (queries(lambda s: attention_counts(world.prog, s, None)),
                queries(lambda s: attention_items(world.prog, s, None)))

    first = world.region(BALIKPAPAN)
    world.leave(first, "assessment")
    extensions.request_extension(world.prog, BALIKPAPAN, date(2026, 6, 30), "a",
                                 actor=first.head)
    world.dead_letter("first@pemda.go.id")
    clock.now += timedelta(days=200)  # escalated and stalled
    both()  # the definition's text is read once, then cached
    one = both()
    for code in (MIMIKA, KOTIM, "32.73"):
        r = world.region(code)
        world.leave(r, "assessment")
        extensions.request_extension(world.prog, code, (clock.now + timedelta(days=200)).date(),
                                     "b", actor=r.head)
    world.drive(world.region("31.71"), "mentor_review")
    world.dead_letter("second@pemda.go.id")
    clock.now += timedelta(days=30)
    assert both() == one
