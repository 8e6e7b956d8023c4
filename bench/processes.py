"""Scaling out: actions per second through HTTP with one ``serve --no-background`` process and
with two, on one PostgreSQL database, in the same run; and what the orchestrator's probes cost.

One web process runs Python under one GIL, so it uses about one core whatever its thread pool;
the production layout (README "Operating it") puts N of them behind a proxy. This measures
that promise on this machine, over loopback:

* **actions/s**: ``--clients`` client threads (default 8), each with its own keep-alive
  connection and its own region, fire ``--actions`` actions each as fast as answers come.
  The action is a coordinator moving the region's own deadline (``PUT
  /api/v1/regions/{code}/deadlines/assessment``, a new date each time): token lookup, the
  engine's version-checked deadline write, a history entry and the reminder schedule re-armed,
  in one transaction. With one process every client talks to it; with two, the same clients
  alternate between the two (no proxy: the client spreads the load as a round-robin proxy
  would). The two layouts alternate, ``--rounds`` times each, and the ratio two/one of their
  median rates is the figure (target >= 1.5x). The client threads, PostgreSQL and the servers
  share the machine's cores, so the ratio says what a second process buys *here*; beside it,
  each round's CPU time per action of the web processes, of this database's PostgreSQL
  backends and of the client (from /proc), the new database connections the web processes
  opened, and the ceilings that CPU allows: one process at most 1/(its CPU per action), any
  number at most cores/(all the CPU an action costs).
* **probes**: ``GET /healthz`` (touches nothing: the raw baseline of one request through the
  stack), ``GET /readyz`` (the database's ``SELECT 1`` and schema version) and ``GET /metrics``
  (the Prometheus exposition, with its three statements), ``--probes`` times each,
  interleaved, one at a time on one keep-alive connection: median milliseconds, and each
  beside ``/healthz``.

    .venv/bin/python bench/processes.py [--clients 8] [--actions 60] [--rounds 3]
                                        [--probes 200] [--pg-url URL]

PostgreSQL only (SQLite is one machine's one writer: several processes there buy nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import DEFAULT_ADMIN_URL, pg_database, pg_reachable

from config.settings import Settings
from interfaces.bootstrap import initialise
from workflows.access import accounts
from workflows.directory import cohorts, imports, registration
from workflows.directory.reference import shipped_regions
from workflows.programme import Programme

SMARTCITY = Path(sys.executable).parent / "smartcity"
COORDINATOR = "koordinator@komdigi.go.id"
PASSWORD = "bench-password-123"
COHORT = "Smart City 2026"
NOW = "2026-03-02T09:00+07:00"
FIRST_DATE = date(2026, 4, 1)
PROBES = ("/healthz", "/readyz", "/metrics")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(url: str, data_dir: Path, regions: int) -> list[str]:
    """A cohort of ``regions`` regions (in assessment), a programme-wide coordinator with an
    account; returns the region codes."""
    prog = Programme(Settings(database_url=url, data_dir=data_dir))
    try:
        initialise(prog)
        codes = [r.code for r in shipped_regions()][:regions]
        registration.upsert_people(prog, [imports.PersonRow(
            COORDINATOR, "Tim Koordinator", "coordinator", None)])
        cohorts.create_cohort(prog, COHORT, 2026)
        cohorts.add_members(prog, COHORT, codes)
        accounts.create(prog, COORDINATOR, PASSWORD)
        return codes
    finally:
        prog.close()


@contextmanager
def web_processes(url: str, data_dir: Path, count: int
                  ) -> Iterator[tuple[list[str], list[int]]]:
    """``count`` ``smartcity serve --no-background`` processes; yields their base URLs and
    process ids."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCITY_")}
    env.update({"SMARTCITY_DATABASE_URL": url, "SMARTCITY_DATA_DIR": str(data_dir),
                "SMARTCITY_SECRET_KEY": "bench-secret-shared-by-every-process",
                "SMARTCITY_NOW": NOW, "SMARTCITY_LANG": "en", "NO_COLOR": "1"})
    ports = [free_port() for _ in range(count)]
    procs = [subprocess.Popen(
        [str(SMARTCITY), "serve", "--no-background", "--port", str(port)], env=env,
        cwd=data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, proc in zip(bases, procs, strict=True):
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"serve on {base} exited with {proc.returncode}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"serve on {base} did not answer within 60 s")
                time.sleep(0.2)
        yield bases, [proc.pid for proc in procs]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used (Linux /proc); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time of the web processes, of this database's PostgreSQL backends and of the
    client (this process) over a stretch: where each action's time goes."""

    def __init__(self, url: str, web_pids: list[int]) -> None:
        self.url = url
        self.web_pids = web_pids

    def backends(self) -> list[int]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return [int(pid) for (pid,) in conn.execute(text(
                    "select pid from pg_stat_activity where datname = current_database() "
                    "and pid <> pg_backend_pid()"))]
        finally:
            engine.dispose()

    def sessions(self) -> int:
        """Connections ever opened to this database (PostgreSQL's own count)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                conn.execute(text("select pg_stat_force_next_flush()"))
                return int(conn.execute(text(
                    "select sessions from pg_stat_database "
                    "where datname = current_database()")).scalar_one())
        finally:
            engine.dispose()

    def reading(self) -> dict[str, object]:
        return {"web": sum(cpu_seconds(p) for p in self.web_pids),
                "postgres": {pid: cpu_seconds(pid) for pid in self.backends()},
                "client": time.process_time(), "connections": self.sessions()}

    @staticmethod
    def used(before: dict[str, object], after: dict[str, object], count: int
             ) -> dict[str, float]:
        """CPU milliseconds per action between two readings, and new connections. A backend
        that started meanwhile counts whole; one that exited took its CPU time with it (so a
        pool that churns connections under-reports PostgreSQL)."""
        was, now = before["postgres"], after["postgres"]
        assert isinstance(was, dict) and isinstance(now, dict)
        postgres = sum(cpu - was.get(pid, 0.0) for pid, cpu in now.items())
        spent = {k: float(after[k]) - float(before[k])  # type: ignore[arg-type]
                 for k in ("web", "client", "connections")}
        return {"web": spent["web"] * 1000 / count, "postgres": postgres * 1000 / count,
                "client": spent["client"] * 1000 / count, "connections": spent["connections"]}


class Load:
    """The clients: one thread and one region each; every action moves that region's date."""

    def __init__(self, token: str, codes: list[str]) -> None:
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.codes = codes
        self.fired = dict.fromkeys(codes, 0)

    def run(self, bases: list[str], actions: int,
            meter: CpuMeter | None = None) -> tuple[float, dict[str, float]]:
        """Every client fires ``actions`` actions at its process; returns actions per second
        and the CPU milliseconds per action of the web processes, PostgreSQL and the client."""
        ready = threading.Barrier(len(self.codes) + 1)
        failures: list[str] = []

        def client(i: int, code: str) -> None:
            # http.client on one keep-alive connection: the lightest client the standard
            # library has, so the client's own CPU (on the same cores) weighs little.
            host, port = bases[i % len(bases)].removeprefix("http://").split(":")
            http = HTTPConnection(host, int(port), timeout=30)
            ready.wait()
            for _ in range(actions):
                self.fired[code] += 1
                day = FIRST_DATE + timedelta(days=self.fired[code] % 600)
                http.request("PUT", f"/api/v1/regions/{code}/deadlines/assessment",
                             body=json.dumps({"date": day.isoformat()}), headers=self.headers)
                answer = http.getresponse()
                body = answer.read()
                if answer.status != 200:
                    failures.append(f"{code}: {answer.status} {body[:200]!r}")
            http.close()

        threads = [threading.Thread(target=client, args=(i, code))
                   for i, code in enumerate(self.codes)]
        for thread in threads:
            thread.start()
        before: dict[str, object] = meter.reading() if meter else {}
        ready.wait()
        start = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        after: dict[str, object] = meter.reading() if meter else {}
        if failures:
            raise RuntimeError(f"{len(failures)} action(s) failed, first: {failures[0]}")
        count = actions * len(self.codes)
        return count / elapsed, CpuMeter.used(before, after, count) if meter else {}


def probe_costs(base: str, probes: int) -> dict[str, float]:
    """Median milliseconds of each probe path, interleaved on one keep-alive connection."""
    times: dict[str, list[float]] = {path: [] for path in PROBES}
    with httpx.Client(base_url=base, timeout=10) as http:
        for path in PROBES:  # warm: the first /readyz reads the migration scripts
            http.get(path)
        for _ in range(probes):
            for path in PROBES:
                start = time.perf_counter()
                answer = http.get(path)
                times[path].append((time.perf_counter() - start) * 1000)
                if answer.status_code == 404:
                    times[path] = [float("nan")]
                elif answer.status_code != 200:
                    raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:200]}")
    return {path: statistics.median(values) for path, values in times.items()}


def token(base: str) -> str:
    answer = httpx.post(f"{base}/api/v1/tokens", timeout=30, json={
        "email": COORDINATOR, "password": PASSWORD, "name": "bench"})
    answer.raise_for_status()
    return str(answer.json()["token"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="client threads, one region each")
    parser.add_argument("--actions", type=int, default=60, help="actions per client per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probes", type=int, default=200, help="GETs of each probe path")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL)
    args = parser.parse_args()
    if not pg_reachable(args.pg_url):
        print(f"PostgreSQL not reachable at {args.pg_url}: this benchmark needs it")
        return 1
    began = time.perf_counter()
    url, drop = pg_database(args.pg_url, "sc_bench_proc")
    try:
        with tempfile.TemporaryDirectory(prefix="sc-bench-proc-") as folder:
            data_dir = Path(folder)
            codes = seed(url, data_dir, args.clients)
            with web_processes(url, data_dir, 2) as (bases, pids):
                load = Load(token(bases[0]), codes)
                load.run(bases, 5)  # warm-up: connections, caches, the first requests
                rates: dict[int, list[float]] = {1: [], 2: []}
                cpu: dict[int, list[dict[str, float]]] = {1: [], 2: []}
                for r in range(args.rounds):
                    for n in ((1, 2) if r % 2 == 0 else (2, 1)):
                        rate, used = load.run(bases[:n], args.actions, CpuMeter(url, pids[:n]))
                        rates[n].append(rate)
                        cpu[n].append(used)
                        print(f"round {r + 1}: {n} process(es) {rate:7.1f} actions/s; CPU ms "
                              f"per action: web {used['web']:.2f}, PostgreSQL "
                              f"{used['postgres']:.2f}, client {used['client']:.2f}; "
                              f"{used['connections']:.0f} new database connections",
                              flush=True)
                costs = probe_costs(bases[0], args.probes)
    finally:
        drop()

    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"\n{args.clients} clients x {args.actions} actions, {args.rounds} rounds each, "
          f"PostgreSQL, loopback, {os.cpu_count()} cores")
    print("| web processes | actions/s (median) | rounds | ratio | CPU ms per action: web, "
          "PostgreSQL, client |\n|---|---|---|---|---|")
    for n, rate in ((1, one), (2, two)):
        split = {k: statistics.median(c[k] for c in cpu[n]) for k in cpu[n][0]}
        print(f"| {n} | {rate:,.0f} | {', '.join(f'{x:,.0f}' for x in rates[n])} | "
              f"{rate / one:.2f} | {split['web']:.2f}, {split['postgres']:.2f}, "
              f"{split['client']:.2f} |")
    # What the machine allows: one process is bounded by its own CPU per action (one GIL);
    # any number by all the CPU an action costs, spread over every core.
    split = {k: statistics.median(c[k] for c in cpu[2]) for k in ("web", "postgres", "client")}
    ceiling = (os.cpu_count() or 1) * 1000 / sum(split.values())
    print(f"ceiling on this machine: {ceiling:,.0f} actions/s with every core busy "
          f"({sum(split.values()):.2f} CPU ms per action in all, from the two-process rounds: "
          f"a backend that exits takes its CPU time with it); one process alone at most "
          f"{1000 / split['web']:,.0f} ({split['web']:.2f} ms of its own CPU per action)")
    base_ms = costs["/healthz"]
    print(f"\n{args.probes} GETs of each, one at a time, one web process (median)")
    print("| probe | ms | x /healthz |\n|---|---|---|")
    for path in PROBES:
        ms = costs[path]
        shown = "missing" if ms != ms else f"{ms:.2f} | {ms / base_ms:.1f}x"
        print(f"| `{path}` | {shown} |")
    verdict = "met" if two / one >= 1.5 else "NOT met"
    print(f"\ntarget: two processes >= 1.5x one: {two / one:.2f}x ({verdict}); "
          f"whole run {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
