"""Every kind of email, produced by the code that sends it, reads in its recipient's language:
no English in an Indonesian email, no Indonesian in an English one, no raw keys, no command
hints, no checksums, in the subject, the text part and the HTML part.

The world is ``languagekit.build``'s: half a year of a 2026 cohort whose accounts read
Indonesian or English (``Account.locale``), with reminder digests and escalations from the
sweep, review notices, extension requests and decisions, evaluation window notices,
invitations and password resets. Each email is checked in the language its recipient's account
had when it was written (``languagekit.Checker``); names, comments and reasons are masked.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from languagekit import (  # type: ignore[import-not-found]
    Checker,
    Clock,
    Finding,
    LeakWorld,
    Mail,
    build,
    cheap_passwords,
    report,
    visible,
)

from config import language
from config.settings import Settings
from workflows.emails.catalogue import EMAILS
from workflows.programme import Programme


@pytest.fixture(scope="module")
def mailed(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[LeakWorld]:
    """The world on SQLite (what an email says does not depend on the database)."""
    folder = tmp_path_factory.mktemp("email-language")
    target = folder / "smartcity.db"
    shutil.copyfile(sqlite_template, target)
    clock = Clock()
    prog = Programme(Settings(data_dir=folder, database_url=f"sqlite:///{target}"), clock=clock)
    with cheap_passwords(), language.using("id"):
        yield build(prog, folder / "in", clock)
    prog.close()


def check(mail: Mail, masked: list[str]) -> list[Finding]:
    checker = Checker.load()
    where = f"[{mail.lang}] {mail.kind} to {mail.recipient}"
    return [*checker.find(f"{where} (subject)", mail.subject, mail.lang, masked),
            *checker.find(f"{where} (text)", mail.text, mail.lang, masked),
            *checker.find(f"{where} (html)", visible(mail.html), mail.lang, masked)]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("kind", sorted(EMAILS.kinds))
def test_every_kind_reads_in_its_recipients_language(mailed: LeakWorld, kind: str,
                                                     lang: str) -> None:
    mails = [m for m in mailed.mails if m.kind == kind and m.lang == lang]
    assert mails, f"no {kind} email to a reader of {lang!r} in the world"
    findings = [f for m in mails for f in check(m, mailed.masked)]
    assert not findings, f"{len(findings)} leaks:\n{report(findings)}"


def test_the_language_is_the_accounts_not_the_installs(mailed: LeakWorld) -> None:
    """The same kind goes out in both languages at once, each to its reader."""
    for kind in EMAILS.kinds:
        langs = {m.lang for m in mailed.mails if m.kind == kind}
        assert langs == {"id", "en"}, kind
    greeting = {"id": "Yth.", "en": "Dear"}
    for mail in mailed.mails:
        assert greeting[mail.lang] in mail.text, (mail.kind, mail.lang, mail.text[:200])
        assert f'<html lang="{mail.lang}">' in mail.html
