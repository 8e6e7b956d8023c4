"""``/healthz`` and ``/readyz`` (interfaces/web/health.py): liveness never touches the database;
readiness is 200 on a migrated database and 503 naming each failing check and why (database
gone, schema missing, behind, or migrated by a newer release; SMTP relay unreachable in a
process that sends email), in the request's language; neither needs sign-in, both say
no-store, neither is in the API schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from smtpkit import SmtpServer, free_port, smtp_server  # type: ignore[import-not-found]
from sqlalchemy import text

import migrations
from config.settings import Settings
from interfaces.web.app import create_app
from interfaces.web.health import head_revision
from workflows.programme import Programme

__all__ = ["smtp_server"]
EN = {"Accept-Language": "en"}


def client(prog: Programme, *, background: bool = False) -> TestClient:
    """A client of the application (not entered: its background services do not start)."""
    return TestClient(create_app(prog, background=background), raise_server_exceptions=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A programme whose database cannot be opened: SQLite at a path that is a folder, or
    PostgreSQL on a port nothing listens on."""
    url = (f"sqlite:///{tmp_path}" if request.param == "sqlite"
           else f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")
    prog = Programme(Settings(data_dir=tmp_path, database_url=url))
    yield prog
    prog.close()


def test_healthz_answers_without_the_database(unreachable: Programme) -> None:
    answer = client(unreachable).get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["cache-control"] == "no-store"


def test_readyz_is_200_on_a_migrated_database(prog: Programme) -> None:
    answer = client(prog).get("/readyz")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {"status": "ready", "failing": [],
                             "checks": {"database": {"ok": True}, "migrations": {"ok": True}}}


def test_readyz_names_a_database_that_is_gone(unreachable: Programme) -> None:
    answer = client(unreachable).get("/readyz", headers=EN)
    assert answer.status_code == 503
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["status"] == "not_ready"
    assert body["failing"] == ["database", "migrations"]
    assert body["checks"]["database"]["reason"].startswith("Cannot reach the database: ")
    assert body["checks"]["migrations"]["reason"] == "Not checked: the database did not answer."
    # Indonesian unless asked.
    indonesian = client(unreachable).get("/readyz").json()
    assert indonesian["checks"]["database"]["reason"].startswith(
        "Basis data tidak dapat dihubungi: ")


def test_readyz_names_a_database_without_a_schema(tmp_path: Path) -> None:
    prog = Programme(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'e.db'}"))
    try:
        answer = client(prog).get("/readyz", headers=EN)
    finally:
        prog.close()
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["migrations"]
    assert answer.json()["checks"]["database"] == {"ok": True}
    assert "no schema yet" in answer.json()["checks"]["migrations"]["reason"]


def test_readyz_names_a_schema_behind_the_release(prog: Programme) -> None:
    head = head_revision()
    assert head is not None and migrations.current(prog.db.engine) == head
    with prog.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    answer = client(prog).get("/readyz", headers=EN)
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["migrations"]
    assert answer.json()["checks"]["migrations"]["reason"] == (
        f"The database schema is at revision 0001, and this release needs {head}: "
        "run 'smartcity init' to migrate it.")
    with prog.db.engine.begin() as conn:  # at head again: ready again
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert client(prog).get("/readyz").status_code == 200


def test_readyz_names_a_schema_a_newer_release_migrated(prog: Programme) -> None:
    """An old process left running on a database a newer release migrated: the fix is to
    upgrade the process (migrating from here could not help), and its revision is named."""
    head = head_revision()
    assert head is not None and "9999_from_the_future" not in migrations.revisions()
    with prog.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    answer = client(prog).get("/readyz", headers=EN)
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["migrations"]
    reason = answer.json()["checks"]["migrations"]["reason"]
    assert reason == ("The database was migrated by a newer release (revision "
                      "9999_from_the_future, unknown to this one): upgrade this process to that "
                      "release and restart it.")
    assert "smartcity init" not in reason
    indonesian = client(prog).get("/readyz").json()["checks"]["migrations"]["reason"]
    assert indonesian.startswith("Basis data telah dimigrasikan oleh rilis yang lebih baru")
    with prog.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert client(prog).get("/readyz").status_code == 200


def test_readyz_checks_the_relay_only_where_email_is_sent(
        make_prog: Any, smtp_server: SmtpServer) -> None:
    prog = make_prog(smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    sends = client(prog, background=True).get("/readyz")
    assert sends.status_code == 200, sends.text
    assert sends.json()["checks"]["smtp"] == {"ok": True}
    assert smtp_server.handler.sessions >= 1  # it greeted and answered EHLO

    closed = make_prog(smtp_host="127.0.0.1", smtp_port=free_port())
    answer = client(closed, background=True).get("/readyz", headers=EN)
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["smtp"]
    reason = answer.json()["checks"]["smtp"]["reason"]
    port = closed.settings.smtp_port
    assert reason.startswith(f"Cannot reach the SMTP relay at 127.0.0.1:{port}: ")
    # A process that only serves pages does not care about the relay.
    assert client(closed).get("/readyz").status_code == 200


def test_the_probes_need_no_sign_in_and_stay_out_of_the_api_schema(prog: Programme) -> None:
    app = client(prog)
    for path in ("/healthz", "/readyz", "/metrics"):
        assert app.get(path, follow_redirects=False).status_code == 200, path
    paths = app.get("/api/v1/openapi.json").json()["paths"]
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)
