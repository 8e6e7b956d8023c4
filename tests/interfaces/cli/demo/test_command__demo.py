"""``smartcity demo``, the main job: two years of a cohort across WIB, WITA and WIT, ending today.

It runs through the real engine on its own SQLite file, ends with regions spread over the
stages (one stuck at bimtek I for a missing questionnaire, one still revising), starts again
from scratch in a directory an earlier run left behind, and refuses to wipe a directory it did
not create. It leaves a world to serve: an account for each role (a head of region too), an
OPD, a mentor and a head of region with work due after the day it ends, its mail in the
mailbox of ``serve --smtp-sink``, and no date after that day.

The demo takes a while, so it runs once per suite: the module's ``demo`` fixture runs it into a
directory prepared as an earlier run leaves it (the marker file, a stale database and upload),
with its story pinned to end on its script's own last day (``SMARTCITY_NOW``, so the dates
below are fixed; other days are test_timeline__today's), and the tests read that one run's exit
code, output and directory. The tests share one pytest-xdist group, so one worker runs them all
(the suite runs with ``--dist loadgroup``). The refusals do not run it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import col
from typer.testing import CliRunner

from config.settings import Settings, get_settings
from interfaces.cli.app import app
from interfaces.cli.demo.cast import PROFILES
from interfaces.cli.serve import preload_mailbox
from interfaces.web.app import create_app
from notifications import outbox
from notifications.models import OutboxMessage
from notifications.sink import MailSink
from workflows.access import accounts as prog_accounts
from workflows.evaluation import windows
from workflows.obligations import owed_by
from workflows.programme import Programme
from workflows.reporting.status import status
from workflows.reporting.timeline import history

#: The day the demo's story is pinned to end: its reference calendar's own end, where no date
#: of the script moves (the demo run from today's date is test_command__today's).
REFERENCE_TODAY = "2027-12-01T09:00+07:00"
STALE_DATABASE = b"left over from an earlier demo run, not a database"
STALE_UPLOAD = Path("uploads") / "0f" / "stale-upload.pdf"


@dataclass(frozen=True)
class DemoRun:
    """What one ``smartcity --data-dir FOLDER demo`` left: its exit code, output and folder."""

    folder: Path
    exit_code: int
    stdout: str
    stderr: str


def _run_demo(folder: Path, today: str = REFERENCE_TODAY) -> DemoRun:
    """Leave ``folder`` as an earlier demo run does (with stale files), then run the demo
    with its story ending ``today`` (``SMARTCITY_NOW``)."""
    (folder / STALE_UPLOAD).parent.mkdir(parents=True)
    (folder / ".smartcity-demo").write_text("made by smartcity demo; wiped on every run\n")
    (folder / "smartcity.db").write_bytes(STALE_DATABASE)
    (folder / STALE_UPLOAD).write_bytes(b"%PDF-1.4 stale")
    get_settings.cache_clear()  # the settings are read once per process: read SMARTCITY_NOW
    try:
        result = CliRunner().invoke(app, ["--data-dir", str(folder), "demo"],
                                    env={"SMARTCITY_NOW": today, "SMARTCITY_LANG": "en"})
    finally:
        get_settings.cache_clear()
    return DemoRun(folder, result.exit_code, result.stdout, result.stderr)


# One worker runs every test of this module, so the module's fixture runs the demo once.
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The one demo run of the suite."""
    return _run_demo(tmp_path_factory.mktemp("demo"))


def test_demo_drives_a_year_and_prints_status_and_history(demo: DemoRun) -> None:
    folder = demo.folder
    result = demo
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Cohort Smart City 2026: 8 regions" in out
    for zone in ("WIB", "WITA", "WIT"):
        assert f" {zone} " in out
    assert "History of 64.71 Kota Balikpapan (times in WITA)" in out
    refusal = next(line for line in out.splitlines()
                   if "refused: 62.02 close_bimtek_1 by koordinator@komdigi.go.id: " in line)
    assert "Dinas Perhubungan (DISHUB)" in refusal

    prog = Programme(Settings(data_dir=folder, database_url=None))
    try:
        with prog.db.read() as session:
            stages = {r.code: r.state for r in status(prog, session, "Smart City 2026")}
            _, timeline = history(session, "64.71")
    finally:
        prog.close()
    assert set(stages) == {p.code for p in PROFILES}
    assert stages == {
        "64.71": "implementation", "35.10": "implementation", "51.71": "implementation",
        "94.04": "adoption", "91.71": "mentor_review", "72.01": "revision",
        "73.71": "bimtek_4", "62.02": "bimtek_1",
    }
    triggers = [h.trigger for h in timeline if h.kind == "transition"]
    assert triggers.count("reject") == 1 and triggers[-1] == "adopt"


def test_demo_delivers_email_over_smtp_and_evaluates_both_windows(demo: DemoRun) -> None:
    folder = demo.folder
    result = demo
    assert result.exit_code == 0, result.stderr
    out = result.stdout

    # The output ends with every kind of email sent, and the digests sent to someone who
    # owed nothing: none.
    tail = out[out.index("\nEmails delivered: "):].strip().splitlines()
    counted = re.fullmatch(r"Emails delivered: (\d+) \(the SMTP server received (\d+)\), "
                           r"by kind:", tail[0])
    assert counted is not None, tail
    delivered, received = int(counted[1]), int(counted[2])
    assert delivered > 0 and delivered == received
    kinds = dict(line.split() for line in tail[1:-2])
    assert {"reminder_digest", "escalation", "review_approved", "review_rejected",
            "review_requested", "extension_requested", "extension_decided"} <= set(kinds)
    assert sum(int(n) for n in kinds.values()) == delivered
    assert re.fullmatch(r"Reminder digests went to: \d+ OPDs, \d+ heads of region, \d+ "
                        r"mentors, \d+ coordinators", tail[-2]), tail[-2]
    assert tail[-1] == "Reminder digests to someone who owed nothing: 0"
    assert "One of the emails sent, to " in out and "Subject: " in out

    # 62.02: overdue notice to the silent OPD, then the escalation to the coordinator.
    assert "overdue notice 2026-07-11 08:30 WIB to dishub@kotawaringintimurkab.go.id" in out
    assert ("escalation 2026-07-14 08:30 WIB to koordinator@komdigi.go.id: Eskalasi Kabupaten "
            "Kotawaringin Timur") in out

    # Both windows of 2027, a refused late return, and the rankings.
    for window in ("2027-H1", "2027-H2"):
        assert f"evaluation window {window} open" in out
        assert f"evaluation window {window} closed" in out
        assert f"Ranking Smart City 2026, window {window}" in out
    assert "refused: 51.71 submit_return 2027-H1" in out
    assert "window 2027-H1 closed" in out
    assert re.search(r"^\s+1\s+64\.71 Kota Balikpapan\s+index 3\.30$", out, re.MULTILINE)

    prog = Programme(Settings(data_dir=folder, database_url=None))
    try:
        with prog.db.read() as session:
            sent = dict(session.execute(
                select(col(OutboxMessage.kind), func.count())
                .where(col(OutboxMessage.status) == outbox.SENT)
                .group_by(col(OutboxMessage.kind))).all())
            unsent = session.execute(select(func.count()).select_from(OutboxMessage).where(
                col(OutboxMessage.status) != outbox.SENT)).scalar_one()
            escalated = session.execute(select(OutboxMessage.subject).where(
                col(OutboxMessage.status) == outbox.SENT,
                col(OutboxMessage.kind) == "escalation")).scalars().all()
            _, banggai = history(session, "72.01")
    finally:
        prog.close()
    assert sum(sent.values()) == delivered and unsent == 0
    assert any("Kotawaringin Timur" in s for s in escalated)
    extension = [h.trigger for h in banggai if h.kind == "extension"]
    assert extension == ["request_extension", "grant_extension"]


def test_demo_runs_again_from_scratch(demo: DemoRun) -> None:
    again = demo  # run in a directory an earlier run left, with stale files in it
    assert again.exit_code == 0, again.stderr
    assert "Cohort Smart City 2026: 8 regions" in again.stdout
    assert (demo.folder / ".smartcity-demo").exists()
    assert (demo.folder / "smartcity.db").read_bytes()[:16] == b"SQLite format 3\x00"
    assert not (demo.folder / STALE_UPLOAD).exists()


def test_demo_refuses_a_directory_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "demo"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path} is not empty and was not made by "
                                    "'smartcity demo'")
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_demo_refuses_a_database_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--database-url", "sqlite:///x.db", "--data-dir",
                                      str(tmp_path / "d"), "demo"])
    assert result.exit_code == 1
    assert "the demo runs on its own SQLite file" in result.stderr


# -- the world a newcomer serves afterwards ---------------------------------------------------

ROLES = ["coordinator", "mentor", "OPD", "head of region", "assessor", "administrator"]


def _accounts(out: str) -> dict[str, str]:
    """The accounts the demo prints to sign in with, by role."""
    lines = out[out.index("\nOr in a browser: "):out.index("\nEmails delivered: ")]
    found = {}
    for line in lines.splitlines():
        match = re.fullmatch(r"  (\S.*?)\s{2,}(\S+@\S+)", line)
        if match:
            found[match[1]] = match[2]
    return found


def test_an_account_for_each_role_with_its_password(demo: DemoRun) -> None:
    assert demo.exit_code == 0, demo.stderr
    accounts = _accounts(demo.stdout)
    assert list(accounts) == ROLES, accounts
    assert "with the password 'demo-smartcity-2026'" in demo.stdout
    assert accounts["head of region"] == "kepala.daerah@makassarkota.go.id"
    prog = Programme(Settings(data_dir=demo.folder, database_url=None))
    try:
        with prog.db.transaction() as session:
            for email in accounts.values():
                prog_accounts.authenticate(session, email, "demo-smartcity-2026",
                                           prog.engine.clock())
    finally:
        prog.close()


def test_an_opd_a_mentor_and_a_head_of_region_have_work_due_after_the_serving_day(
        demo: DemoRun) -> None:
    """Signed in the day the demo ran, each of them has something to do that is not late
    yet, and the demo says what it is."""
    accounts = _accounts(demo.stdout)
    prog = Programme(Settings(data_dir=demo.folder, database_url=None, now=REFERENCE_TODAY))
    now = prog.engine.clock()
    try:
        with prog.db.read() as session:
            regions = [p.code for p in PROFILES]
            for role in ("OPD", "mentor", "head of region"):
                due = [o for o in owed_by(prog, session, accounts[role], regions,
                                          deadlines_only=True)
                       if o.deadline is not None and o.deadline.due_at > now]
                assert due, (role, accounts[role])
                assert due[0].deadline is not None
                assert due[0].deadline.due_at - now < timedelta(days=31), due
    finally:
        prog.close()
    shown = demo.stdout[demo.stdout.index("\nOr in a browser: "):]
    assert shown.count("to do: ") >= 3


def test_the_demos_mail_is_in_the_mailbox_when_served(demo: DemoRun) -> None:
    """``serve --smtp-sink`` puts what the demo delivered in the mailbox: the OPD reads its
    reminders there."""
    accounts = _accounts(demo.stdout)
    prog = Programme(Settings(data_dir=demo.folder, database_url=None, now=REFERENCE_TODAY))
    try:
        sink = MailSink()
        loaded = preload_mailbox(prog, sink)
        assert loaded == sum(outbox.sent_by_kind(prog.db).values()) > 0
        opd = accounts["OPD"]
        mine = [m for m in sink.listing() if opd in m.recipients]
        assert mine and all(m.received_at <= prog.engine.clock() for m in sink.listing())
        client = TestClient(create_app(prog, mailbox=sink, background=False))
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token is not None
        signed_in = client.post("/login", data={
            "email": opd, "password": "demo-smartcity-2026", "next": "/mailbox",
            "login_token": token[1]}, follow_redirects=True)
        assert signed_in.status_code == 200, signed_in.text
        listed = client.get("/mailbox")
        assert listed.status_code == 200
        subject = str(mine[-1].message()["Subject"])
        assert html.escape(subject, quote=False) in listed.text or subject in listed.text
    finally:
        prog.close()


def test_its_dates_agree_with_the_serving_day(demo: DemoRun) -> None:
    """Nothing happened after the day it ended; a window it ranked is closed by then, and a
    window not open yet has nothing in it."""
    prog = Programme(Settings(data_dir=demo.folder, database_url=None, now=REFERENCE_TODAY))
    now = prog.engine.clock()
    try:
        with prog.db.read() as session:
            found = {w.name: w for w in windows.windows(session)}
            latest = session.execute(select(func.max(OutboxMessage.sent_at))).scalar_one()
    finally:
        prog.close()
    for name in re.findall(r"Ranking Smart City 2026, window (\S+) ", demo.stdout):
        assert found[name].status == "closed" and found[name].closes_at.replace(
            tzinfo=found[name].closes_at.tzinfo or UTC) < now
    assert latest.replace(tzinfo=latest.tzinfo or UTC) <= now
