"""What an evaluation window is called where people read it.

Windows are named ``2027-H1`` and ``2027-H2`` (stable identifiers for commands, links and
keys); officials write "Semester I 2027" and "Semester II 2027". Pages and emails show the
latter, in the reader's language; any other name (a window named by hand) is shown as given.
"""

from __future__ import annotations

import re

from config.messages import text

_HALF = re.compile(r"^(\d{4})-H([12])$")


def window_title(name: str) -> str:
    """``2027-H1`` as ``Semester I 2027`` (other names unchanged)."""
    found = _HALF.match(name)
    if found is None:
        return name
    return text("evaluation.semester", number="I" if found.group(2) == "1" else "II",
                year=found.group(1))
