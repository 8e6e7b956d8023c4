"""A dispatcher process for the fault tests: ``python fault_worker.py URL PORT WORKER BATCH LEASE``.

Prints ``ready`` once set up, dispatches until SIGTERM, then prints its report as JSON.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine import Database
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender


async def main(url: str, port: int, worker: str, batch: int, lease: float) -> None:
    db = Database(url)
    sender = SmtpSender(hostname="127.0.0.1", port=port, timeout=10, connections=2,
                        mail_from="noreply@smartcity.example.go.id")
    dispatcher = Dispatcher(db, sender, worker, lambda: datetime.now(UTC), batch=batch,
                            lease=lease)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    report = await dispatcher.run(stop, idle=0.05)
    await sender.close()
    db.dispose()
    print(json.dumps({"worker": worker, "sent": report.sent, "retried": report.retried,
                      "dead": report.dead}), flush=True)


if __name__ == "__main__":
    url, port, worker, batch, lease = sys.argv[1:6]
    asyncio.run(main(url, int(port), worker, int(batch), float(lease)))
