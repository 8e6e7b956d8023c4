"""What ``smartcity init`` publishes: every definition of ``workflows/definitions/`` (a new
programme is a new file there), read from the folder so the tests of ``init`` and
``workflow list`` need no change when one is added."""

from __future__ import annotations

import yaml

from workflows.shipped import shipped_files


def shipped() -> list[tuple[str, int]]:
    """(key, version) of every shipped definition, in the order ``init`` publishes them."""
    found = []
    for f in shipped_files():
        raw = yaml.safe_load(f.read_text("utf-8"))
        found.append((str(raw["key"]), int(raw["version"])))
    return found


def published_line() -> str:
    """The line a first ``smartcity init`` prints about the definitions it published."""
    return "Workflows published: " + ", ".join(f"{k} v{v}" for k, v in shipped())
