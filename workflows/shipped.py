"""The definitions that ship with the programme, validated against its guards.

Every ``*.yaml`` file of ``workflows/definitions/`` is a workflow definition (a folder of data,
no Python in it: a new programme is a new file there); ``smartcity init`` publishes those not
published yet. A published version never changes: a change to a file gets a new ``version``
in it.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from engine import GuardRegistry, LoadedDefinition, load_definition

#: Where the shipped definitions are, inside the ``workflows`` package (package data).
FOLDER = "definitions"


def shipped_files() -> list[Traversable]:
    """The shipped definition files, in file-name order."""
    folder = resources.files("workflows") / FOLDER
    return sorted((f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))),
                  key=lambda f: f.name)


def shipped_definitions(guards: GuardRegistry) -> list[LoadedDefinition]:
    """The shipped definitions, in file-name order."""
    return [load_definition(f.read_text("utf-8"), f"workflows/{FOLDER}/{f.name}", guards)
            for f in shipped_files()]
