"""A reminder morning turned into digests: the sweep beside a set-wise raw baseline.

The sweep (:func:`workflows.deadlines.sweep.sweep`) reads the ``reminder_schedule`` rows whose
next morning is due, works out from the current obligations who owes what, and queues one
``reminder_digest`` per recipient per day in the outbox. For each database (a SQLite file in
WAL mode, and PostgreSQL when reachable) this builds, through the programme's own functions
(the shipped regions, bulk OPD registration, three small per-OPD data-return workflows started
in every region on Monday 5 January 2026, the schedule rows' first mornings learnt by a sweep),
regions of 30 OPDs that each owe three returns whose "7 days before" morning (28 January,
08:00 local in WIB, WITA and WIT) has come: 3 due reminders and one digest per OPD. Then:

* **morning** (``--regions``, default 100 = 9,000 due reminders, 3,000 recipients) and the
  10x smaller one (``--small-regions``, 10 = 900 due, 300 recipients): the sweep, and in the
  same run, interleaved over ``--rounds`` (medians), a **raw baseline** written here with
  SQLAlchemy Core doing the same job set-wise (select the due schedule rows, their deadlines,
  the open deadlines of those regions, their submissions, the OPDs and regions, in a few
  queries; group per recipient; build one multipart/alternative ``EmailMessage`` each, text
  and HTML, with a signed link per item; insert the outbox rows with one executemany; move
  the schedule rows on to their next morning). The baseline runs twice per round: building
  the message with ``email.message.EmailMessage`` (the default policy, the obvious way), and
  with ``email.mime`` under the compat32 policy (the cheaper way the project itself takes, in
  :mod:`notifications.message`), the stricter comparison. Both must queue the same keys and
  move the rows to the same next morning as the sweep (checked), and the state is restored
  before every run; one warm-up round is not counted. Reported: digests queued (target: one
  per recipient), sweep / baseline (target: <= 3x), and the sweep's cost per digest at both
  sizes (target: linear, within 1.5x);
* **national morning** (``--national-regions``, default all 514 x 30 OPDs = ~46,000 due,
  ~15,400 recipients): the sweep's time and peak Python memory (``tracemalloc``, in a
  separate untimed run), the baseline's time, and the time until every digest is delivered to
  a local aiosmtpd server in another process (``workflows.background.deliver_due``, the
  worker's dispatcher, 2 SMTP connections); target: sweep plus delivery under 2 minutes;
* **flat in what is pending**: the small morning swept (median of ``--flat-runs``) while the
  database holds 10,000 (``--pending``) and then 1,000,000 (``--large``) open deadlines whose
  schedule rows are not due (next morning within the coming year), written in bulk with Core
  ``executemany`` in chunks (instances, deadlines, schedule rows); target: within 2x, and peak
  memory flat (within 1.5x). The plan of the sweep's read of the due regions' open deadlines
  is printed at both sizes. PostgreSQL is analysed after the load (autovacuum would do it);
  SQLite is not, since nothing in the application runs ANALYZE, and is measured once more
  after one, for comparison.

Every figure and its PASS/MISS against the target is printed in a summary at the end.

    .venv/bin/python bench/reminder_sweep.py [--regions 100] [--small-regions 10] [--opds 30]
        [--rounds 3] [--national-regions 514] [--skip-national] [--pending 10000]
        [--large 1000000] [--flat-runs 5] [--skip-flat] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from email.charset import QP, Charset
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, event, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sink
from scratch import pg_database, pg_reachable

from config.settings import Settings
from engine import load_definition
from engine.models import Deadline, Submission, WorkflowInstance
from interfaces.bootstrap import initialise
from notifications.models import OutboxMessage
from workflows.background import deliver_due
from workflows.deadlines import sweep
from workflows.deadlines.reminders import SCHEDULE
from workflows.directory import actors, imports, registration
from workflows.directory.models import Opd, Region
from workflows.programme import Programme

OPENED = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # a Monday: the returns' stages open
# Due on 4 February, 23:59 local; the "7 days before" morning is 28 January at 08:00 local:
# 23:00Z on the 27th (WIT), 00:00Z (WITA), 01:00Z (WIB). At 02:00Z it has come everywhere.
MORNING = datetime(2026, 1, 28, 2, 0, tzinfo=UTC)
WORKFLOWS = 3
CHUNK = 20_000
RETURN = """\
key: return_{n}
version: 1
title: Return {n}
initial: collecting
roles:
  coordinator: {{label: Coordinator}}
  opd: {{label: OPD, scoped: true}}
deliverables:
  return_{n}:
    label: Data return {n}
    per_party: true
    submitted_by: [opd]
    during: [collecting]
states:
  collecting:
    label: Collecting return {n}
    requires: [return_{n}]
    deadline: {{days: 30}}
  done:
    final: true
transitions:
  - {{trigger: close, source: collecting, dest: done, roles: [coordinator]}}
"""

INSTANCE = WorkflowInstance.__table__  # type: ignore[attr-defined]
DEADLINE = Deadline.__table__  # type: ignore[attr-defined]
SUBMISSION = Submission.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
OPD = Opd.__table__  # type: ignore[attr-defined]
REGION = Region.__table__  # type: ignore[attr-defined]
# A schedule row handled up to b_done, next due at b_next (the baseline's move and the reset).
_RESTORE = (update(SCHEDULE).where(SCHEDULE.c.deadline_id == bindparam("b_id"))
            .values(done_until=bindparam("b_done"), next_at=bindparam("b_next")))


class Clock:
    """The programme's clock, set by the benchmark."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Morning:
    """A database holding regions whose OPDs are due their digest at ``MORNING``."""

    prog: Programme
    clock: Clock
    regions: list[str]
    recipients: int
    due: int  # (recipient, deadline) reminders due
    built: float  # seconds to build
    saved: list[dict[str, Any]] = field(default_factory=list)  # due schedule rows as they were

    @property
    def is_sqlite(self) -> bool:
        return self.prog.db.is_sqlite


# -- building the data -----------------------------------------------------------------------

def spread(codes: list[str], n: int) -> list[str]:
    """``n`` region codes spread over the whole list (so over all three zones)."""
    if n >= len(codes):
        return codes
    return [codes[i * len(codes) // n] for i in range(n)]


def build(url: str, folder: Path, regions: int, opds: int, smtp_port: int) -> Morning:
    """Regions of ``opds`` OPDs owing three returns each, the schedule rows at their first
    morning, and the clock at that morning."""
    t0 = time.perf_counter()
    clock = Clock(OPENED)
    settings = Settings(data_dir=folder, database_url=url, smtp_port=smtp_port,
                        secret_key="bench-secret-key-0123456789")  # type: ignore[arg-type]
    prog = Programme(settings, clock=clock)
    initialise(prog)
    with prog.db.read() as session:
        codes = spread(list(session.execute(select(REGION.c.code).order_by(REGION.c.code))
                            .scalars()), regions)
    rows = ["region,code,name,email,dimension"]
    for code in codes:
        slug = code.replace(".", "")
        rows += [f"{code},OPD{i:02d},Dinas {i} {code},opd{i:02d}.{slug}@pemda.go.id,"
                 for i in range(opds)]
    registration.upsert_opds(prog, imports.parse_opds("\n".join(rows) + "\n", prog.dimensions))
    with prog.db.transaction() as session:
        for n in range(1, WORKFLOWS + 1):
            prog.engine.publish(session, load_definition(RETURN.format(n=n), f"r{n}",
                                                         prog.guards))
            for code in codes:
                prog.engine.start(session, f"return_{n}", code, actors.SYSTEM)
    first = sweep.sweep(prog)  # the schedule rows learn their first mornings
    assert first.deadlines == len(codes) * WORKFLOWS and first.queued == 0, first
    clock.now = MORNING
    morning = Morning(prog, clock, codes, len(codes) * opds, len(codes) * opds * WORKFLOWS,
                      time.perf_counter() - t0)
    with prog.db.engine.connect() as conn:
        morning.saved = [dict(r._mapping) for r in conn.execute(
            select(SCHEDULE).where(SCHEDULE.c.next_at <= MORNING))]
    assert len(morning.saved) == len(codes) * WORKFLOWS, len(morning.saved)
    return morning


def reset(m: Morning) -> None:
    """Back to the morning before any sweep: no outbox rows, the due rows as they were."""
    with m.prog.db.engine.begin() as conn:
        conn.execute(delete(OUTBOX))
        conn.execute(_RESTORE, [{"b_id": r["deadline_id"], "b_done": r["done_until"],
                                 "b_next": r["next_at"]} for r in m.saved])
    if not m.is_sqlite:
        with m.prog.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(f"VACUUM ANALYZE {OUTBOX.name}"))


def add_pending(m: Morning, start: int, stop: int) -> float:
    """Open deadlines ``start``..``stop``-1 in other subjects (ten per instance), each with a
    schedule row not due (its next morning within the coming year); seconds taken."""
    t0 = time.perf_counter()
    per_instance = 10
    engine = m.prog.db.engine
    with engine.connect() as conn:
        base_i = int(conn.execute(select(func.coalesce(func.max(INSTANCE.c.id), 0)))
                     .scalar_one()) + 1
        base_d = int(conn.execute(select(func.coalesce(func.max(DEADLINE.c.id), 0)))
                     .scalar_one()) + 1
    later = MORNING + timedelta(hours=1)
    for lo in range(0, stop - start, CHUNK):  # CHUNK is a multiple of per_instance
        instances, deadlines, schedules = [], [], []
        for n in range(lo, min(stop - start, lo + CHUNK)):
            iid = base_i + n // per_instance
            if n % per_instance == 0:
                instances.append({
                    "id": iid, "definition_key": "pending", "definition_version": 1,
                    "subject": f"P{iid // 10:07d}", "cycle": 1 + iid % 10, "state": "open",
                    "version": 1, "created_at": OPENED, "updated_at": OPENED,
                    "entered_at": OPENED})
            next_at = later + timedelta(minutes=((start + n) * 7919) % (365 * 24 * 60))
            deadlines.append({
                "id": base_d + n, "instance_id": iid, "state": f"s{n % per_instance}",
                "due_at": next_at + timedelta(days=7), "origin": "bench", "version": 1,
                "created_at": OPENED, "closed_at": None, "tz": None})
            schedules.append({"deadline_id": base_d + n, "version": 1, "since": OPENED,
                              "done_until": OPENED, "next_at": next_at})
        with engine.begin() as conn:
            conn.execute(insert(INSTANCE), instances)
            conn.execute(insert(DEADLINE), deadlines)
            conn.execute(insert(SCHEDULE), schedules)
    # PostgreSQL's autovacuum analyses a table after such a load: done here at once. Nothing
    # in the application runs ANALYZE on SQLite, so the SQLite planner has no statistics, as
    # in service (``flat`` measures once more after an ANALYZE, to show what that changes).
    if not m.is_sqlite:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("workflow_instance", "deadline"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
            conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - t0


def subjects_plan(m: Morning) -> str:
    """The plan of the sweep's read of the due regions' open deadlines (the statement that
    names ``workflow_instance.subject IN``), as the sweep sends it."""
    engine = m.prog.db.engine
    captured: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
               executemany: bool) -> None:
        if "workflow_instance.subject IN" in statement and not captured:
            captured.append((statement, params))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        run_sweep(m)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    if not captured:
        return "(not sent)"
    statement, params = captured[0]
    prefix = "EXPLAIN QUERY PLAN " if m.is_sqlite else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).all()
    return " | ".join(str(r[-1]).strip() for r in rows)


def open_deadlines(m: Morning) -> int:
    with m.prog.db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(DEADLINE)
                                .where(DEADLINE.c.closed_at.is_(None))).scalar_one())


# -- what a run leaves, to compare the two ------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    seconds: float
    keys: frozenset[str]
    next_at: dict[int, datetime | None]
    raw_bytes: int


def outcome(m: Morning, seconds: float) -> Outcome:
    with m.prog.db.engine.connect() as conn:
        keys = frozenset(conn.execute(select(OUTBOX.c.key)).scalars())
        raw = int(conn.execute(select(func.coalesce(func.sum(func.length(OUTBOX.c.raw)), 0)))
                  .scalar_one())
        ids = [r["deadline_id"] for r in m.saved]
        moved = {int(d): n for d, n in conn.execute(
            select(SCHEDULE.c.deadline_id, SCHEDULE.c.next_at)
            .where(SCHEDULE.c.deadline_id.in_(ids)))}
    return Outcome(seconds, keys, moved, raw)


def run_sweep(m: Morning) -> Outcome:
    reset(m)
    t0 = time.perf_counter()
    report = sweep.sweep(m.prog, MORNING)
    elapsed = time.perf_counter() - t0
    assert not report.escalations, report.escalations[:3]
    return outcome(m, elapsed)


def run_baseline(m: Morning, mime: str = "email-message") -> Outcome:
    reset(m)
    t0 = time.perf_counter()
    baseline(m.prog, MORNING, mime)
    return outcome(m, time.perf_counter() - t0)


@contextmanager
def traced() -> Iterator[list[int]]:
    """Peak Python memory (bytes) allocated inside the block."""
    found: list[int] = []
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    try:
        yield found
    finally:
        found.append(tracemalloc.get_traced_memory()[1] - start)
        tracemalloc.stop()


def sweep_peak(m: Morning) -> int:
    reset(m)
    with traced() as peak:
        sweep.sweep(m.prog, MORNING)
    return peak[0]


# -- the raw set-wise baseline ---------------------------------------------------------------

_LABELS = {f"return_{n}": (f"return_{n}", f"Data return {n}", f"Collecting return {n}")
           for n in range(1, WORKFLOWS + 1)}  # key -> deliverable, its label, the stage
_WIB = "Asia/Jakarta"
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
_ZONE = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _at_hour(day: date, hour: int, tz: str) -> datetime:
    return datetime.combine(day, clock_time(hour), ZoneInfo(tz)).astimezone(UTC)


def _first_hour_after(instant: datetime, hour: int, tz: str) -> datetime:
    day = instant.astimezone(ZoneInfo(tz)).date()
    at = _at_hour(day, hour, tz)
    return at if at > instant else _at_hour(day + timedelta(days=1), hour, tz)


def _mornings(s: Settings, due_at: datetime, announced: str, tz: str,
              since: datetime) -> list[datetime]:
    """Reminder, overdue and escalation mornings in ``tz`` (the job's rule, written out)."""
    hour, day = s.reminder_hour, due_at.astimezone(ZoneInfo(announced)).date()
    out = [at for k in s.reminder_days
           if since < (at := _at_hour(day - timedelta(days=k), hour, tz)) < due_at]
    out.append(_first_hour_after(max(due_at, since), hour, tz))
    out.append(_first_hour_after(max(due_at + timedelta(days=s.escalation_days), since),
                                 hour, tz))
    return out


def _link(key: bytes, email: str, path: str, now: datetime, days: int) -> str:
    payload = json.dumps({"e": email, "p": path, "x": int((now + timedelta(days=days))
                                                          .timestamp()),
                          "i": int(now.timestamp()), "n": secrets.token_hex(12)},
                         separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).rstrip(b"=")
    sig = base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).rstrip(b"=")
    return f"/l/{body.decode()}.{sig.decode()}"


def _local(at: datetime, tz: str) -> str:
    return f"{at.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M} {_ZONE.get(tz, tz)}"


def _message(s: Settings, key: str, email: str, name: str, tz: str, items: list[dict[str, Any]],
             link_key: bytes, now: datetime, mime: str) -> dict[str, Any]:
    """One digest: subject, text, HTML and the MIME bytes, with a link per item."""
    zone = _ZONE.get(tz, tz)
    regions = {i["code"] for i in items}
    first = items[0]
    subject = (f"Pengingat tenggat {first['region']}: {len(items)} item, batas waktu terdekat "
               f"{first['deadline']}" if len(regions) == 1 else
               f"Pengingat tenggat: {len(items)} item di {len(regions)} daerah, batas waktu "
               f"terdekat {first['deadline']}")
    base, app = s.base_url, _link(link_key, email, "/", now, s.link_days)
    lines, rows = [], []
    cell = 'style="padding:8px;border:1px solid #d9dde3;"'
    for n, i in enumerate(items, 1):
        url = base + _link(link_key, email, f"/opd#deadline-{i['deadline_id']}", now,
                           s.link_days)
        status = f"{i['days_left']} hari lagi" if i["days_left"] > 0 else "hari ini"
        lines.append(f"{n}. Unggah: {i['label']}\n   Tahap: {i['stage']}\n"
                     f"   Batas waktu: {i['deadline']}\n   Status: {status}\n   Buka: {url}\n")
        rows.append(f'<tr>\n<td {cell}><a href="{url}"><strong>Unggah: {i["label"]}'
                    f'</strong></a><br><span style="color:#616e7c;">Tahap: {i["stage"]}</span>'
                    f'</td>\n<td {cell}>{i["deadline"]}</td>\n<td {cell}>{status}</td>\n'
                    "</tr>\n")
    where = f"{first['region']} ({first['code']})"
    text_body = (f"Yth. {name},\n\nBerikut {len(items)} item untuk {where} yang masih menunggu "
                 "tindakan Anda, diurutkan menurut batas waktu.\n\n\n" + "\n".join(lines) +
                 "\nBatas waktu ditampilkan dalam waktu setempat daerah. Sisa hari dihitung "
                 f"menurut zona waktu Anda ({zone}).\n\nMohon segera menyelesaikan item di atas "
                 "sebelum batas waktunya. Jika memerlukan tambahan waktu, ajukan perpanjangan "
                 "kepada koordinator melalui aplikasi sebelum batas waktu berakhir.\n\n"
                 f"Buka aplikasi: {base}{app}\n\nHormat kami,\nTim Gerakan Menuju 100 Smart "
                 "City\n\n--\nEmail ini dikirim otomatis oleh sistem Gerakan Menuju 100 Smart "
                 "City. Mohon tidak membalas email ini.\n")
    html_body = (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n<meta name='
        '"viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{subject}</title>\n</head>\n<body style=\"margin:0;padding:0;background:"
        "#f4f5f7;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;"
        'color:#1f2933;">\n<div style="max-width:640px;margin:0 auto;padding:24px;'
        'background:#ffffff;">\n<h1 style="font-size:20px;margin:0 0 16px;">Pengingat '
        f"tenggat: {first['region']}</h1>\n<p>Yth. {name},</p>\n<p>Berikut <strong>"
        f"{len(items)} item</strong> untuk {where} yang masih menunggu tindakan Anda, "
        "diurutkan menurut batas waktu.</p>\n"
        '<table style="width:100%;border-collapse:collapse;margin:16px 0;">\n<thead>\n'
        '<tr style="background:#eef2f6;text-align:left;">\n'
        f'<th scope="col" {cell}>Yang perlu dilakukan</th>\n'
        f'<th scope="col" {cell}>Batas waktu</th>\n<th scope="col" {cell}>Status</th>\n'
        f"</tr>\n</thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table>\n"
        '<p style="font-size:13px;color:#616e7c;">Batas waktu ditampilkan dalam waktu '
        f"setempat daerah. Sisa hari dihitung menurut zona waktu Anda ({zone}).</p>\n"
        "<p>Mohon segera menyelesaikan item di atas sebelum batas waktunya. Jika memerlukan "
        "tambahan waktu, ajukan perpanjangan kepada koordinator melalui aplikasi sebelum "
        f'batas waktu berakhir.</p>\n<p><a href="{base}{app}" style="display:inline-block;'
        "padding:10px 16px;background:#1d4ed8;color:#ffffff;text-decoration:none;"
        'border-radius:4px;">Buka aplikasi</a></p>\n<p>Hormat kami,<br>Tim Gerakan Menuju '
        '100 Smart City</p>\n<hr style="border:none;border-top:1px solid #d9dde3;margin:24px '
        '0 12px;">\n<p style="font-size:12px;color:#616e7c;">Email ini dikirim otomatis oleh '
        "sistem Gerakan Menuju 100 Smart City. Mohon tidak membalas email ini.</p>\n</div>\n"
        "</body>\n</html>")
    if mime == "compat32":  # the project's way (notifications.message), written out
        return _compat32(s, key, email, subject, text_body, html_body, now)
    message_id = _message_id(s, key)
    msg = EmailMessage()
    msg["From"] = s.mail_from
    msg["To"] = email
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text_body, cte="quoted-printable")
    msg.add_alternative(html_body, subtype="html", cte="quoted-printable")
    return _row(key, email, subject, text_body, html_body, message_id, msg.as_bytes(), now)


def _message_id(s: Settings, key: str) -> str:
    domain = s.mail_from.rpartition("@")[2].rstrip(">")
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _row(key: str, email: str, subject: str, text_body: str, html_body: str, message_id: str,
         raw: bytes, now: datetime) -> dict[str, Any]:
    return {"key": key, "kind": "reminder_digest", "recipient": email, "subject": subject,
            "text_body": text_body, "html_body": html_body, "message_id": message_id,
            "raw": raw, "status": "pending", "due_at": now, "attempts": 0, "created_at": now}


def _compat32(s: Settings, key: str, email: str, subject: str, text_body: str, html_body: str,
              now: datetime) -> dict[str, Any]:
    """The same message built with ``email.mime`` and the compat32 policy (ASCII headers)."""
    message_id = _message_id(s, key)
    msg = MIMEMultipart("alternative")
    msg["From"] = s.mail_from
    msg["To"] = email
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    for body, subtype in ((text_body, "plain"), (html_body, "html")):
        part = MIMENonMultipart("text", subtype, charset="utf-8")
        part.set_payload(body, _UTF8_QP)
        del part["MIME-Version"]
        msg.attach(part)
    return _row(key, email, subject, text_body, html_body, message_id, msg.as_bytes(), now)


def baseline(prog: Programme, now: datetime, mime: str = "email-message") -> int:
    """The job set-wise in plain Core, in one transaction: digests queued. ``mime``:
    ``email-message`` (``EmailMessage``, the default policy) or ``compat32``."""
    s, db = prog.settings, prog.db
    link_key = hashlib.sha256(b"bench-link" + (s.secret_key.get_secret_value().encode()
                                               if s.secret_key else b"")).digest()
    dl_cols = (DEADLINE.c.id, DEADLINE.c.instance_id, INSTANCE.c.subject,
               INSTANCE.c.definition_key, DEADLINE.c.state, DEADLINE.c.due_at, DEADLINE.c.tz,
               DEADLINE.c.closed_at)
    with db.engine.begin() as conn:
        due = conn.execute(select(SCHEDULE.c.deadline_id, SCHEDULE.c.since,
                                  SCHEDULE.c.done_until).where(SCHEDULE.c.next_at <= now)
                           .order_by(SCHEDULE.c.next_at, SCHEDULE.c.deadline_id)).all()
        if not due:
            return 0
        window = {r.deadline_id: (r.since, r.done_until) for r in due}
        found = {r.id: r for r in conn.execute(
            select(*dl_cols).join(INSTANCE, INSTANCE.c.id == DEADLINE.c.instance_id)
            .where(DEADLINE.c.id.in_(list(window))))}
        gone = [i for i in window if i not in found or found[i].closed_at is not None]
        if gone:
            conn.execute(delete(SCHEDULE).where(SCHEDULE.c.deadline_id.in_(gone)))
        live = [found[i] for i in window if i not in gone]
        subjects = sorted({d.subject for d in live})
        tz: dict[str, str] = {}
        names: dict[str, str] = {}
        for code, name, zone in conn.execute(select(REGION.c.code, REGION.c.name, REGION.c.tz)
                                             .where(REGION.c.code.in_(subjects))):
            names[code], tz[code] = name, zone
        # Everything owed in those regions: their open deadlines, submissions and OPDs.
        owing = conn.execute(select(*dl_cols).join(INSTANCE, INSTANCE.c.id ==
                                                   DEADLINE.c.instance_id)
                             .where(INSTANCE.c.subject.in_(subjects),
                                    DEADLINE.c.closed_at.is_(None))).all()
        sent = {(i, name, party) for i, name, party in conn.execute(
            select(SUBMISSION.c.instance_id, SUBMISSION.c.deliverable, SUBMISSION.c.party)
            .where(SUBMISSION.c.instance_id.in_(sorted({d.instance_id for d in owing})))
            .distinct())}
        opds: dict[str, list[Any]] = defaultdict(list)
        for o in conn.execute(select(OPD.c.region_code, OPD.c.code, OPD.c.name, OPD.c.email)
                              .where(OPD.c.region_code.in_(subjects))
                              .order_by(OPD.c.region_code, OPD.c.code)):
            opds[o.region_code].append(o)
        # Who is due: the OPDs still owing on a deadline whose morning (in the region's
        # zone) came since it was last handled.
        recipients: dict[str, Any] = {}
        for d in live:
            since, after = window[d.id]
            zone = tz.get(d.subject, _WIB)
            if not any(after < at <= now
                       for at in _mornings(s, d.due_at, d.tz or zone, zone, since)):
                continue
            deliverable = _LABELS[d.definition_key][0]
            for o in opds[d.subject]:
                if (d.instance_id, deliverable, o.code) not in sent:
                    recipients.setdefault(o.email, o)
        items: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in sorted(owing, key=lambda d: (d.due_at, d.subject, d.definition_key)):
            deliverable, label, stage = _LABELS[d.definition_key]
            zone = tz.get(d.subject, _WIB)
            announced = d.tz or zone
            for o in opds[d.subject]:
                if o.email in recipients and (d.instance_id, deliverable, o.code) not in sent:
                    items[o.email].append({
                        "deadline_id": d.id, "region": names[d.subject], "code": d.subject,
                        "label": label, "stage": stage, "deadline": _local(d.due_at, zone),
                        "days_left": (d.due_at.astimezone(ZoneInfo(announced)).date()
                                      - now.astimezone(ZoneInfo(zone)).date()).days})
        keys = {email: f"digest:{email}:{now.astimezone(ZoneInfo(tz[o.region_code])).date()}"
                for email, o in recipients.items()}
        existing: set[str] = set()
        wanted = list(keys.values())
        for lo in range(0, len(wanted), 1000):
            existing.update(conn.execute(select(OUTBOX.c.key).where(
                OUTBOX.c.key.in_(wanted[lo:lo + 1000]))).scalars())
        rows = [_message(s, keys[email], email, o.name, tz[o.region_code], items[email],
                         link_key, now, mime)
                for email, o in sorted(recipients.items())
                if keys[email] not in existing and items[email]]
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        if rows:
            conn.execute(dialect.insert(OUTBOX).on_conflict_do_nothing(
                index_elements=[OUTBOX.c.key]), rows)
        moved = []
        for d in live:
            since, _ = window[d.id]
            zone = tz.get(d.subject, _WIB)
            zones = {zone, _WIB}
            later = [at for z in zones for at in _mornings(s, d.due_at, d.tz or zone, z, since)
                     if at > now]
            moved.append({"b_id": d.id, "b_done": now, "b_next": min(later) if later else None})
        conn.execute(_RESTORE, moved)
    return len(rows)


# -- delivery to a local SMTP server ---------------------------------------------------------

def deliver(m: Morning, count: Any) -> tuple[float, int]:
    """Deliver every pending digest; seconds taken and how many the server accepted."""
    with count.get_lock():
        count.value = 0
    t0 = time.perf_counter()
    report = asyncio.run(deliver_due(m.prog, "bench", batch=200))
    elapsed = time.perf_counter() - t0
    assert report.dead == report.retried == 0, report
    return elapsed, int(count.value)


# -- the cases ---------------------------------------------------------------------------------

Results = dict[str, Any]


def same_job(m: Morning, a: Outcome, b: Outcome) -> None:
    """The sweep and the baseline queued the same digests and moved rows to the same mornings."""
    if a.keys != b.keys:
        raise SystemExit(f"sweep and baseline queued different keys: "
                         f"{sorted(a.keys ^ b.keys)[:5]}")
    if a.next_at != b.next_at:
        diff = [k for k in a.next_at if a.next_at[k] != b.next_at.get(k)][:5]
        raise SystemExit(f"sweep and baseline moved rows differently: {diff}")
    if len(a.keys) != m.recipients:
        raise SystemExit(f"{len(a.keys)} digests for {m.recipients} recipients")


def compare(m: Morning, rounds: int, label: str) -> Results:
    """Sweep and baselines interleaved over ``rounds`` after a warm-up round; medians."""
    run_sweep(m), run_baseline(m), run_baseline(m, "compat32")  # warm-up: not counted
    sweeps, bases, compat = [], [], []
    for r in range(rounds):
        a, b, c = run_sweep(m), run_baseline(m), run_baseline(m, "compat32")
        same_job(m, a, b)
        same_job(m, a, c)
        sweeps.append(a)
        bases.append(b)
        compat.append(c)
        print(f"  {label} round {r + 1}: sweep {a.seconds:6.2f} s, baseline {b.seconds:6.2f} s "
              f"(compat32 MIME {c.seconds:6.2f} s); {len(a.keys):,} digests of "
              f"{a.raw_bytes / len(a.keys) / 1024:.1f} KiB (baseline "
              f"{b.raw_bytes / len(b.keys) / 1024:.1f} KiB)", flush=True)
    t_sweep = statistics.median(o.seconds for o in sweeps)
    t_base = statistics.median(o.seconds for o in bases)
    t_compat = statistics.median(o.seconds for o in compat)
    return {"due": m.due, "recipients": m.recipients, "digests": len(sweeps[0].keys),
            "sweep": t_sweep, "baseline": t_base, "ratio": t_sweep / t_base,
            "compat32": t_compat, "ratio_compat32": t_sweep / t_compat,
            "per_digest_ms": t_sweep / len(sweeps[0].keys) * 1000, "built": m.built}


def flat(m: Morning, pending: int, large: int, runs: int) -> Results:
    """The small morning swept at ``pending`` then ``large`` open deadlines not due."""
    out: Results = {}
    have = open_deadlines(m)
    for tag, size in (("pending", pending), ("large", large)):
        loaded = add_pending(m, have, size) if size > have else 0.0
        have = max(have, size)
        times = [run_sweep(m).seconds for _ in range(runs)]
        peak = sweep_peak(m)
        out[tag] = {"sweep": statistics.median(times), "peak": peak, "loaded": loaded,
                    "open": open_deadlines(m)}
        print(f"  {out[tag]['open']:>9,} open deadlines (writing them took {loaded:5.1f} s): "
              f"sweep of {m.due:,} due {out[tag]['sweep']:.3f} s (median of {runs}), "
              f"peak {peak / 2**20:.1f} MiB", flush=True)
        print(f"  {'':>9} plan of the due regions' open deadlines: {subjects_plan(m)}",
              flush=True)
    out["ratio"] = out["large"]["sweep"] / out["pending"]["sweep"]
    out["memory_ratio"] = out["large"]["peak"] / out["pending"]["peak"]
    if m.is_sqlite:  # what planner statistics change (the application never gathers them)
        t0 = time.perf_counter()
        with m.prog.db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        took = time.perf_counter() - t0
        out["analyzed"] = statistics.median(run_sweep(m).seconds for _ in range(runs))
        print(f"  after ANALYZE ({took:.1f} s): sweep {out['analyzed']:.3f} s; plan: "
              f"{subjects_plan(m)}", flush=True)
    return out


def national(m: Morning, count: Any) -> Results:
    a = run_sweep(m)
    delivered, accepted = deliver(m, count)
    if accepted != len(a.keys):
        raise SystemExit(f"the SMTP server accepted {accepted} of {len(a.keys)} digests")
    print(f"  sweep {a.seconds:.2f} s ({len(a.keys):,} digests), delivery {delivered:.2f} s "
          f"({accepted / delivered:.0f} msg/s)", flush=True)
    b = run_baseline(m)
    same_job(m, a, b)
    print(f"  baseline {b.seconds:.2f} s", flush=True)
    peak = sweep_peak(m)
    print(f"  sweep peak memory {peak / 2**20:.1f} MiB (tracemalloc, separate run)", flush=True)
    return {"due": m.due, "recipients": m.recipients, "digests": len(a.keys),
            "sweep": a.seconds, "baseline": b.seconds, "ratio": a.seconds / b.seconds,
            "delivery": delivered, "total": a.seconds + delivered, "peak": peak,
            "built": m.built}


def measure(backend: str, url_for: Callable[[str], tuple[str, Callable[[], None]]],
            folder: Path, args: argparse.Namespace, port: int, count: Any) -> Results:
    out: Results = {}

    def morning(regions: int, tag: str) -> tuple[Morning, Callable[[], None]]:
        url, drop = url_for(tag)
        sub = folder / f"{backend}-{tag}"
        sub.mkdir()
        m = build(url, sub, regions, args.opds, port)
        print(f"{backend}: {len(m.regions)} regions x {args.opds} OPDs x {WORKFLOWS} returns = "
              f"{m.due:,} due for {m.recipients:,} recipients (built in {m.built:.0f} s)",
              flush=True)
        return m, drop

    for tag, regions in (("small", args.small_regions), ("morning", args.regions)):
        m, drop = morning(regions, tag)
        try:
            out[tag] = compare(m, args.rounds, f"{len(m.regions)} regions")
            if tag == "small" and not args.skip_flat:
                out["flat"] = flat(m, args.pending, args.large, args.flat_runs)
        finally:
            m.prog.close()
            drop()
    if not args.skip_national and backend in args.national_backends.split(","):
        m, drop = morning(args.national_regions, "national")
        try:
            out["national"] = national(m, count)
        finally:
            m.prog.close()
            drop()
    return out


# -- the summary -------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def summary(results: dict[str, Results], args: argparse.Namespace) -> None:
    print("\nSummary (times in seconds; sweep and baseline: medians of "
          f"{args.rounds} interleaved rounds, national: one run)")
    line = "-" * 112
    print(line)
    print(f"{'backend':<11}{'case':<56}{'figure':>24}  target")
    print(line)

    def row(backend: str, case: str, figure: str, target: str = "",
            ok: bool | None = None) -> None:
        mark = f"{target:<14}{verdict(ok)}" if ok is not None else target
        print(f"{backend:<11}{case:<56}{figure:>24}  {mark}")

    for backend, r in results.items():
        for tag in ("small", "morning"):
            c = r[tag]
            name = f"{c['due']:,} due / {c['recipients']:,} recipients"
            row(backend, f"{name}: digests queued", f"{c['digests']:,}", "1/recipient",
                c["digests"] == c["recipients"])
            row(backend, f"{name}: sweep | baseline", f"{c['sweep']:.2f} | {c['baseline']:.2f}")
            row(backend, f"{name}: sweep / baseline", f"{c['ratio']:.2f}x", "<= 3x",
                c["ratio"] <= 3)
            row(backend, f"{name}: baseline with compat32 MIME",
                f"{c['compat32']:.2f} ({c['ratio_compat32']:.2f}x)", "<= 3x",
                c["ratio_compat32"] <= 3)
            row(backend, f"{name}: sweep per digest", f"{c['per_digest_ms']:.2f} ms")
        growth = r["morning"]["per_digest_ms"] / r["small"]["per_digest_ms"]
        work = r["morning"]["due"] / r["small"]["due"]
        row(backend, f"linear: sweep time x{r['morning']['sweep'] / r['small']['sweep']:.1f} "
            f"for x{work:.0f} due", f"per digest x{growth:.2f}", "<= 1.5x", growth <= 1.5)
        if "flat" in r:
            f = r["flat"]
            small, large = f["pending"], f["large"]
            row(backend, f"{r['small']['due']:,} due among {small['open']:,} | "
                f"{large['open']:,} open", f"{small['sweep']:.3f} | {large['sweep']:.3f}")
            row(backend, "  sweep time ratio", f"{f['ratio']:.2f}x", "<= 2x", f["ratio"] <= 2)
            row(backend, "  sweep peak memory (MiB)",
                f"{small['peak'] / 2**20:.1f} | {large['peak'] / 2**20:.1f}", "flat (<=1.5x)",
                f["memory_ratio"] <= 1.5)
            if "analyzed" in f:
                row(backend, "  the same after ANALYZE (never run in service)",
                    f"{f['analyzed']:.3f} ({f['analyzed'] / small['sweep']:.2f}x)")
            row(backend, f"  (writing {large['open']:,} open deadlines took)",
                f"{large['loaded']:.0f} s")
        if "national" in r:
            n = r["national"]
            row(backend, f"national: {n['due']:,} due / {n['recipients']:,} recipients: "
                "digests", f"{n['digests']:,}", "1/recipient", n["digests"] == n["recipients"])
            row(backend, "  sweep | baseline", f"{n['sweep']:.2f} | {n['baseline']:.2f}")
            row(backend, "  sweep / baseline", f"{n['ratio']:.2f}x", "<= 3x", n["ratio"] <= 3)
            row(backend, "  sweep peak memory (tracemalloc)", f"{n['peak'] / 2**20:.1f} MiB")
            row(backend, "  delivery to local SMTP (aiosmtpd)", f"{n['delivery']:.2f}")
            row(backend, "  sweep + delivery", f"{n['total']:.2f}", "< 120 s",
                n["total"] < 120)
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--small-regions", type=int, default=10)
    parser.add_argument("--opds", type=int, default=30, help="OPDs per region")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--national-regions", type=int, default=514)
    parser.add_argument("--national-backends", default="sqlite,postgresql")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--flat-runs", type=int, default=5)
    parser.add_argument("--skip-flat", action="store_true")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="admin URL; scratch databases are created and dropped")
    args = parser.parse_args()
    backends = args.backends.split(",")
    if "postgresql" in backends and not pg_reachable(args.pg_url):
        print(f"PostgreSQL not reachable at {args.pg_url}: measuring SQLite only")
        backends.remove("postgresql")

    started = time.perf_counter()
    port, count, server = sink.start()
    results: dict[str, Results] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for backend in backends:
                def url_for(tag: str, backend: str = backend) -> tuple[str, Callable[[], None]]:
                    if backend == "sqlite":
                        return f"sqlite:///{folder / f'{tag}.db'}", lambda: None
                    return pg_database(args.pg_url, f"bench_sweep_{tag}")

                results[backend] = measure(backend, url_for, folder, args, port, count)
    finally:
        server.kill()
    summary(results, args)
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
