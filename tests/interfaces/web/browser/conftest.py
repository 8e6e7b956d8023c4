"""Browser tests: real Chromium (Playwright's sync API) against a real server and database.

Each test module gets a live server: uvicorn serving :func:`create_app` in a background
thread on a free port of 127.0.0.1, on a Programme with a SQLite file and the real clock
(nothing here is simulated: sessions, CSRF tokens, cookies and redirects are the browser's).
The database is seeded through the same public functions the command line uses
(:class:`worldkit.World`), and accounts through :func:`workflows.access.accounts.create`.

These tests run once (SQLite only; the backend makes no difference to what a browser sees,
and the API's TestClient tests cover both backends). Debian's ``/usr/bin/chromium`` is used, never
a downloaded browser. When it is missing they are skipped, except under ``CI=true``, where
they fail: CI installs it (``.ci/run``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from worldkit import World  # type: ignore[import-not-found]

from config.settings import Settings
from interfaces.bootstrap import initialise
from interfaces.web.app import create_app
from workflows.access import accounts
from workflows.programme import Programme

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "kata-sandi-rahasia-1"
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"  # tests/artifacts


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives real Chromium against a live server (runs once, on SQLite)")


def _missing(reason: str) -> None:
    if UNDER_CI:
        pytest.fail(f"{reason} (required under CI=true; .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium per module; each user gets its own context (own cookies)."""
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Live:
    """A running server on a seeded programme, and the people who may sign in to it."""

    url: str
    prog: Programme
    world: Any  # worldkit.World
    regions: dict[str, Any]  # code -> worldkit.Seeded
    _accounts: set[str] = field(default_factory=set)

    def account(self, email: str) -> str:
        if email not in self._accounts:
            accounts.create(self.prog, email, PASSWORD)
            self._accounts.add(email)
        return email

    def state(self, code: str) -> str:
        return str(self.world.state(code))

    def sign_in(self, chromium: Any, email: str, **context_options: Any) -> Any:
        """A fresh browser context (a laptop's, unless ``context_options`` say otherwise)
        signed in through the login form; returns its page."""
        self.account(email)
        context = chromium.new_context(**{"base_url": self.url, "locale": "id-ID",
                                          "viewport": {"width": 1280, "height": 900},
                                          **context_options})
        context.set_default_timeout(15_000)
        return sign_in_with(context.new_page(), email)


def sign_in_with(page: Any, email: str, password: str = PASSWORD) -> Any:
    """``page`` signed in through the login form, as a person does it (Indonesian labels)."""
    page.goto("/login")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


@pytest.fixture(scope="session")
def log_in() -> Any:
    """:func:`sign_in_with`, for modules that open their own browser contexts."""
    return sign_in_with


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Kota Balikpapan and Kota Samarinda (both WITA) in a cohort, behind a live server."""
    folder = tmp_path_factory.mktemp("live")
    prog = Programme(Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'sc.db'}"))
    initialise(prog)
    world = World(prog, folder / "in")
    world.seed_people()
    regions = {r.code: r for r in (world.region("64.71"),
                                   world.region("64.72", opds=("DINKES", "DISHUB")))}
    try:
        with running(create_app(prog)) as url:
            yield Live(url, prog, world, regions)
    finally:
        prog.close()


@contextmanager
def running(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a background thread on a free port; yields its URL."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           access_log=False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race for it
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn",
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start", pytrace=False)
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (kept after the run, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def serving() -> Any:
    """:func:`running`, for modules that serve an app of their own (another world, a mailbox)."""
    return running
