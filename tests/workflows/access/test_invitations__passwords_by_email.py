"""Passwords set by email, on both databases: an invitation opens an account with no password
and queues its email in the same transaction; a cohort's OPDs are invited once each; the
list filters by words (LIKE characters taken literally), status and role; a reset is asked in
silence; a link sets a password once, and only a manager may do any of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher

from engine import Actor, ConflictError, InvalidInputError, PermissionDenied
from notifications import outbox
from workflows import roles
from workflows.access import accounts, invitations, links, roster
from workflows.access.roster import Manager

BY = Manager("koordinator@komdigi.go.id", False, "Tim Koordinator")
PASSWORD = "kata-sandi-rahasia-1"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def queued(world: Any, kind: str) -> dict[str, Any]:
    return {m.recipient: m for m in outbox.listing(world.prog.db, None, 500) if m.kind == kind}


def token_of(message: Any) -> str:
    url = next(w for w in message.text_body.split() if "/password/" in w)
    return urlsplit(url).path.rsplit("/", 1)[1]


def test_only_administrators_and_programme_wide_coordinators_manage_accounts() -> None:
    assert roster.may_manage(True, None)
    assert roster.may_manage(False, Actor("k@x.go.id", roles.COORDINATOR, None))
    for actor in (Actor("k@x.go.id", roles.COORDINATOR, frozenset({"64.71"})),
                  Actor("o@x.go.id", roles.OPD, frozenset({"64.71"}), party="DINKES"),
                  Actor("m@x.go.id", roles.MENTOR, frozenset()), None):
        assert not roster.may_manage(False, actor)
        with pytest.raises(PermissionDenied):
            roster.manager("x@x.go.id", False, actor)


def test_an_invitation_opens_an_account_and_its_link_sets_the_password_once(
        world: Any) -> None:
    r = world.region()
    invited = invitations.invite(world.prog, BY, r.opd, "en")
    assert invited.locale == "en" and not accounts.has_password(invited)
    mail = queued(world, "account_invite")[r.opd]
    assert mail.subject.startswith("Invitation:") and "Tim Koordinator has invited you" \
        in mail.text_body
    token, now = token_of(mail), world.prog.engine.clock()
    with pytest.raises(InvalidInputError), world.prog.db.transaction() as session:
        invitations.set_password_by_link(session, world.prog.settings, token, "pendek",
                                         "pendek", now)
    with world.prog.db.transaction() as session:
        account = invitations.set_password_by_link(session, world.prog.settings, token,
                                                   PASSWORD, PASSWORD, now)
        assert accounts.has_password(account) and account.links_valid_after == now
    with pytest.raises(invitations.LinkRefused) as refused, world.prog.db.read() as session:
        invitations.check_link(session, world.prog.settings, token, now)
    assert refused.value.reason == links.USED
    with pytest.raises(ConflictError):
        invitations.invite(world.prog, BY, r.opd)  # it has a password now


def test_a_cohort_invitation_reaches_each_opd_without_an_account_once(world: Any) -> None:
    r = world.region()
    other = world.region("64.72", opds=("DINKES",))
    accounts.create(world.prog, r.opd, PASSWORD)
    assert invitations.invite_cohort_opds(world.prog, BY, world.COHORT) == 2
    assert set(queued(world, "account_invite")) == {r.opds["BAPPEDA"], other.opd}
    assert invitations.invite_cohort_opds(world.prog, BY, world.COHORT) == 0
    with world.prog.db.read() as session:
        assert roster.cohorts_to_invite(session)[0][1:] == (world.COHORT, 0)
        found = roster.roster(session, status=roster.INVITED, role=roles.OPD)
        assert {row.email for row in found.rows} == {r.opds["BAPPEDA"], other.opd}
        assert roster.roster(session, search="%").total == 0  # a literal "%"
        assert roster.roster(session, search="KOMUNIKASI").rows[0].email == r.opd


def test_a_reset_is_asked_in_silence(world: Any) -> None:
    r = world.region()
    for address in ("nobody@pemda.go.id", "not an address", r.mentor, r.mentor):
        invitations.request_reset(world.prog, address)  # never says whether it sent
    assert list(queued(world, "password_reset")) == [r.mentor]
