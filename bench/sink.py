"""A counting SMTP server (aiosmtpd) in a process of its own, for the email benchmarks.

In another process so that the server's own work does not share the measured process's
interpreter; it accepts every message and counts it in a shared value the benchmark reads.
"""

from __future__ import annotations

import multiprocessing
import socket
import time
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, ready: Any, count: Any) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with count.get_lock():
                count.value += 1
            return "250 2.0.0 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def start() -> tuple[int, Any, multiprocessing.Process]:
    """Start the server on a free loopback port: the port, the count of messages it
    accepted, and its process (to kill at the end)."""
    port = free_port()
    ready, count = multiprocessing.Event(), multiprocessing.Value("l", 0)
    server = multiprocessing.Process(target=_serve, args=(port, ready, count), daemon=True)
    server.start()
    if not ready.wait(20):
        raise SystemExit("the SMTP server did not start")
    return port, count, server
