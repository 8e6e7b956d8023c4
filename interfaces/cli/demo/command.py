"""``smartcity demo``: the main job on the embedded defaults.

It wipes its own demo directory (only one it created, marked by a file), initialises SQLite
there, starts a local SMTP server (aiosmtpd on 127.0.0.1, a free port, keeping every message
in memory), runs :class:`interfaces.cli.demo.scenario.Demo` with the worker's delivery after
each simulated day, and prints the cohort's status table, one region's history (same renderers as
``smartcity status`` and ``smartcity history``), the evaluation rankings and the emails
delivered: per kind from the outbox, the count the SMTP server received, and one of them.
"""

from __future__ import annotations

import asyncio
import shutil
from email.message import EmailMessage
from pathlib import Path

from config.settings import Settings
from engine import InvalidInputError, Records
from interfaces.bootstrap import initialise
from interfaces.cli import reports
from interfaces.cli.context import console, state
from interfaces.cli.demo.cast import ASSESSOR, COORDINATOR, MENTORS, STUCK_REGION
from interfaces.cli.demo.outcome import DemoReport, SimulatedClock
from interfaces.cli.demo.scenario import Demo
from notifications import outbox
from notifications.sink import running_sink
from workflows import roles
from workflows.access import accounts
from workflows.background import deliver_due
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.reporting.timeline import history as history_rows
from workflows.zones import local

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
        raise InvalidInputError(f"{directory} is a file; pass --data-dir with a directory")
    if directory.exists() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise InvalidInputError(
            f"{directory} is not empty and was not made by 'smartcity demo'; "
            "pass --data-dir with a new or empty directory"
        )
    shutil.rmtree(directory, ignore_errors=True)
    try:
        directory.mkdir(parents=True)
        (directory / MARKER).write_text("made by smartcity demo; wiped on every run\n")
    except OSError as exc:
        raise InvalidInputError(f"cannot create {directory}: {exc.strerror or exc}") from None


def run_demo(directory: Path) -> None:
    _prepare(directory)
    clock = SimulatedClock()
    with running_sink() as (port, recorder), asyncio.Runner() as loop:
        prog = Programme(Settings(data_dir=directory, database_url=None, smtp_host="127.0.0.1",
                                  smtp_port=port), clock=clock)
        state.use(prog)
        report = initialise(prog)
        console.print(f"smartcity demo: {prog.db.safe_url} "
                      f"({report.regions_added} regions loaded), simulated clock from "
                      f"{clock.now:%Y-%m-%d}; SMTP server on 127.0.0.1:{port}")

        def deliver() -> int:
            return loop.run(deliver_due(prog, WORKER_ID, 500)).sent

        demo = Demo(prog, clock, directory / "inputs", deliver=deliver)
        result = demo.run()
        received = recorder.messages()
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
    console.print(f"\nExplore it: smartcity --data-dir {directory} status | history 94.04 | "
                  f"region show 72.01 | workflow diagram --region 72.01 | outbox")
    console.print(f"Or in a browser: make serve (smartcity --data-dir {directory} serve "
                  f"--smtp-sink), then sign in at {prog.settings.base_url} with password "
                  f"{DEMO_PASSWORD!r} as one of:")
    for email, role in signins:
        console.print(f"  {email:<36} {role}")
    _print_email_counts(prog, result, received)


def _demo_accounts(prog: Programme, demo: Demo) -> list[tuple[str, str]]:
    """Sign-in accounts for one person of each role, to browse the demo in the web pages."""
    cast = [
        (COORDINATOR, "coordinator"),
        (ASSESSOR, "assessor"),
        (next(e for e, (_, regions) in MENTORS.items() if SHOWN_REGION in regions), "mentor"),
        (demo.emails[SHOWN_REGION]["DISKOMINFO"], f"OPD of {SHOWN_REGION}"),
    ]
    for email, _ in cast:
        accounts.create(prog, email, DEMO_PASSWORD)
    accounts.create(prog, DEMO_ADMIN, DEMO_PASSWORD, is_admin=True)
    return [*cast, (DEMO_ADMIN, "administrator (accounts)")]


def _print_run(result: DemoReport) -> None:
    for line in result.log:
        console.print(f"  {line}", soft_wrap=True)
    console.print(f"\n{result.transitions} transitions and {result.submissions} submissions "
                  f"through the engine; {len(result.refusals)} action(s) refused, e.g.:")
    for refusal in result.refusals[:3]:
        console.print(f"  refused: {refusal}", soft_wrap=True)
    console.print(f"{result.days} simulated days with the scheduler's jobs: "
                  f"{result.reminders_queued} reminder(s) queued into digests and escalations, "
                  f"{result.window_emails} evaluation-window email(s)")


def _print_rankings(result: DemoReport) -> None:
    for window, rows in result.rankings.items():
        console.print(f"\nRanking {result.cohort}, window {window} (scale 1-4):")
        for row in rows:
            if row.rank is not None and row.result.index is not None:
                console.print(f"  {row.rank:>2}  {row.region} {row.name:<32} "
                              f"index {row.result.index:.2f}")
            elif row.returned:
                console.print(f"   -  {row.region} {row.name:<32} "
                              f"scores missing: {', '.join(row.result.missing)}")


def _print_extension(prog: Programme) -> None:
    with prog.db.read() as session:
        region, timeline = history_rows(session, EXTENSION_REGION)
    console.print(f"\nDeadline changes in the history of {region.code} {region.name}:")
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
    console.print(f"\n{region.code} {region.name} missed its deadline "
                  f"{local(due, region.tz) if due else '-'}:")
    for label, row in (("overdue notice", notice), ("escalation", escalation)):
        if row is not None:
            console.print(f"  {label} {local(row.due_at, region.tz)} to {row.recipient}: "
                          f"{row.subject}", soft_wrap=True, markup=False)


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
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    console.print(f"\nOne of the emails sent, to {shown['To']}:\nSubject: {shown['Subject']}\n")
    console.print(text.rstrip(), markup=False, highlight=False, soft_wrap=True)


#: The roles as the digest summary names them (plural).
ROLE_NAMES = {roles.OPD: "OPDs", roles.HEAD_OF_REGION: "heads of region",
              roles.MENTOR: "mentors", roles.COORDINATOR: "coordinators",
              roles.ASSESSOR: "assessors"}


def _print_email_counts(prog: Programme, result: DemoReport,
                        received: list[EmailMessage]) -> None:
    """The last lines: every kind of email sent, and that no digest told anyone of what
    was not theirs."""
    kinds = outbox.sent_by_kind(prog.db)
    console.print(f"\nEmails delivered: {sum(kinds.values())} (the SMTP server received "
                  f"{len(received)}), by kind:")
    for kind, count in kinds.items():
        console.print(f"  {kind:<20} {count:>4}")
    roles = ", ".join(f"{len(result.digest_recipients[role])} {name}"
                      for role, name in ROLE_NAMES.items() if role in result.digest_recipients)
    console.print(f"Reminder digests went to: {roles or 'nobody'}")
    console.print(f"Reminder digests to someone who owed nothing: {result.owed_nothing}")
