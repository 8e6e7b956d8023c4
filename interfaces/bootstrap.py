"""Bringing a database into service: schema migrations to head, then the shipped data.

``smartcity init``, ``smartcity serve`` and the demo call :func:`initialise`; it is idempotent
(a database already at head gains nothing, regions and definitions already there are kept).
It lives above the programme because the migrations know every package's tables, and the
programme must not depend on them.
"""

from __future__ import annotations

import migrations
from workflows.programme import InitReport, Programme


def initialise(prog: Programme) -> InitReport:
    """Migrate the schema to head, load the regions, publish the shipped definitions."""
    with prog.db.errors_mapped():
        migrations.upgrade(prog.db.engine)
    return prog.load_shipped()
