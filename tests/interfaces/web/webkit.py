"""Driving the web application in tests: accounts for the cast, API and browser clients.

:class:`Web` wraps a :class:`worldkit.World` (the programme with a region seeded through the
public functions) and the FastAPI app built on it. ``api(email)`` is a ``TestClient`` with a
bearer token from ``POST /api/v1/tokens``; ``browser(email)`` is one signed in through the
login form, whose ``csrf()`` reads the token from a page as a browser would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from interfaces.web.app import create_app
from workflows.access import accounts

PASSWORD = "kata-sandi-rahasia-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


class Browser(TestClient):
    """A client that signed in through the login form, keeping the session cookie."""

    def login_token(self) -> str:
        """The login form's anti-forgery token (its cookie is kept by the client)."""
        found = LOGIN_TOKEN.search(self.get("/login").text)
        assert found, "no login token on /login"
        return found.group(1)

    def csrf(self, page: str = "/") -> str:
        found = CSRF.search(self.get(page).text)
        assert found, f"no CSRF token on {page}"
        return found.group(1)

    def post_form(self, url: str, data: dict[str, Any] | None = None, page: str | None = None,
                  **kw: Any) -> Any:
        """POST a form with the CSRF token of ``page`` (default: the form's own page)."""
        token = self.csrf(page or url)
        return self.post(url, data={**(data or {}), "csrf_token": token}, **kw)


@dataclass
class Web:
    world: Any  # worldkit.World
    region: Any  # worldkit.Seeded
    mailbox: Any = None
    app: Any = field(init=False)
    _accounts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.app = create_app(self.world.prog, mailbox=self.mailbox)

    @property
    def prog(self) -> Any:
        return self.world.prog

    def account(self, email: str, *, admin: bool = False) -> str:
        if email not in self._accounts:
            accounts.create(self.prog, email, PASSWORD, is_admin=admin)
            self._accounts.add(email)
        return email

    def anonymous(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def token(self, email: str) -> str:
        self.account(email)
        response = self.anonymous().post("/api/v1/tokens", json={
            "email": email, "password": PASSWORD, "name": "tests"})
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    def api(self, email: str, lang: str | None = "en") -> TestClient:
        """A client with ``email``'s token, asking for answers in ``lang`` (English: the API
        tests read its messages as a developer would; None asks for no language, which is
        Indonesian; api/test_app__error_language.py checks both)."""
        client = TestClient(self.app, raise_server_exceptions=False)
        client.headers["Authorization"] = f"Bearer {self.token(email)}"
        if lang:
            client.headers["Accept-Language"] = lang
        return client

    def browser(self, email: str) -> Browser:
        self.account(email)
        client = Browser(self.app, raise_server_exceptions=False, follow_redirects=False)
        response = client.post("/login", data={"email": email, "password": PASSWORD,
                                               "next": "/",
                                               "login_token": client.login_token()})
        assert response.status_code == 303, response.text
        return client
