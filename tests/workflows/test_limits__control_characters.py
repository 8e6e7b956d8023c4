"""Control characters (Unicode category Cc) are refused before the database, on SQLite and on
PostgreSQL alike, in one sentence naming the field, the character and where it is: a name holds
none (an ``ESC [31m`` stored in an OPD's name would be replayed raw by ``opd list``, and a NUL
failed on PostgreSQL as a database error naming no field); a comment, reason or note keeps its
line breaks (also the ``\\r\\n`` of a browser's text area) and tabs, and nothing else."""

from __future__ import annotations

import sys
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select
from worldkit import World  # type: ignore[import-not-found]

from config import language
from engine import InvalidInputError
from workflows import limits
from workflows.deadlines import extensions
from workflows.deadlines.models import ExtensionRequest
from workflows.directory import cohorts, registration
from workflows.directory.models import Cohort, Opd, Person
from workflows.master_plan import actions

ESCAPE = "Dinas\x01\x1b[31m Merah"


def test_the_patterns_are_exactly_unicode_category_cc() -> None:
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        cc = unicodedata.category(c) == "Cc"
        assert bool(limits.CONTROL.fullmatch(c)) == cc, hex(code)
        assert bool(limits.MULTILINE_CONTROL.fullmatch(c)) == (cc and c not in "\t\n\r"), \
            hex(code)


def test_the_refusal_names_the_field_the_character_and_where_it_is() -> None:
    refusal = limits.problem(ESCAPE, "opd_name", 200, required=True)
    assert refusal is not None
    with language.using("en"):
        assert str(refusal) == ("The OPD's name contains a control character (U+0001, "
                                "character 6), which cannot be stored: remove it")
    with language.using("id"):
        assert str(refusal) == ("Nama OPD mengandung karakter kontrol (U+0001, karakter ke-6) "
                                "yang tidak dapat disimpan: hapus karakter itu")
    assert "\x1b" not in str(refusal) and "\x01" not in str(refusal)
    # A name holds no line break or tab either; a comment may.
    assert limits.problem("Dinas\nKesehatan", "opd_name", 200) is not None
    assert limits.problem("Dinas\tKesehatan", "person_name", 200) is not None
    assert limits.problem("line one\r\nline two\n\ttabbed", "comment", 4000,
                          multiline=True) is None
    assert limits.problem("clear \x1b[2J screen", "comment", 4000, multiline=True) is not None
    assert limits.problem("a NUL \x00", "comment", 4000, multiline=True) is not None
    assert limits.problem("DEL \x7f and C1 \x9b", "comment", 4000, multiline=True) is not None
    # Letters of every script, and the spaces around a name, are not control characters.
    assert limits.problem("  Dinas Kominfo — Kota Bāubau 北 ", "opd_name", 200) is None


def count(world: World, model: type) -> int:
    with world.prog.db.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.mark.parametrize("bad", [ESCAPE, "Dinas\x00Kominfo", "Dinas\nKominfo"])
def test_names_with_control_characters_are_refused_before_writing(
        world: World, bad: str) -> None:
    before = (count(world, Opd), count(world, Person), count(world, Cohort))
    with pytest.raises(InvalidInputError, match="The OPD's name contains a control character"):
        registration.add_opd(world.prog, "64.71", "DISKOMINFO", bad,
                             "diskominfo@balikpapan.go.id")
    with pytest.raises(InvalidInputError, match="The name contains a control character"):
        registration.add_person(world.prog, "ayu@kominfo.go.id", bad, "coordinator", None)
    with pytest.raises(InvalidInputError,
                       match="The cohort's name contains a control character"):
        cohorts.create_cohort(world.prog, bad, 2026)
    with pytest.raises(InvalidInputError,
                       match="The email address contains a control character"):
        registration.add_opd(world.prog, "64.71", "DISKOMINFO", "Dinas Kominfo",
                             "diskominfo\x00@balikpapan.go.id")
    assert (count(world, Opd), count(world, Person), count(world, Cohort)) == before


def test_comments_keep_line_breaks_and_tabs_but_no_other_control(world: World) -> None:
    r = world.region()
    world.drive(r, "bimtek_1")
    with world.unchanged(r.code):
        with pytest.raises(InvalidInputError, match=r"The comment contains a control character "
                                                    r"\(U\+001B, character 7\)"):
            actions.advance(world.prog, r.code, "close_bimtek_1", world.COORDINATOR,
                            comment="Done. \x1b[2J")
        with pytest.raises(InvalidInputError, match=r"The reason contains a control character "
                                                    r"\(U\+0000"):
            extensions.request_extension(world.prog, r.code, date(2026, 3, 30), "late\x00",
                                         actor=r.head)
    # The MoU stage: the head of region owes the signed MoU, and may ask for more time.
    m = world.region("91.71", opds=("DISKOMINFO",))
    world.leave(m, "assessment")
    reason = "Banjir.\r\nDua baris,\tdengan tab."
    asked = extensions.request_extension(world.prog, m.code, date(2026, 12, 1), reason,
                                         actor=m.head)
    with world.prog.db.read() as session:
        stored = session.get(ExtensionRequest, asked.id)
        assert stored is not None and stored.reason == reason  # as typed
