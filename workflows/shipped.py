"""The definitions that ship with the programme, validated against its guards.

Every ``*.yaml`` file of ``workflows/definitions/`` is a workflow definition (a folder of data,
no Python in it: a new programme is a new file there); ``smartcity init`` publishes those not
published yet. A published version never changes: a change to a file gets a new ``version``
in it.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from engine import (
    DefinitionError,
    GuardRegistry,
    LoadedDefinition,
    load_definition,
    load_definition_file,
)
from workflows.directory.subjects import kind_problems

#: Where the shipped definitions are, inside the ``workflows`` package (package data).
FOLDER = "definitions"


def shipped_files() -> list[Traversable]:
    """The shipped definition files, in file-name order."""
    folder = resources.files("workflows") / FOLDER
    return sorted((f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))),
                  key=lambda f: f.name)


def shipped_definitions(guards: GuardRegistry) -> list[LoadedDefinition]:
    """The shipped definitions, in file-name order."""
    return [checked(load_definition(f.read_text("utf-8"), source, guards), source)
            for f in shipped_files() for source in [f"workflows/{FOLDER}/{f.name}"]]


def checked(loaded: LoadedDefinition, source: str) -> LoadedDefinition:
    """``loaded``, refused with a problem line when its subject kind is not one the
    programme knows (the engine takes any kind; the programme must find its subjects)."""
    problems = kind_problems(loaded.definition)
    if problems:
        raise DefinitionError(source, problems)
    return loaded


def definition_file(path: Path, guards: GuardRegistry) -> LoadedDefinition:
    """A definition file to validate or publish, checked like the shipped ones."""
    return checked(load_definition_file(path, guards), str(path))
