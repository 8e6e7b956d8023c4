"""The regions and the OPDs most often late.

A *region* is late once for every deadline of its master plan met late or still overdue
(:mod:`.punctuality`'s outcomes ``late`` and ``overdue``).

An *OPD* is late on what it alone owes: its own version of a per-OPD deliverable a stage
requires (the bimtek I questionnaire). For every deadline of such a stage (not abandoned by a
withdrawal) and every OPD of the region: late when its first version arrived after the due
time, and overdue when it has sent none and the due time has passed (the stage is still open,
or closed late without it). A document the OPDs share (Buku 1, the quick-win plan) is owed by
the region's OPDs together, so its lateness counts towards the region, not to one OPD.

Both rankings put the most late first (late and overdue together), then by region and OPD
code; only who was late at least once is listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine import DeadlineRecord
from workflows.reporting.analytics.facts import Facts
from workflows.reporting.analytics.punctuality import LATE, OVERDUE, VOID, outcomes
from workflows.reporting.analytics.stats import utc


@dataclass(frozen=True)
class LateRegion:
    region: str
    name: str
    province: str
    late: int  # deadlines met late
    overdue: int  # deadlines open and past due

    @property
    def total(self) -> int:
        return self.late + self.overdue


@dataclass(frozen=True)
class LateOpd:
    region: str
    region_name: str
    opd: str  # the OPD's code
    name: str
    late: int  # versions sent after the due time
    overdue: int  # versions still missing after the due time

    @property
    def total(self) -> int:
        return self.late + self.overdue


def late_regions(facts: Facts, found: Iterable[tuple[DeadlineRecord, str]] | None = None
                 ) -> list[LateRegion]:
    """Regions late at least once, most first (over ``found``, default every deadline)."""
    counted: Counter[tuple[str, str]] = Counter()
    for deadline, result in outcomes(facts) if found is None else found:
        if result in (LATE, OVERDUE):
            counted[(deadline.subject, result)] += 1
    out = [LateRegion(code, r.name, r.province, counted[(code, LATE)],
                      counted[(code, OVERDUE)])
           for code, r in facts.regions.items()
           if counted[(code, LATE)] or counted[(code, OVERDUE)]]
    return sorted(out, key=lambda r: (-r.total, r.region))


def opd_slips(facts: Facts, found: Iterable[tuple[DeadlineRecord, str]] | None = None,
              as_of: datetime | None = None) -> list[tuple[DeadlineRecord, str, str]]:
    """(deadline, OPD code, ``late`` or ``overdue``) for every per-OPD deliverable an OPD
    sent late or still owed past the due time, as of ``as_of`` (default: now; what came
    after it had not come yet)."""
    now = as_of or facts.now
    out = []
    for deadline, result in outcomes(facts) if found is None else found:
        spec = facts.definition.states.get(deadline.state)
        if result == VOID or spec is None:
            continue
        owed = [name for name in spec.requires
                if name in facts.definition.deliverables
                and facts.definition.deliverables[name].per_party]
        due = utc(deadline.due_at)
        ended = min(utc(deadline.closed_at), now) if deadline.closed_at is not None else now
        for opd in facts.opds.get(deadline.subject, []):
            for name in owed:
                sent = facts.first_sent.get((deadline.instance_id, name, opd.code))
                sent = sent if sent is not None and sent <= now else None
                if sent is not None and sent > due:
                    out.append((deadline, opd.code, LATE))
                elif sent is None and ended > due:
                    out.append((deadline, opd.code, OVERDUE))
    return out


def late_opds(facts: Facts, found: Iterable[tuple[DeadlineRecord, str]] | None = None,
              as_of: datetime | None = None) -> list[LateOpd]:
    """OPDs late at least once, most first (over ``found``, as of ``as_of``)."""
    counted: Counter[tuple[str, str, str]] = Counter()
    for deadline, opd, result in opd_slips(facts, found, as_of):
        counted[(deadline.subject, opd, result)] += 1
    out = []
    for code, listed in facts.opds.items():
        for agency in listed:
            late = counted[(code, agency.code, LATE)]
            overdue = counted[(code, agency.code, OVERDUE)]
            if late or overdue:
                out.append(LateOpd(code, facts.region_name(code), agency.code, agency.name,
                                   late, overdue))
    return sorted(out, key=lambda o: (-o.total, o.region, o.opd))
