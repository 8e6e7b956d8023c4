"""Over the demo's year, every reminder digest goes to someone who owes every item it lists,
and everyone who owes something on a reminder morning gets exactly one digest that morning.

The demo's scenario runs on its own SQLite file with the simulated clock (the demo command's
run is another test's; this one watches each simulated day's sweep). After each day's jobs an
oracle works out, from the definition's rule of who owes what (:func:`engine.who_owes`), the
directory's parties and a plain reading of the reminder calendar (7, 3 and 1 days before the
day a deadline was announced for, at 08:00 in the party's zone, and the first 08:00 after it
has passed), who was due a reminder since the previous day, and checks the day's digests
against it: the same recipients, each digest once, listing exactly as many items as its
recipient owes on open deadlines, each of them by name. Mentors and heads of region are among
the recipients.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from config import language
from config.settings import Settings
from engine import Records, who_owes
from interfaces.bootstrap import initialise
from interfaces.cli.demo.cast import PROFILES
from interfaces.cli.demo.outcome import SimulatedClock
from interfaces.cli.demo.scenario import Demo
from notifications.models import OutboxMessage
from workflows import background
from workflows.deadlines.models import ReminderSchedule
from workflows.directory.models import Region
from workflows.directory.parties import parties
from workflows.programme import Programme

WIB = "Asia/Jakarta"
BEFORE = (7, 3, 1)


def _mornings(due: datetime, announced: str, tz: str, since: datetime) -> list[datetime]:
    """The reminder mornings of a party in ``tz``, read off the calendar."""
    day = due.astimezone(ZoneInfo(announced)).date()
    out = [datetime.combine(day - timedelta(days=k), time(8), ZoneInfo(tz)) for k in BEFORE]
    out = [m for m in out if since < m < due]
    late = max(due, since).astimezone(ZoneInfo(tz))
    overdue = datetime.combine(late.date(), time(8), ZoneInfo(tz))
    if overdue <= late:
        overdue += timedelta(days=1)
    return [*out, overdue]


def _indonesian(label: object) -> str:
    """A label as the digests write it: in their recipients' language, Indonesian (the
    demo's people have no account, so no other language, while the year runs)."""
    with language.using("id"):
        return str(label)


class Oracle:
    """Who owes what and who is due a reminder, worked out without the sweep."""

    def __init__(self, prog: Programme) -> None:
        self.prog = prog
        self.codes = [p.code for p in PROFILES]
        self.days: list[str] = []

    def owed(self) -> tuple[dict[str, set[tuple[int, str]]], dict[str, set[str]],
                            dict[str, set[int]]]:
        """(what each address owes on open deadlines, as (deadline, label), its roles, the
        deadlines it owes on)."""
        labels: dict[str, set[tuple[int, str]]] = {}
        role_of: dict[str, set[str]] = {}
        deadlines: dict[str, set[int]] = {}
        with self.prog.db.read() as session:
            records = Records(session)
            found = parties(session, self.codes)
            for d in records.open_deadlines(subjects=self.codes):
                definition = self.prog.engine.workflow(session, d.definition_key,
                                                       d.definition_version)
                region = found[d.subject]
                for o in who_owes(definition, d.state, records.submitted(d.instance_id),
                                  region.ids()):
                    party = region.find(o.role, o.party) if o.party else None
                    if party is None:
                        continue
                    labels.setdefault(party.email, set()).add((d.id, _indonesian(o.duty.label)))
                    role_of.setdefault(party.email, set()).add(o.role)
                    deadlines.setdefault(party.email, set()).add(d.id)
        return labels, role_of, deadlines

    def due(self, after: datetime, until: datetime) -> set[str]:
        """The addresses with a reminder morning in ``(after, until]``."""
        _, _, owing = self.owed()
        with self.prog.db.read() as session:
            records = Records(session)
            found = {d.id: d for d in records.open_deadlines(subjects=self.codes)}
            since = dict(session.execute(select(ReminderSchedule.deadline_id,
                                                ReminderSchedule.since)).all())
            tz = dict(session.execute(select(Region.code, Region.tz)).all())
            everyone = parties(session, self.codes)
        bound = {p.email: p.bound for region in everyone.values()
                 for people in region.by_role.values() for p in people}
        due = set()
        for email, ids in owing.items():
            for deadline_id in ids:
                if deadline_id not in since:  # escalated already: its mornings are past
                    continue
                d = found[deadline_id]
                zone = tz[d.subject] if bound[email] else WIB
                mornings = _mornings(d.due_at, d.tz or tz[d.subject], zone,
                                     since[deadline_id])
                if any(after < m <= until for m in mornings):
                    due.add(email)
        return due


def test_every_digest_of_the_year_goes_to_whoever_owes_exactly_what_it_lists(
        tmp_path: Path) -> None:
    clock = SimulatedClock()
    prog = Programme(Settings(data_dir=tmp_path, database_url=None), clock=clock)
    initialise(prog)
    oracle = Oracle(prog)
    checked = {"days": 0, "digests": 0}
    roles: Counter[str] = Counter()
    last = {"at": clock.now}

    def observe(tick: background.TickReport) -> None:
        expected = oracle.due(last["at"], clock.now)
        last["at"] = clock.now
        keys = tick.reminders.digests
        sent = [key.split(":")[1] for key in keys]
        assert set(sent) == expected, (clock.now, sorted(set(sent) ^ expected))
        if not keys:
            return
        labels, role_of, _ = oracle.owed()
        with prog.db.read() as session:
            texts = dict(session.execute(select(OutboxMessage.recipient,
                                                OutboxMessage.text_body)
                                         .where(OutboxMessage.key.in_(keys))).all())
        for email in sent:
            text = texts[email]
            listed = re.search(r"Berikut (\d+) item", text)
            assert listed is not None and int(listed[1]) == len(labels[email]), (email, text)
            assert all(label in text for _, label in labels[email]), (email, labels[email], text)
            roles.update(role_of[email])
        checked["days"] += 1
        checked["digests"] += len(keys)

    Demo(prog, clock, tmp_path / "inputs", observe=observe).run()
    with prog.db.read() as session:
        queued = session.execute(select(OutboxMessage.recipient, OutboxMessage.due_at)
                                 .where(OutboxMessage.kind == "reminder_digest")).all()
    prog.close()
    # Never two digests to one person the same day: a person's digests are a day apart.
    times: dict[str, list[datetime]] = {}
    for recipient, at in queued:
        times.setdefault(recipient, []).append(at)
    gaps = [b - a for moments in map(sorted, times.values())
            for a, b in itertools.pairwise(moments)]
    assert len(queued) == checked["digests"] and min(gaps) >= timedelta(hours=20), min(gaps)
    assert checked["days"] > 20 and checked["digests"] > 100
    assert {"opd", "mentor", "head_of_region", "coordinator"} <= set(roles), roles
    assert date(2027, 1, 1) <= clock.now.astimezone(UTC).date()
