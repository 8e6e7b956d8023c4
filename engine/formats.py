"""Format versions of a workflow definition, and the upgrades from each format to the next.

A published definition is stored verbatim and its text's SHA-256 is its identity, so a
published text is never rewritten; yet every instance started on it loads that text again, for
as long as the instance runs (years, for a programme's cycles). A change to the schema (for
example localised labels) must therefore not break a text written before it.

So a definition may say which ``format`` it is written in (absent means 1, the first: every
definition published before formats existed is format 1), and each change of the schema comes
with one function in :data:`UPGRADES` turning a format-N mapping into format N+1 (the
serializer-migration pattern of SpiffWorkflow). :func:`engine.loading.load_definition` runs
:func:`upgrade` on the parsed mapping, in memory, before validating it against the current
schema; the stored text and its SHA-256 never change.

To change the schema: raise :data:`CURRENT_FORMAT` to N+1, register ``UPGRADES[N]``, and keep
the function for good (a text of format N may still be loaded years later). An upgrade function
returns a new mapping and never mutates its argument.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

#: The format this engine's schema (:class:`engine.definition.WorkflowDefinition`) describes.
#: 1: labels are plain text. 2: every label, description and title is given per language
#: (``{id: ..., en: ...}``, ``id`` required).
CURRENT_FORMAT = 2

#: The texts of a definition that people read, by where they sit (format 2 localises them).
_TEXTS_AT_TOP = ("title", "description")
_TEXTS_IN = {"roles": ("label",), "deliverables": ("label",),
             "states": ("label", "description")}


def _localised(value: Any) -> Any:
    """A format-1 text as a format-2 one: the text becomes the ``id`` text (the only language
    format 1 had; a reader of another language falls back to it, so nothing reads differently
    after the upgrade). Anything not a string is left for validation to report."""
    return {"id": value} if isinstance(value, str) else value


def _format_1_to_2(raw: dict[str, Any]) -> dict[str, Any]:
    out = dict(raw)
    for name in _TEXTS_AT_TOP:
        if name in out:
            out[name] = _localised(out[name])
    for section, fields in _TEXTS_IN.items():
        entries = out.get(section)
        if not isinstance(entries, dict):
            continue
        out[section] = {
            key: ({f: _localised(v) if f in fields else v for f, v in spec.items()}
                  if isinstance(spec, dict) else spec)
            for key, spec in entries.items()}
    subject = out.get("subject")
    if isinstance(subject, dict) and "label" in subject:  # a field newer than format 1 texts
        out["subject"] = {**subject, "label": _localised(subject["label"])}
    transitions = out.get("transitions")
    if isinstance(transitions, list):
        out["transitions"] = [
            ({f: _localised(v) if f == "label" else v for f, v in t.items()}
             if isinstance(t, dict) else t)
            for t in transitions]
    return out


#: ``UPGRADES[n]`` turns a format-``n`` mapping into format ``n + 1``; one entry per change of
#: the schema, for every ``n`` from 1 to ``CURRENT_FORMAT - 1``.
UPGRADES: dict[int, Upgrade] = {1: _format_1_to_2}


def upgrade(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``raw`` (a parsed definition) brought to :data:`CURRENT_FORMAT`, or the problems why not.

    Returns ``(mapping, [])`` with ``mapping["format"] == CURRENT_FORMAT``, or ``(raw, problems)``
    with each problem as ``format: reason``. Never raises for any value of ``format`` and never
    mutates ``raw``.
    """
    current = CURRENT_FORMAT
    found = raw.get("format", 1)
    # bool is an int in Python, but "format: true" is not a format number.
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        return raw, [f"format: expected a whole number from 1 to {current}, got {found!r}"]
    if found > current:
        return raw, [f"format: {found} is newer than this engine understands ({current}); "
                     "upgrade the engine to load this definition"]
    missing = [n for n in range(found, current) if n not in UPGRADES]
    if missing:
        return raw, [f"format: no upgrade from format {n} to {n + 1} is registered in this "
                     "engine" for n in missing]
    mapping = copy.deepcopy(raw) if found < current else dict(raw)
    for n in range(found, current):
        mapping = UPGRADES[n](mapping)
    mapping["format"] = current
    return mapping, []
