"""A definition may say what its subjects are (``subject: {kind, label}``); left out, they are
regions with no label of their own. The field is optional, so texts without it (every published
master plan) load as before with the same digest; a format-1 label is upgraded like the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import workflows
from engine import DefinitionError, load_definition
from workflows.directory.reference import load_dimensions
from workflows.master_plan.guards import programme_guards

BASE = """\
key: award
version: 1
format: {format}
title: {title}
{subject}initial: open
roles:
  coordinator: {{label: {label}}}
states:
  open: {{}}
  done: {{final: true}}
transitions:
  - trigger: close
    source: open
    dest: done
    roles: [coordinator]
"""


def _text(subject: str = "", fmt: int = 2) -> str:
    title = "{id: Penghargaan, en: Award}" if fmt == 2 else "Award"
    label = "{id: Koordinator}" if fmt == 2 else "Coordinator"
    return BASE.format(format=fmt, title=title, subject=subject, label=label)


def test_left_out_the_subjects_are_regions_without_a_label() -> None:
    d = load_definition(_text(), "award.yaml", None).definition
    assert d.subject.kind == "region"
    assert d.subject_label() is None


def test_kind_and_label_are_read_in_the_readers_language() -> None:
    subject = 'subject: {kind: province, label: {id: "Provinsi", en: "Province"}}\n'
    d = load_definition(_text(subject), "award.yaml", None).definition
    assert d.subject.kind == "province"
    assert d.subject.label is not None
    assert d.subject.label.in_("id") == "Provinsi"
    assert d.subject.label.in_("en") == "Province"


def test_a_format_1_label_is_upgraded_to_the_indonesian_text() -> None:
    d = load_definition(_text("subject: {label: Daerah}\n", fmt=1), "a.yaml", None).definition
    assert d.subject.label is not None and d.subject.label.in_("en") == "Daerah"


@pytest.mark.parametrize(("subject", "where"), [
    ("subject: {kind: Region}\n", "subject.kind"),
    ("subject: {kind: region, plural: x}\n", "subject.plural"),
    ("subject: {label: Daerah}\n", "subject.label"),  # format 2 wants {id: ...}
])
def test_a_bad_subject_is_reported_with_its_path(subject: str, where: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition(_text(subject), "award.yaml", None)
    assert any(p.startswith(where) for p in caught.value.problems), caught.value.problems


def test_the_master_plan_text_and_digest_are_unaffected() -> None:
    path = Path(workflows.__file__).parent / "definitions" / "master_plan.yaml"
    text = path.read_text("utf-8")
    guards = programme_guards(max_review_rounds=3, cycle_years=5,
                              dimensions=load_dimensions(None))
    loaded = load_definition(text, str(path), guards)
    assert "subject:" not in text
    assert loaded.definition.subject.kind == "region"
    assert loaded.source_text == text
