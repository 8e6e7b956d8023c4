"""The engine's messages use the words of whoever runs it, and generic words otherwise.

Proves: an engine given no :class:`~engine.contracts.Wording` speaks of subjects, and one given
a programme's words speaks of its regions; a database without the schema says how to set it up
in the caller's words ("run 'tool init' first"), or generically; asking for a workflow when
nothing is published says the same. Nothing in the engine names a programme or a command.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from wfkit import BASIC_YAML, basic_guards

from config import language
from engine.contracts import Actor, Wording
from engine.database import Database
from engine.errors import DatabaseUnavailable, NotFoundError, PermissionDenied
from engine.loading import load_definition
from engine.permissions import check_scope
from engine.runtime import WorkflowEngine

UNBOUND_AUTHOR = Actor("free@example.org", "author", name="Free Author")


def test_scope_refusals_speak_of_subjects_unless_told_otherwise() -> None:
    d = load_definition(BASIC_YAML, "paper.yaml", basic_guards()).definition
    with pytest.raises(PermissionDenied) as generic:
        check_scope(d, "R1", UNBOUND_AUTHOR)
    assert str(generic.value) == ("Free Author is not bound to any of the subjects; someone in "
                                  "the role Author acts only for the subjects assigned to them")
    with pytest.raises(PermissionDenied) as told:
        check_scope(d, "R1", UNBOUND_AUTHOR, Wording(subject="region", subjects="regions"))
    assert "not bound to any of the regions" in str(told.value)
    assert "for the regions assigned to them" in str(told.value)


@pytest.mark.parametrize(("wording", "first", "upgrade"), [
    (None, "set up the database first", "set up the database to upgrade it"),
    (Wording(setup="run 'tool init'"), "run 'tool init' first", "run 'tool init' to upgrade it"),
])
def test_a_database_without_the_schema_says_how_to_set_it_up(
        tmp_path, wording: Wording | None, first: str, upgrade: str) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}", wording=wording)
    try:
        with pytest.raises(DatabaseUnavailable) as missing, db.read() as session:
            session.execute(text("select * from workflow_instance"))
        assert str(missing.value).endswith(first)
        with db.transaction() as session:
            session.execute(text("create table workflow_instance (id integer primary key)"))
        with pytest.raises(DatabaseUnavailable) as older, db.read() as session:
            session.execute(text("select state from workflow_instance"))
        assert str(older.value).endswith(upgrade)
    finally:
        db.dispose()


def test_an_unpublished_workflow_says_how_to_set_up(engine_url) -> None:
    db = Database(engine_url)
    try:
        for wording, hint in ((Wording(), "set up the database"),
                              (Wording(setup="run 'tool init'"), "run 'tool init'")):
            engine = WorkflowEngine(basic_guards(), wording=wording)
            with pytest.raises(NotFoundError) as missing, db.read() as session:
                engine.workflow(session, "paper")
            assert str(missing.value) == f"no workflow 'paper' is published; {hint}"
    finally:
        db.dispose()


def test_an_unpublished_workflow_or_version_reads_in_each_language(engine_url) -> None:
    """The refusals are catalogue messages: their code is the key, their text the reader's."""
    db = Database(engine_url)
    try:
        engine = WorkflowEngine(basic_guards(), wording=Wording(setup="run 'tool init'"))
        with db.read() as session, pytest.raises(NotFoundError) as nothing:
            engine.workflow(session, "paper")
        assert nothing.value.code == "engine.no_workflow_published_setup"
        loaded = load_definition(BASIC_YAML, "basic", basic_guards())
        with db.transaction() as session:
            engine.publish(session, loaded)
        key = loaded.definition.key
        with db.read() as session:
            with pytest.raises(NotFoundError) as unknown:
                engine.workflow(session, "nothing")
            with pytest.raises(NotFoundError) as no_version:
                engine.workflow(session, key, 99)
        assert unknown.value.code == "engine.no_workflow_published"
        assert no_version.value.code == "engine.no_published_version"
        with language.using("id"):
            assert str(unknown.value) == (
                f"tidak ada alur kerja 'nothing' yang diterbitkan; yang diterbitkan: {key}")
            assert str(no_version.value) == (
                f"alur kerja '{key}' tidak memiliki versi terbit 99")
        with language.using("en"):
            assert str(unknown.value) == f"no workflow 'nothing' is published; published: {key}"
            assert str(no_version.value) == f"workflow '{key}' has no published version 99"
    finally:
        db.dispose()
