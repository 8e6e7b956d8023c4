"""Comments, reasons and notes are at most ``COMMENT_MAX`` characters, checked in the workflow
functions the command line, the API and the pages share, before anything is written; the
numbers in the refusal are written as the reader writes them."""

from __future__ import annotations

from datetime import date

import pytest
from worldkit import World  # type: ignore[import-not-found]

from config import language
from engine import InvalidInputError
from workflows import limits
from workflows.deadlines import extensions, setting
from workflows.directory.models import Cohort, Opd
from workflows.master_plan import actions

LONG = "x" * (limits.COMMENT_MAX + 1)


def test_limits_are_read_from_the_columns() -> None:
    assert limits.column_limit(Opd, "name") == 200
    assert limits.column_limit(Cohort, "name") == 100


def test_counts_are_written_in_the_readers_language() -> None:
    refusal = limits.problem("x" * 10_806, "opd_name", 200)
    assert refusal is not None
    with language.using("id"):
        assert str(refusal) == "Nama OPD terlalu panjang: 10.806 karakter; paling banyak 200"
    with language.using("en"):
        assert str(refusal) == "The OPD's name is too long: 10,806 characters; at most 200"
    assert limits.problem(" " * 300, "opd_name", 200) is None  # measured as stored
    assert limits.problem(" ", "opd_name", 200, required=True) is not None


def test_long_comments_reasons_and_notes_are_refused_before_writing(world: World) -> None:
    r = world.region()
    world.drive(r, "bimtek_1")
    with world.unchanged(r.code):
        with pytest.raises(InvalidInputError, match="The comment is too long: 4,001 characters"):
            actions.advance(world.prog, r.code, "close_bimtek_1", world.COORDINATOR,
                            comment=LONG)
        with pytest.raises(InvalidInputError, match="The comment is too long"):
            setting.set_region_deadline(world.prog, r.code, "bimtek_1", date(2026, 3, 10),
                                        actor=world.COORDINATOR, comment=LONG)
        with pytest.raises(InvalidInputError, match="The reason is too long"):
            extensions.request_extension(world.prog, r.code, date(2026, 3, 30), LONG,
                                         actor=r.head)
        with pytest.raises(InvalidInputError, match="The note is too long"):
            world.submit(r.code, "questionnaire", next(iter(r.opds.values())), note=LONG)
