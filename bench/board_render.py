"""The programme office's pages for a national cohort: each page beside its queries alone,
its weight raw and compressed, and how both grow from 50 to 514 regions.

For each database (a SQLite file, and PostgreSQL when reachable) this builds a cohort of 50
regions and one of all 514 (:mod:`national`: each region walked through the engine to a
different stage, ~7,500 engine actions for 514, some extension requests left pending), then
measures, signed in as a programme-wide coordinator through the ASGI app in-process (FastAPI
``TestClient``):

* **page**: the whole ``GET`` (session lookup, the read model's queries, the menu's
  attention counts, Jinja rendering, compression, the response);
* **read models**: the read-model calls the page makes (``board_data``, ``attention_items``,
  ``analytics``, the menu's ``attention_counts``, ...) called directly on read sessions: the
  page's queries with their shaping into rows, without the session lookup, the template, the
  compression and HTTP (what the earlier version of this benchmark called "its queries alone";
  target 2x);
* **raw SQL**: the very SQL statements that page issued (captured from the driver in the same
  run), replayed on a raw DB-API connection with their rows fetched: the floor a page cannot
  go under;

in turn, ``--renders`` times each after a warm-up (medians, so machine noise hits both),
with the number of statements, the bytes of the page and its gzip size as served
(``Accept-Encoding: gzip``; target under 100 KB), and the growth of time and bytes from 50 to
514 regions beside the growth of the cohort (10.3x: "linear or better" is at or under that).

    .venv/bin/python bench/board_render.py [--renders 15] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from scratch import DEFAULT_ADMIN_URL, pg_database

from bench.national import COHORT, COORDINATOR, PASSWORD, National, build
from interfaces.web.app import create_app
from workflows.reporting.analytics.summary import analytics
from workflows.reporting.attention import attention_counts, attention_items
from workflows.reporting.board import board_data
from workflows.reporting.board_filters import BoardFilters
from workflows.reporting.coordination import pending_extensions
from workflows.reporting.extension_decisions import decided_extensions

SIZES = (50, 514)
TARGET_GZIP = 100 * 1024


def pages(nat: National) -> list[tuple[str, str]]:
    """The pages measured: (label, URL). The filtered board and the zoomed map use the
    province with most regions in the cohort; the map's geometry (no query: the shipped
    shapes, kept by browsers) is measured for its bytes."""
    province = _biggest_province(nat)
    return [
        ("inbox", "/attention"),
        ("board", "/board"),
        ("board late+prov", f"/board?status=late&province={province}"),
        ("map", "/overview"),
        ("map province", f"/overview?province={province}"),
        ("map geometry", "/map/geometry.svg"),
        ("analytics", "/analytics"),
        ("extensions", "/coordinator/extensions"),
    ]


def _biggest_province(nat: National) -> str:
    counts: dict[str, int] = {}
    for code in nat.codes:
        counts[code[:2]] = counts.get(code[:2], 0) + 1
    return max(counts, key=lambda p: (counts[p], p))


def read_models(nat: National, label: str) -> Callable[[], Any] | None:
    """The read-model calls behind the page ``label`` (None for the geometry: no query)."""
    prog, province = nat.prog, _biggest_province(nat)

    def menu(session: Any) -> Any:
        return attention_counts(prog, session, None)

    calls: dict[str, Callable[[Any], Any]] = {
        "inbox": lambda s: attention_items(prog, s, None),
        "board": lambda s: (board_data(prog, s, None, BoardFilters()), menu(s)),
        "board late+prov": lambda s: (board_data(prog, s, None, BoardFilters.parse(
            province, status="late")), menu(s)),
        "map": lambda s: (board_data(prog, s, None, BoardFilters()), menu(s)),
        "map province": lambda s: (board_data(prog, s, None, BoardFilters()), menu(s)),
        "analytics": lambda s: (analytics(prog, s, COHORT, None), menu(s)),
        "extensions": lambda s: (pending_extensions(prog, s, None), decided_extensions(
            prog, s, None, limit=50), menu(s)),
    }
    if label not in calls:
        return None

    def run() -> None:
        with prog.db.read() as session:
            calls[label](session)

    return run


@dataclass(frozen=True)
class Measured:
    label: str
    statements: int
    page_ms: float
    models_ms: float | None
    queries_ms: float
    raw_bytes: int
    gzip_bytes: int
    encoded: bool  # whether the server itself sent it compressed


def interleaved(fns: list[Callable[[], Any]], runs: int) -> list[float]:
    """Median wall milliseconds of each of ``fns``, run in turn after a warm-up each (so that
    noise from the machine hits them alike)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) * 1000 for t in times]


def signed_in(nat: National) -> TestClient:
    client = TestClient(create_app(nat.prog), follow_redirects=False)
    form = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert form is not None, "no login token on /login"
    answer = client.post("/login", data={"email": COORDINATOR, "password": PASSWORD,
                                         "next": "/board", "login_token": form[1]})
    assert answer.status_code == 303, answer.text
    return client


def measure_page(nat: National, client: TestClient, label: str, url: str,
                 renders: int) -> Measured:
    engine = nat.prog.db.engine
    captured: list[tuple[str, Any, bool]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        captured.append((statement, parameters, executemany))

    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200, (url, first.status_code, first.text[:300])
    event.listen(engine, "before_cursor_execute", capture)
    try:
        served = client.get(url, headers={"Accept-Encoding": "gzip"})
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    encoded = served.headers.get("content-encoding") == "gzip"
    wire = served.num_bytes_downloaded if encoded else len(gzip.compress(served.content, 6))

    def page() -> None:
        assert client.get(url, headers={"Accept-Encoding": "gzip"}).status_code == 200

    raw = engine.raw_connection()

    def queries() -> None:
        cursor = raw.cursor()
        try:
            for statement, parameters, many in captured:
                if many:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
        finally:
            cursor.close()
        raw.rollback()

    models = read_models(nat, label)
    try:
        found = interleaved([page, queries, *([models] if models else [])], renders)
    finally:
        raw.close()
    return Measured(label, len(captured), found[0], found[2] if models else None, found[1],
                    len(served.content), wire, encoded)


def measure(backend: str, url_for: Callable[[int], tuple[str, Callable[[], None]]],
            renders: int) -> dict[int, list[Measured]]:
    found: dict[int, list[Measured]] = {}
    for size in SIZES:
        url, drop = url_for(size)
        try:
            with tempfile.TemporaryDirectory() as folder:
                nat = build(url, Path(folder), regions=size)
                try:
                    print(f"{backend}: built {len(nat.codes)} regions in {nat.seconds:.0f} s, "
                          f"{nat.actions} engine actions, {len(nat.extensions)} extension "
                          "requests pending", flush=True)
                    client = signed_in(nat)
                    found[size] = [measure_page(nat, client, label, path, renders)
                                   for label, path in pages(nat)]
                finally:
                    nat.prog.close()
        finally:
            drop()
    report(backend, found, renders)
    return found


def report(backend: str, found: dict[int, list[Measured]], renders: int) -> None:
    small, large = (found[s] for s in SIZES)
    print(f"\n{backend}, medians of {renders} (page = whole GET; models = its read models "
          "called directly; raw = its SQL replayed raw)")
    print(f"{'page':<16} {'regions':>7} {'stmts':>5} {'page ms':>8} {'models':>7} "
          f"{'/models':>7} {'raw ms':>7} {'/raw':>6} {'raw KB':>7} {'gzip KB':>7}")
    for size, rows in ((SIZES[0], small), (SIZES[1], large)):
        for m in rows:
            by_raw = f"{m.page_ms / m.queries_ms:>5.1f}x" if m.statements else "    - "
            models = (f"{m.models_ms:>7.1f} {m.page_ms / m.models_ms:>6.2f}x"
                      if m.models_ms else f"{'-':>7} {'-':>7}")
            print(f"{m.label:<16} {size:>7} {m.statements:>5} {m.page_ms:>8.1f} {models} "
                  f"{m.queries_ms:>7.1f} {by_raw} "
                  f"{m.raw_bytes / 1024:>7.1f} {m.gzip_bytes / 1024:>7.1f}"
                  f"{'' if m.encoded else ' (not compressed by the server)'}"
                  f"{'  OVER 100 KB' if m.gzip_bytes > TARGET_GZIP else ''}")
    cohort = SIZES[1] / SIZES[0]
    print(f"\ngrowth from {SIZES[0]} to {SIZES[1]} regions (cohort x{cohort:.1f}; "
          "linear or better is at or under that)")
    for a, b in zip(small, large, strict=True):
        print(f"{a.label:<16} time x{b.page_ms / a.page_ms:5.1f}   bytes x"
              f"{b.raw_bytes / a.raw_bytes:5.1f}   statements {a.statements} -> {b.statements}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL,
                        help="admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", lambda n: (f"sqlite:///{folder}/bench{n}.db", lambda: None),
                    args.renders)
    if "postgresql" in backends:
        try:
            pg_database(args.pg_url, "bench_board")[1]()
        except DBAPIError as exc:
            print(f"PostgreSQL skipped: not reachable at {args.pg_url} ({exc.orig or exc})")
        else:
            measure("PostgreSQL", lambda n: pg_database(args.pg_url, f"bench_board{n}"),
                    args.renders)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
