"""The programme's roles, by the names the master-plan definition gives them.

Code that decides by role (who may set a cohort's dates, who scores, whose start page is the
board) names the role through these constants, so a renamed role is one edit here and in the
definition, and a typo is an import error instead of a silent mismatch.
"""

from __future__ import annotations

from typing import Final

COORDINATOR: Final = "coordinator"
ASSESSOR: Final = "assessor"
OPD: Final = "opd"
MENTOR: Final = "mentor"
HEAD_OF_REGION: Final = "head_of_region"

#: The roles a person (not an OPD) of the directory can have, in the order people are listed.
PERSON_ROLES: Final = (COORDINATOR, MENTOR, ASSESSOR, HEAD_OF_REGION)
