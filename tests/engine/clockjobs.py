"""Jobs for the clock tests, importable by textual reference ("clockjobs:tick")."""

from __future__ import annotations

import threading

ticks = 0
_lock = threading.Lock()


def tick() -> None:
    global ticks
    with _lock:
        ticks += 1
