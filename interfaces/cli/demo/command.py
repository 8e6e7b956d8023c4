"""``smartcity demo``: the main job on the embedded defaults.

It wipes its own demo directory (only one it created, marked by a file), initialises SQLite
there, starts a local SMTP server (aiosmtpd on 127.0.0.1, a free port, keeping every message
in memory), runs :class:`interfaces.cli.demo.scenario.Demo` with the worker's delivery after
each simulated day, on the script's calendar moved to end today
(:mod:`interfaces.cli.demo.timeline`), and prints the cohort's status table, one region's
history (same renderers as ``smartcity status`` and ``smartcity history``), the evaluation
rankings, an account for each role with what it has to do now, and the emails delivered: per
kind from the outbox, the count the SMTP server received, and one of them. Everything it
prints is in the command line's language (``SMARTCITY_LANG``). On a terminal, bars
(:mod:`interfaces.cli.progress`) show the set-up, the simulated days as they pass and the
accounts being made, and vanish before the results; piped, only the results are printed.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from config.messages import plural, text
from config.settings import Settings
from engine import InvalidInputError, Records
from interfaces.bootstrap import initialise
from interfaces.cli import progress, reports
from interfaces.cli.context import console, state
from interfaces.cli.demo.cast import (
    ASSESSOR,
    COORDINATOR,
    LATE_REVIEW_REGION,
    MENTORS,
    PROFILES,
    RESTARTED_REGION,
    STUCK_REGION,
    TICK_TIME,
)
from interfaces.cli.demo.outcome import DemoReport, SimulatedClock
from interfaces.cli.demo.scenario import Demo
from interfaces.cli.demo.timeline import Timeline
from notifications import outbox
from notifications.sink import running_sink
from workflows import roles
from workflows.access import accounts
from workflows.background import deliver_due
from workflows.directory.regions import find_region
from workflows.obligations import owed_by
from workflows.programme import Programme
from workflows.reporting.timeline import history as history_rows
from workflows.zones import local, spoken

MARKER = ".smartcity-demo"
SHOWN_REGION = "64.71"
EXTENSION_REGION = "72.01"
SAMPLE_REGION = "94.04"  # Kabupaten Mimika, WIT: one of its OPD digests is shown
WORKER_ID = "smartcity-demo"
DEMO_PASSWORD = "demo-smartcity-2026"
DEMO_ADMIN = "admin@smartcity.example.go.id"


def _prepare(directory: Path) -> None:
    """Make ``directory`` ready for a fresh run: created, or wiped if an earlier demo made it
    (its marker file says so); anything else is refused before a byte is written."""
    if directory.exists() and not directory.is_dir():
        raise InvalidInputError(text("cli.demo.is_a_file", directory=str(directory)))
    if directory.exists() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise InvalidInputError(text("cli.demo.not_ours", directory=str(directory)))
    shutil.rmtree(directory, ignore_errors=True)
    try:
        directory.mkdir(parents=True)
        (directory / MARKER).write_text("made by smartcity demo; wiped on every run\n")
    except OSError as exc:
        raise InvalidInputError(text("cli.demo.cannot_create", directory=str(directory),
                                     problem=str(exc.strerror or exc))) from None


def run_demo(directory: Path, today: datetime) -> None:
    """The demo in ``directory``, its story ending at ``today`` (the real clock, or
    ``SMARTCITY_NOW``)."""
    _prepare(directory)
    timeline = Timeline.ending(today)
    clock = SimulatedClock(timeline.start)
    with running_sink() as (port, recorder), asyncio.Runner() as loop:
        # The clock is the demo's own; SMARTCITY_NOW only said where its story ends.
        prog = Programme(Settings(data_dir=directory, database_url=None, smtp_host="127.0.0.1",
                                  smtp_port=port, now=None), clock=clock)
        state.use(prog)
        report = initialise(prog, progress.task)
        console.print(text("cli.demo.start", url=prog.db.safe_url, regions=report.regions_added,
                           start=spoken(timeline.start, lang=None, time=False),
                           end=spoken(timeline.end), port=port), soft_wrap=True)
        with progress.task(text("cli.progress.demo_days"), simulated_days(timeline)) as day_done:

            def deliver() -> int:
                # Called once at the end of every simulated day: the bar counts the days.
                sent = loop.run(deliver_due(prog, WORKER_ID, 500)).sent
                day_done()
                return sent

            demo = Demo(prog, clock, directory / "inputs", deliver=deliver, timeline=timeline)
            result = demo.run()
        received = recorder.messages()
        with progress.task(text("cli.progress.demo_accounts")):
            signins = _demo_accounts(prog, demo)
    _print_run(result)
    _print_rankings(result)
    console.print()
    reports.status(result.cohort)
    console.print()
    reports.history(SHOWN_REGION)
    _print_extension(prog)
    _print_overdue(prog, demo)
    _print_sample(prog, sorted(demo.emails[SAMPLE_REGION].values()), received)
    console.print("\n" + text("cli.demo.explore", directory=str(directory)), soft_wrap=True)
    _print_accounts(prog, signins, directory)
    _print_email_counts(prog, result, received)


def simulated_days(timeline: Timeline) -> int:
    """How many days the demo's worker runs: one at :data:`TICK_TIME` on each day after the
    first, up to the story's end (the length of the day bar)."""
    first = datetime.combine(timeline.start.date() + timedelta(days=1), TICK_TIME, UTC)
    return (timeline.end - first) // timedelta(days=1) + 1 if timeline.end >= first else 0


#: The roles a newcomer can sign in as, in the order printed.
ACCOUNT_ROLES = (roles.COORDINATOR, roles.MENTOR, roles.OPD, roles.HEAD_OF_REGION,
                 roles.ASSESSOR, "admin")


def _demo_accounts(prog: Programme, demo: Demo) -> list[tuple[str, str]]:
    """Sign-in accounts for one person of each role, to browse the demo in the web pages:
    the mentor, OPD and head of region are ones with work due after today."""
    mentor = next(e for e, (_, regions) in MENTORS.items() if LATE_REVIEW_REGION in regions)
    cast = {
        roles.COORDINATOR: COORDINATOR,
        roles.MENTOR: mentor,
        roles.OPD: demo.emails[EXTENSION_REGION]["DISKOMINFO"],
        roles.HEAD_OF_REGION: demo.heads[RESTARTED_REGION],
        roles.ASSESSOR: ASSESSOR,
    }
    for email in cast.values():
        accounts.create(prog, email, DEMO_PASSWORD)
    accounts.create(prog, DEMO_ADMIN, DEMO_PASSWORD, is_admin=True)
    return [(role, cast.get(role, DEMO_ADMIN)) for role in ACCOUNT_ROLES]


def _print_accounts(prog: Programme, signins: list[tuple[str, str]], directory: Path) -> None:
    """Each account with its role, what to try with it, and what it has to do now."""
    console.print(text("cli.demo.accounts", url=prog.settings.base_url, directory=str(directory),
                       password=DEMO_PASSWORD), soft_wrap=True)
    now = prog.engine.clock()
    regions = [p.code for p in PROFILES]
    with prog.db.read() as session:
        for role, email in signins:
            console.print(f"  {text(f'cli.demo.role.{role}'):<16} {email}", soft_wrap=True)
            console.print(f"  {'':<16} {text(f'cli.demo.try.{role}')}", soft_wrap=True)
            if role in (roles.ASSESSOR, "admin"):
                continue
            dated = [(o.deadline.due_at, o) for o in owed_by(prog, session, email, regions)
                     if o.deadline is not None]
            due = sorted(((at, o) for at, o in dated if at > now), key=lambda pair: pair[0])
            late = sum(1 for at, _ in dated if at <= now)
            if due:
                at, first = due[0]
                region = find_region(session, first.region)
                console.print(f"  {'':<16} " + text(
                    "cli.demo.owes", what=first.label, region=region.name,
                    due=spoken(at, region.tz)), soft_wrap=True)
            if late:
                console.print(f"  {'':<16} " + plural("cli.demo.owes_late", late),
                              soft_wrap=True)


def _print_run(result: DemoReport) -> None:
    for line in result.log:
        console.print(f"  {line}", soft_wrap=True)
    console.print("\n" + text("cli.demo.engine", transitions=result.transitions,
                              submissions=result.submissions, refused=len(result.refusals)),
                  soft_wrap=True)
    for refusal in result.refusals[:3]:
        console.print("  " + text("cli.demo.refused", line=refusal), soft_wrap=True)
    console.print(text("cli.demo.days", days=result.days, reminders=result.reminders_queued,
                       windows=result.window_emails), soft_wrap=True)


def _print_rankings(result: DemoReport) -> None:
    for window, rows in result.rankings.items():
        console.print("\n" + text("cli.demo.ranking", cohort=result.cohort, window=window))
        for row in rows:
            if row.rank is not None and row.result.index is not None:
                console.print(f"  {row.rank:>2}  {row.region} {row.name:<32} "
                              + text("cli.demo.index", index=f"{row.result.index:.2f}"))
            elif row.returned:
                console.print(f"   -  {row.region} {row.name:<32} "
                              + text("cli.demo.scores_missing",
                                     parts=", ".join(row.result.missing)))


def _print_extension(prog: Programme) -> None:
    with prog.db.read() as session:
        region, timeline = history_rows(session, EXTENSION_REGION)
    console.print("\n" + text("cli.demo.deadline_changes", region=f"{region.code} {region.name}"))
    for h in timeline:
        if h.kind in ("deadline", "extension"):
            console.print(f"  {local(h.at, region.tz)}  {h.actor}: {h.trigger} - {h.detail}"
                          + (f" ({h.comment})" if h.comment else ""), soft_wrap=True)


def _print_overdue(prog: Programme, demo: Demo) -> None:
    """The stuck region's overdue notice to its silent OPD and the coordinator's escalation."""
    with prog.db.read() as session:
        region = find_region(session, STUCK_REGION)
        opd = demo.emails[region.code]["DISHUB"]
        open_now = Records(session).open_deadlines(subjects=[region.code])
    due = open_now[0].due_at if open_now else None
    notice = outbox.first_sent(prog.db, recipients=[opd], due_after=due)
    escalation = outbox.first_sent(prog.db, kind="escalation", subject_contains=region.name)
    console.print("\n" + text("cli.demo.missed", region=f"{region.code} {region.name}",
                              due=local(due, region.tz) if due else "-"))
    for key, row in (("cli.demo.overdue_notice", notice), ("cli.demo.escalation", escalation)):
        if row is not None:
            console.print("  " + text(key, at=local(row.due_at, region.tz), to=row.recipient,
                                      subject=row.subject), soft_wrap=True, markup=False)


def _print_sample(prog: Programme, sample_to: list[str], received: list[EmailMessage]
                  ) -> None:
    """One reminder digest as its OPD received it."""
    sample = (outbox.first_sent(prog.db, recipients=sample_to, kind="reminder_digest")
              or outbox.first_sent(prog.db))
    if sample is None:
        return
    wanted = sample.message_id.strip()
    shown = next((m for m in received if str(m["Message-ID"]).strip() == wanted), None)
    if shown is None:
        return
    body = shown.get_body(preferencelist=("plain",))
    content = body.get_content() if isinstance(body, EmailMessage) else ""
    console.print("\n" + text("cli.demo.sample", to=str(shown["To"]),
                              subject=str(shown["Subject"])) + "\n")
    console.print(content.rstrip(), markup=False, highlight=False, soft_wrap=True)


#: The roles in the order the digest summary names them.
DIGEST_ROLES = (roles.OPD, roles.HEAD_OF_REGION, roles.MENTOR, roles.COORDINATOR,
                roles.ASSESSOR)


def _print_email_counts(prog: Programme, result: DemoReport,
                        received: list[EmailMessage]) -> None:
    """The last lines: every kind of email sent, and that no digest told anyone of what
    was not theirs."""
    kinds = outbox.sent_by_kind(prog.db)
    console.print("\n" + text("cli.demo.delivered", count=sum(kinds.values()),
                              received=len(received)))
    for kind, count in kinds.items():
        console.print(f"  {kind:<20} {count:>4}")
    went = ", ".join(text(f"cli.demo.digest_role.{role}",
                          count=len(result.digest_recipients[role]))
                     for role in DIGEST_ROLES if role in result.digest_recipients)
    console.print(text("cli.demo.digests_to", who=went or text("cli.demo.nobody")))
    console.print(text("cli.demo.owed_nothing", count=result.owed_nothing))
