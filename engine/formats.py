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
CURRENT_FORMAT = 1

#: ``UPGRADES[n]`` turns a format-``n`` mapping into format ``n + 1``; one entry per change of
#: the schema, for every ``n`` from 1 to ``CURRENT_FORMAT - 1``. Empty: format 1 is the first.
UPGRADES: dict[int, Upgrade] = {}


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
