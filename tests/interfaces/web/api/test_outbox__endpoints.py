"""The outbox API: the programme's coordinators list email and re-queue dead letters."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]

from notifications import outbox
from notifications.models import OutboxMessage
from workflows.directory import registration


def queue(web: Web, n: int, *, dead: bool) -> int:
    """Queue a message (dead-lettered with the server's answer if ``dead``); its id."""
    now = web.prog.engine.clock()
    with web.prog.db.transaction() as session:
        outbox.enqueue(session, key=f"test-{n}", kind="reminder", recipient=f"opd{n}@pemda.go.id",
                       subject=f"Pengingat {n}", text_body="teks", html_body="<p>teks</p>",
                       message_id=f"<test-{n}@smartcity>", raw=b"raw", due_at=now, now=now)
    with web.prog.db.transaction() as session:
        found = session.execute(select(OutboxMessage.id).where(
            OutboxMessage.key == f"test-{n}")).scalar_one()
        if dead:
            session.execute(update(OutboxMessage).where(col(OutboxMessage.id) == found).values(
                status="dead", attempts=8, last_error="550 mailbox unavailable"))
        return int(found or 0)


def status_of(web: Web, message_id: int) -> tuple[str, int]:
    with web.prog.db.read() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        return row.status, row.attempts


def test_coordinators_list_the_outbox_with_counts(web: Web) -> None:
    pending, dead = queue(web, 1, dead=False), queue(web, 2, dead=True)
    api = web.api(web.world.COORDINATOR)
    body = api.get("/api/v1/outbox").json()
    assert body["counts"] == {"pending": 1, "sending": 0, "sent": 0, "dead": 1}
    assert [m["id"] for m in body["messages"]] == [dead, pending]  # newest first
    only_dead = api.get("/api/v1/outbox", params={"status": "dead"}).json()["messages"]
    assert [(m["id"], m["last_error"], m["attempts"]) for m in only_dead] == [
        (dead, "550 mailbox unavailable", 8)]
    assert len(api.get("/api/v1/outbox", params={"limit": 1}).json()["messages"]) == 1
    for params in [{"status": "lost"}, {"limit": 0}, {"limit": "many"}]:
        assert api.get("/api/v1/outbox", params=params).status_code == 422, params


def test_the_outbox_is_read_a_page_at_a_time_with_a_cursor(web: Web) -> None:
    ids = [queue(web, n, dead=n % 2 == 0) for n in range(1, 8)]  # 4 pending, 3 dead
    api = web.api(web.world.COORDINATOR)
    for status, expected in ((None, sorted(ids, reverse=True)),  # newest first
                             ("pending", [i for n, i in enumerate(ids, 1) if n % 2]),  # due
                             ("dead", sorted((i for n, i in enumerate(ids, 1) if n % 2 == 0),
                                             reverse=True))):
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 2, **({"status": status} if status else {}),
                      **({"cursor": cursor} if cursor else {})}
            got = api.get("/api/v1/outbox", params=params)
            assert got.status_code == 200, got.text
            body = got.json()
            seen += [m["id"] for m in body["messages"]]
            pages += 1
            cursor = body["next_cursor"]
            assert got.headers.get("x-next-cursor") == cursor
            if cursor is None:
                assert "link" not in got.headers
                break
            assert 'rel="next"' in got.headers["link"]
        assert seen == expected, status  # each message once, in order
        assert pages == -(-len(expected) // 2)
    refused = api.get("/api/v1/outbox", params={"cursor": "not-ours"})
    assert refused.status_code == 422 and refused.json()["code"] == "region.bad_cursor"


def test_only_the_programme_coordinators_may_see_or_retry(web: Web) -> None:
    dead = queue(web, 1, dead=True)
    registration.add_person(web.prog, "sekretariat.6471@pemda.go.id", "Sekretariat",
                            "coordinator", "64.71")
    for email in [web.region.opd, web.region.mentor, "sekretariat.6471@pemda.go.id"]:
        api = web.api(email)
        listed = api.get("/api/v1/outbox")
        assert listed.status_code == 403, email
        assert "only the programme's coordinators" in listed.json()["detail"]
        assert api.post("/api/v1/outbox/retry", json={"ids": [dead]}).status_code == 403
    assert status_of(web, dead) == ("dead", 8)
    assert web.anonymous().get("/api/v1/outbox").status_code == 401


def test_retry_requeues_dead_letters_only(web: Web) -> None:
    pending = queue(web, 1, dead=False)
    first, second = queue(web, 2, dead=True), queue(web, 3, dead=True)
    api = web.api(web.world.COORDINATOR)
    one = api.post("/api/v1/outbox/retry", json={"ids": [first, pending, 999]})
    assert one.status_code == 200
    assert [r["id"] for r in one.json()["requeued"]] == [first]
    assert one.json()["requeued"][0]["last_error"] == "550 mailbox unavailable"
    assert one.json()["not_dead"] == sorted([pending, 999])
    assert status_of(web, first) == ("pending", 0)
    assert status_of(web, second) == ("dead", 8)
    for bad in [{"ids": []}, {"ids": [0]}, {"ids": "all"}]:
        assert api.post("/api/v1/outbox/retry", json=bad).status_code == 422, bad
    every = api.post("/api/v1/outbox/retry", json={})
    assert [r["id"] for r in every.json()["requeued"]] == [second]
    assert status_of(web, second) == ("pending", 0)
