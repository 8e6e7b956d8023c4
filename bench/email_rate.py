"""Email delivered per second: the outbox dispatcher beside raw aiosmtplib, in the same run.

An aiosmtpd server runs in a separate process on 127.0.0.1 (it counts what it accepts). Then,
interleaved over several rounds (medians reported):

* **raw**: one reused ``aiosmtplib.SMTP`` connection sending N prebuilt messages (the bytes
  the dispatcher would build for the same rows) in a loop, one after the other;
* **dispatcher**: N messages enqueued in the outbox (SQLite file in WAL mode, and PostgreSQL
  when reachable), delivered by ``Dispatcher.run(until_idle=True)``, the worker's loop:
  claim under a lease (the next batch while the current one is sent), send the stored
  bytes through ``SmtpSender`` with K reused connections, acknowledge.
  Enqueueing is not timed; everything from the first claim to the last acknowledgement is.

Prints both rates and their ratio (target: dispatcher >= 0.7 x raw).

    .venv/bin/python bench/email_rate.py [--n 2000] [--rounds 3] [--connections 1,2] \\
        [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosmtplib

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sink
from scratch import pg_database, pg_reachable

from engine import Database
from migrations import upgrade
from notifications import outbox
from notifications.dispatcher import Dispatcher
from notifications.message import outbox_fields
from notifications.render import RenderedEmail
from notifications.smtp import SmtpSender

MAIL_FROM = "Gerakan Menuju 100 Smart City <noreply@smartcity.example.go.id>"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def row(i: int) -> dict[str, Any]:
    """One outbox row's fields, the message built as the sweep builds it (once, queued)."""
    key = f"bench:{i}:{uuid.uuid4().hex[:8]}"
    rendered = RenderedEmail(
        subject=f"Pengingat: batas waktu Rencana Induk Kota {i} — 3 hari lagi",
        text=(f"Yth. Dinas Komunikasi dan Informatika Kota {i},\n\n"
              "Batas waktu penyerahan dokumen Rencana Induk adalah 5 Maret 2026 "
              "pukul 08:00 WIB. Silakan unggah dokumen melalui sistem.\n") * 3,
        html=(f"<p>Yth. Dinas Komunikasi dan Informatika Kota {i},</p>"
              "<p>Batas waktu penyerahan dokumen Rencana Induk adalah "
              "<b>5 Maret 2026 pukul 08:00 WIB</b>. Silakan unggah dokumen "
              "melalui sistem.</p>") * 3,
    )
    fields = outbox_fields(key=key, recipient=f"opd{i % 500}@kota{i % 97}.example.go.id",
                           rendered=rendered, sender=MAIL_FROM,
                           domain="smartcity.example.go.id", date=T0)
    return {"key": key, "kind": "reminder", **fields}


def prebuilt(rows: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """The same messages the dispatcher will send, for the raw baseline."""
    return [(r["recipient"], r["raw"]) for r in rows]


async def raw_rate(port: int, messages: list[tuple[str, bytes]]) -> float:
    sender = "noreply@smartcity.example.go.id"
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False,
                               timeout=30) as smtp:
        await smtp.noop()
        start = time.perf_counter()
        for recipient, message in messages:
            await smtp.sendmail(sender, [recipient], message)
        return len(messages) / (time.perf_counter() - start)


def enqueue(db: Database, rows: list[dict[str, Any]], round_no: int) -> None:
    """Queue the prebuilt rows under fresh keys (the same bytes the raw baseline sends)."""
    with db.transaction() as session:
        for r in rows:
            outbox.enqueue(session, **{**r, "key": f"{r['key']}:{round_no}"}, due_at=T0, now=T0)


async def dispatcher_rate(db: Database, port: int, n: int, connections: int) -> float:
    sender = SmtpSender(hostname="127.0.0.1", port=port, mail_from=MAIL_FROM, timeout=30,
                        connections=connections)
    dispatcher = Dispatcher(db, sender, "bench", lambda: T0 + timedelta(seconds=1),
                            batch=200, lease=120)
    start = time.perf_counter()
    sent = (await dispatcher.run(until_idle=True)).sent
    elapsed = time.perf_counter() - start
    await sender.close()
    if sent != n:
        raise SystemExit(f"dispatcher sent {sent} of {n}")
    return n / elapsed


def sqlite_database(folder: Path) -> tuple[str, Callable[[], None]]:
    return f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.db'}", lambda: None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", default="1,2",
                        help="SmtpSender connection counts to measure (comma-separated).")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    conns = [int(c) for c in args.connections.split(",")]
    backends = args.backends.split(",")
    if "postgresql" in backends and not pg_reachable(args.pg_url):
        print(f"PostgreSQL not reachable at {args.pg_url}: measuring SQLite only")
        backends.remove("postgresql")

    port, _, server = sink.start()

    tmp = tempfile.TemporaryDirectory()
    databases: dict[str, tuple[Database, Callable[[], None]]] = {}
    for backend in backends:
        url, drop = (sqlite_database(Path(tmp.name)) if backend == "sqlite"
                     else pg_database(args.pg_url, "bench_mail"))
        db = Database(url)
        upgrade(db.engine)
        databases[backend] = (db, drop)

    rows = [row(i) for i in range(args.n)]
    messages = prebuilt(rows)
    raw: list[float] = []
    rates: dict[tuple[str, int], list[float]] = {(b, c): [] for b in backends for c in conns}
    try:
        for round_no in range(args.rounds):
            raw.append(asyncio.run(raw_rate(port, messages)))
            for (backend, k), found in rates.items():
                db = databases[backend][0]
                enqueue(db, rows, round_no * 100 + k)
                found.append(asyncio.run(dispatcher_rate(db, port, args.n, k)))
            print(f"round {round_no + 1}: raw {raw[-1]:.0f}/s; " + "; ".join(
                f"{b} x{k} {v[-1]:.0f}/s" for (b, k), v in rates.items()), flush=True)
    finally:
        for db, drop in databases.values():
            db.dispose()
            drop()
        tmp.cleanup()
        server.kill()

    base = statistics.median(raw)
    print(f"\n{args.n} messages x {args.rounds} rounds, aiosmtpd in a separate process; "
          "medians")
    print(f"  raw aiosmtplib, 1 reused connection, prebuilt messages: {base:7.0f} msg/s")
    for (backend, k), found in rates.items():
        rate = statistics.median(found)
        verdict = "ok" if rate / base >= 0.7 else "BELOW TARGET"
        print(f"  dispatcher on {backend:<10} smtp_connections={k}: {rate:7.0f} msg/s  "
              f"ratio {rate / base:.2f} (target >= 0.7: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
