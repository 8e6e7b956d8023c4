"""``smartcity reminders preview`` and ``smartcity worker --once --now``: the preview a
coordinator reads is what the worker then queues, on a simulated clock (``SMARTCITY_NOW`` and
``--now``), without moving the machine's clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from config.settings import get_settings

NOW = "2027-03-01T09:00+07:00"  # Monday, 09:00 WIB


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The service's clock stands at NOW; email goes to a port nobody listens on."""
    monkeypatch.setenv("SMARTCITY_NOW", NOW)
    monkeypatch.setenv("SMARTCITY_SMTP_PORT", "9")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def queued(url: str) -> set[tuple[str, str, str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("select kind, recipient, key from outbox where kind in "
                                 "('reminder_digest', 'escalation')")).all()
    engine.dispose()
    return {(kind, recipient, key.rsplit(":", 1)[1]) for kind, recipient, key in rows}


def test_the_preview_lists_what_the_worker_then_queues(cli: Any, simulated: None) -> None:
    c = cli.setup_region()
    cli.ok("deadlines", "override", c.region, "assessment", "2027-03-05", "--as", c.coordinator)

    out = cli.ok("reminders", "preview", "--from", "2027-03-01", "--to", "2027-03-10")
    rows = cli.table(out, "Reminders from 2027-03-01")
    planned = {("escalation" if r["kind"] == "escalation" else "reminder_digest",
                r["recipient"].split("<")[1].rstrip(">"),
                r["morning (recipient's zone)"].split()[0]) for r in rows}
    assert {(k, who) for k, who, _ in planned} == {
        ("reminder_digest", c.assessor), ("escalation", c.coordinator)}
    # The assessor works for the programme: mornings at 08:00 WIB, 3 and 1 days before the
    # 5th (the 7-day one fell before the date was set), then the first morning after it.
    assert {r["morning (recipient's zone)"] for r in rows if r["kind"] == "digest"} == {
        "2027-03-02 08:00 WIB", "2027-03-04 08:00 WIB", "2027-03-06 08:00 WIB"}
    assert all("64.71" in r["lists"] and "Readiness assessment result" in r["lists"]
               for r in rows)
    assert f"to {len({p[1] for p in planned})} recipient(s)" in out

    for day in range(2, 11):
        # Email goes to a closed port: a round that tried and delivered nothing exits 75.
        result = cli.run("worker", "--once", "--now", f"2027-03-{day:02d}T08:30+07:00")
        assert result.exit_code in (0, 75), (result.stdout, result.stderr)
    assert queued(cli.url) == planned

    # Nothing left once all was sent: the preview of the same span is now empty.
    again = cli.ok("reminders", "preview", "--from", "2027-03-01", "--to", "2027-03-10")
    assert "0 digest(s) and 0 escalation(s)" in again


def test_a_cohort_preview_lists_only_that_cohort(cli: Any, simulated: None) -> None:
    c = cli.setup_region()
    cli.ok("deadlines", "override", c.region, "assessment", "2027-03-05", "--as", c.coordinator)
    cli.ok("cohort", "create", "Smart City 2027", "--year", "2027")
    assert "0 digest(s)" in cli.ok("reminders", "preview", "--cohort", "2027")
    assert "1 recipient(s)" in cli.ok("reminders", "preview", "--cohort", c.cohort)


@pytest.mark.parametrize(("args", "says"), [
    (("--from", "2027-13-01"), "--from '2027-13-01' is not a date"),
    (("--from", "2027-03-05", "--to", "2027-03-01"), "the last day is before the first"),
    (("--from", "2027-01-01", "--to", "2028-06-01"), "longer than a year"),
    (("--cohort", "Smart City 2099"), "2099"),
])
def test_bad_spans_and_cohorts_are_refused(cli: Any, args: tuple[str, ...], says: str) -> None:
    assert says in cli.fail("reminders", "preview", *args)


def test_worker_now_needs_once_and_a_zone(cli: Any) -> None:
    assert "add --once" in cli.fail("worker", "--now", "2027-03-01T08:00+07:00")
    assert "needs its zone" in cli.fail("worker", "--once", "--now", "2027-03-01T08:00")
