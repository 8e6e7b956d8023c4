"""A definition's format version: old published texts keep loading after the schema changes.

Proves that a definition without ``format`` loads as format 1 and that ``format: 1`` loads too;
that a format newer than the engine's, a format that is not a positive whole number, or a gap in
the chain of upgrades is refused as one ``format: reason`` problem naming the numbers involved;
and that :func:`engine.formats.upgrade` never mutates the mapping it is given. The real upgrade
from format 1 to 2 (labels per language) turns every plain text into its Indonesian text. Then,
with a hypothetical next format registered through monkeypatch (it renamed the top-level
``summary`` to ``description``), proves end to end that a format-1 text still loads through
``load_definition`` into the current model with its source text and SHA-256 unchanged, and, on
SQLite and PostgreSQL, that an instance started before the change still fires its transitions
when a fresh engine (no cached definitions) loads the stored text again after it.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
import yaml
from wfkit import AUTHOR, BASIC_YAML, REVIEWER, Harness, manuscript

from engine import formats
from engine.errors import DefinitionError
from engine.loading import load_definition
from engine.runtime import WorkflowEngine

#: The engine's format, and the hypothetical next one the tests register.
NOW = formats.CURRENT_FORMAT
NEXT = NOW + 1

# BASIC_YAML as an author would have written it before the hypothetical next format, which
# calls the workflow's description ``summary``; the current schema knows only ``description``.
OLD_TEXT = BASIC_YAML.replace("title: Paper review\n",
                              "title: Paper review\nsummary: {id: Peer review of one paper}\n")


def _written_now(text: str) -> str:
    """``text`` (format 1) written in the engine's format, as YAML (without ``format``)."""
    upgraded, problems = formats.upgrade(yaml.safe_load(text))
    assert problems == []
    upgraded.pop("format")
    return yaml.safe_dump(upgraded, sort_keys=False, allow_unicode=True)


BASIC_NOW = _written_now(BASIC_YAML)


def summary_to_description(raw: dict[str, Any]) -> dict[str, Any]:
    """The hypothetical upgrade from format 1 to 2: ``summary`` is now ``description``."""
    upgraded = copy.deepcopy(raw)
    if "summary" in upgraded:
        upgraded["description"] = upgraded.pop("summary")
    return upgraded


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(text, "test.yaml")
    return caught.value.problems


def register_format_two(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Registers the hypothetical next format; returns the mappings its upgrade is called
    with."""
    calls: list[dict[str, Any]] = []

    def spy(raw: dict[str, Any]) -> dict[str, Any]:
        calls.append(copy.deepcopy(raw))
        return summary_to_description(raw)

    monkeypatch.setattr(formats, "CURRENT_FORMAT", NEXT)
    monkeypatch.setitem(formats.UPGRADES, NOW, spy)
    return calls


@pytest.fixture
def format_two(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    return register_format_two(monkeypatch)


def test_a_definition_without_format_loads_as_format_1_upgraded():
    assert "format" not in yaml.safe_load(BASIC_YAML)

    loaded = load_definition(BASIC_YAML, "test.yaml")

    assert loaded.definition.format == NOW
    assert loaded.source_text == BASIC_YAML


def test_an_explicit_format_1_loads():
    text = "format: 1\n" + BASIC_YAML

    loaded = load_definition(text, "test.yaml")

    assert loaded.definition.format == NOW
    assert loaded.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_format_1_labels_become_indonesian_texts_that_every_language_falls_back_to():
    loaded = load_definition(BASIC_YAML, "test.yaml")
    d = loaded.definition
    raw = yaml.safe_load(BASIC_YAML)

    assert d.title.id == raw["title"] and d.title.en is None
    for name, spec in raw["states"].items():
        if isinstance(spec, dict) and "label" in spec:
            assert d.states[name].label is not None
            assert d.states[name].label.in_("id") == spec["label"]
            assert d.states[name].label.in_("en") == spec["label"]


def test_a_format_2_label_must_give_the_indonesian_text():
    text = "format: 2\n" + BASIC_YAML.replace("title: Paper review", "title: {en: Paper review}")

    assert any(p.startswith("title.id") for p in problems_of(text))


def test_a_future_format_is_refused_naming_both_numbers():
    [problem] = problems_of(f"format: {NEXT}\n" + BASIC_YAML)

    assert problem.startswith(f"format: {NEXT} is newer than this engine understands ({NOW})")
    assert "upgrade the engine" in problem
    assert "smartcity" not in problem.lower()


@pytest.mark.parametrize("value", ["two", "'1'", "1.0", "true", "0", "-1", "[1]", "null"])
def test_a_format_that_is_not_a_positive_whole_number_is_refused(value):
    [problem] = problems_of(f"format: {value}\n" + BASIC_YAML)

    assert problem.startswith(f"format: expected a whole number from 1 to {NOW}, got ")


def test_a_gap_in_the_upgrades_is_refused(monkeypatch):
    monkeypatch.setattr(formats, "CURRENT_FORMAT", NEXT)

    [problem] = problems_of(BASIC_YAML)

    assert problem == (f"format: no upgrade from format {NOW} to {NEXT} is registered in "
                       "this engine")


def test_upgrading_never_mutates_the_mapping_it_is_given(format_two, monkeypatch):
    raw = yaml.safe_load(OLD_TEXT)
    before = copy.deepcopy(raw)

    upgraded = summary_to_description(raw)
    assert raw == before
    assert upgraded["description"] == {"id": "Peer review of one paper"}

    result, problems = formats.upgrade(raw)
    assert (problems, raw) == ([], before)
    assert result["format"] == NEXT
    assert "summary" not in result

    # Even an upgrade function that (wrongly) edits its argument in place cannot reach the
    # caller's mapping, nested parts included.
    def sloppy(mapping: dict[str, Any]) -> dict[str, Any]:
        mapping["states"]["draft"]["label"] = "changed"
        mapping.pop("title")
        return mapping

    monkeypatch.setitem(formats.UPGRADES, NOW, sloppy)
    result, problems = formats.upgrade(raw)
    assert (problems, raw) == ([], before)
    assert result["states"]["draft"]["label"] == "changed"


def test_a_format_1_text_still_loads_into_the_current_model_after_a_format_change(format_two):
    assert "summary: unknown key" in " ".join(problems_of(OLD_TEXT.replace(
        "title:", f"format: {NEXT}\ntitle:")))  # a text of the next format may not use it

    loaded = load_definition(OLD_TEXT, "test.yaml")

    assert len(format_two) == 1
    assert format_two[0]["summary"] == {"id": "Peer review of one paper"}
    assert loaded.definition.format == NEXT
    assert loaded.definition.description is not None
    assert loaded.definition.description.id == "Peer review of one paper"
    assert loaded.source_text == OLD_TEXT
    assert loaded.sha256 == hashlib.sha256(OLD_TEXT.encode("utf-8")).hexdigest()


def test_without_the_format_change_the_old_text_would_be_refused():
    # The control of the test above: it is the upgrade, not a lenient schema, that loads it.
    assert problems_of(OLD_TEXT) == ["summary: unknown key (check the spelling)"]


def test_a_current_format_text_is_not_upgraded(format_two):
    text = f"format: {NEXT}\n" + BASIC_NOW

    loaded = load_definition(text, "test.yaml")

    assert format_two == []
    assert loaded.definition.format == NEXT





def test_an_instance_started_before_a_format_change_still_fires_after_it(
        workflow, clock, monkeypatch):
    # BASIC_YAML is published as format 1, and an instance started on it, before the change.
    wf = workflow(BASIC_YAML)
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    assert wf.loaded.definition.format == NOW
    [stored_before] = wf.table("workflow_definition")

    # The engine moves to format 2. A fresh engine has no definition cached, so it loads the
    # stored text again, through the upgrade.
    calls = register_format_two(monkeypatch)
    fresh = WorkflowEngine(wf.engine.guards, clock=clock, wording=wf.engine.wording)
    after = Harness(wf.db, wf.check, fresh, wf.loaded, clock)

    sent = after.fire(iid, "send", AUTHOR)
    accepted = after.fire(iid, "accept", REVIEWER)

    assert (sent.from_state, sent.to_state) == ("draft", "review")
    assert (accepted.from_state, accepted.to_state) == ("review", "accepted")
    assert after.instance(iid).state == "accepted"
    assert [row["trigger"] for row in after.history(iid)][-2:] == ["send", "accept"]
    # Loaded once through the upgrades, then cached.
    assert calls == [formats.UPGRADES[1](yaml.safe_load(BASIC_YAML))]
    with wf.check.read() as session:
        reloaded = fresh.definition(session, "paper", 1)
    assert reloaded.definition.format == NEXT
    assert (reloaded.source_text, reloaded.sha256) == (BASIC_YAML, wf.loaded.sha256)
    [stored_after] = wf.table("workflow_definition")
    assert stored_after == stored_before
    assert stored_after["source_text"] == BASIC_YAML
    assert stored_after["sha256"] == hashlib.sha256(BASIC_YAML.encode("utf-8")).hexdigest()
