"""The coordinator tools, split by task so each page stays light for 514 regions:

* ``/coordinator`` (:mod:`.index`): the tools with their counts, and the cohorts;
* ``/coordinator/dates`` (:mod:`.dates`): a cohort's dates and its regions' own dates;
* ``/coordinator/extensions`` (:mod:`.extensions`): requests to decide, then decided ones;
* ``/coordinator/outbox`` (:mod:`.outbox`): email by status, dead letters sent again;
* ``/coordinator/exports`` (:mod:`.exports`): the CSV exports and printable reports;
* ``/workflows/{key}/migrations`` (:mod:`.migrations`): running regions moved to another
  version of a workflow, and reverted.

Every change goes through the function the command line calls (``smartcity deadlines set``,
``override``, ``decide``; ``smartcity outbox retry``), which checks role and scope itself;
the pages only decide what to *show*. They are for coordinators and administrators; a
region's own coordinator sees its own regions, and the outbox is for programme-wide staff.

A form post answers with a redirect back to its page (so reloading does not post again) and
a short notice chosen from a fixed list. The helpers other pages use (the evaluation page,
the reminder preview) are importable from here as before.
"""

from fastapi import APIRouter

from interfaces.web.pages.coordinator import (
    dates,
    exports,
    extensions,
    index,
    migrations,
    outbox,
)
from interfaces.web.pages.coordinator.common import (
    COHORT_HINT,
    MAX_INT,
    NO_NUL,
    NOTICES,
    check_region,
    choose_cohort,
    find_cohort,
    local_when,
    require_coordinator,
    require_programme_wide,
    visible_cohorts,
    working_days_of,
)

__all__ = ["COHORT_HINT", "MAX_INT", "NOTICES", "NO_NUL", "check_region", "choose_cohort",
           "find_cohort", "local_when", "require_coordinator", "require_programme_wide",
           "router", "visible_cohorts", "working_days_of"]

router = APIRouter()
for part in (index, dates, extensions, outbox, exports, migrations):
    router.include_router(part.router)
