"""Who owes what, by when: the engine's obligation rule applied to the programme's regions.

The engine says what a state waits for and from which roles (:func:`engine.who_owes`); the
directory says who the parties of each role in a region are
(:mod:`workflows.directory.parties`). Together they give, for every region, one
:class:`Owed` per thing one party still owes, with the open deadline it is due by. This one
answer is what reminders and escalations are made of (:mod:`workflows.deadlines.sweep`), what
the OPD and region pages, the API and ``smartcity actions`` list, and what an extension may be
asked for. Every read is set-wise: a fixed number of queries for one region or 514.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import DeadlineRecord, Duty, Label, Records, WorkflowDefinition, who_owes
from workflows.directory.parties import Party, RegionParties, parties
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme


@dataclass(frozen=True)
class Owed:
    """One thing one party owes on a region's instance, and the deadline it is due by.

    ``party`` is None when the role that owes it has nobody in the region (no mentor
    assigned, no head of region registered): nobody can do it until someone is added.
    """

    region: str
    instance_id: int
    state: str
    stage: Label  # the stage's name, written out in the reader's language
    duty: Duty
    role: str
    party: Party | None
    deadline: DeadlineRecord | None
    key: str = MASTER_PLAN  # the workflow it is owed on
    workflow: Label = ""  # that workflow's title, written out in the reader's language

    @property
    def other_workflow(self) -> bool:
        """Whether it is owed on a workflow other than the master plan (interfaces then name
        the workflow next to the stage)."""
        return self.key != MASTER_PLAN

    @property
    def label(self) -> str:
        """The deliverable's or action's name in the current language (read it inside the
        reader's :func:`config.language.using`)."""
        return str(self.duty.label)

    @property
    def kind(self) -> str:
        return self.duty.kind

    @property
    def email(self) -> str | None:
        return self.party.email if self.party is not None else None


@dataclass(frozen=True)
class _Target:
    """An instance in a state, and the open deadline of that state if it has one."""

    instance_id: int
    subject: str
    key: str
    version: int
    state: str
    deadline: DeadlineRecord | None


class Obligations:
    """What parties owe, read in one session; regions' parties are read once and kept."""

    def __init__(self, prog: Programme, session: Session) -> None:
        self.prog = prog
        self.session = session
        self.records = Records(session)
        self._parties: dict[str, RegionParties] = {}

    def parties(self, regions: Iterable[str]) -> dict[str, RegionParties]:
        """The parties of ``regions`` (read once per region and kept)."""
        wanted = set(regions)
        missing = wanted - self._parties.keys()
        if missing:
            self._parties.update(parties(self.session, missing))
        return {code: self._parties[code] for code in wanted}

    def definition(self, key: str, version: int) -> WorkflowDefinition:
        return self.prog.engine.workflow(self.session, key, version)

    def on_deadlines(self, deadlines: Sequence[DeadlineRecord]) -> list[Owed]:
        """What is owed by each open deadline of ``deadlines`` (closed ones owe nothing)."""
        return self._owed([_Target(d.instance_id, d.subject, d.definition_key,
                                   d.definition_version, d.state, d)
                           for d in deadlines if d.closed_at is None])

    def in_regions(self, regions: Collection[str]) -> list[Owed]:
        """What is owed on every open deadline of ``regions``: everything a reminder lists."""
        if not regions:
            return []
        return self.on_deadlines(self.records.open_deadlines(subjects=sorted(regions)))

    def master_plan(self, regions: Collection[str]) -> list[Owed]:
        """What is owed in the stage each region's master plan is in now, due by the stage's
        open deadline when it has one (a stage without a deadline still waits for someone)."""
        return self.current(regions, [MASTER_PLAN])

    def current(self, regions: Collection[str], keys: Sequence[str] | None = None
                ) -> list[Owed]:
        """What is owed in the stage each region's current instance of every workflow (of
        ``keys``, every published one when None) is in now: the master plan, and any other
        programme a region runs. One statement per workflow, whatever the number of regions."""
        chosen = keys if keys is not None else self.prog.engine.definition_keys(self.session)
        targets: list[_Target] = []
        for key in chosen:
            current = self.records.current_with_deadlines(key, sorted(regions))
            targets += [_Target(i.id, i.subject, i.definition_key, i.definition_version,
                                i.state, d) for i, d in current.values()]
        return self._owed(targets)

    def _owed(self, targets: list[_Target]) -> list[Owed]:
        submitted = self.records.submitted_of([t.instance_id for t in targets])
        found = self.parties(t.subject for t in targets)
        out: list[Owed] = []
        for t in targets:
            d = self.definition(t.key, t.version)
            region = found[t.subject]
            spec = d.states.get(t.state)
            stage: Label = spec.label if spec is not None and spec.label else t.state
            for o in who_owes(d, t.state, submitted[t.instance_id], region.ids()):
                party = region.find(o.role, o.party) if o.party is not None else None
                out.append(Owed(t.subject, t.instance_id, t.state, stage, o.duty, o.role,
                                party, t.deadline, t.key, d.title))
        return out


def of_party(owed: Iterable[Owed], email: str) -> list[Owed]:
    """What the party at ``email`` owes among ``owed``."""
    return [o for o in owed if o.party is not None and o.party.email == email]


def owed_by(prog: Programme, session: Session, email: str, regions: Collection[str],
            *, deadlines_only: bool = False) -> list[Owed]:
    """What the party at ``email`` owes in ``regions``: on every open deadline with
    ``deadlines_only`` (as a reminder lists it), else in the current stage of every workflow
    the regions run (the master plan and any other programme)."""
    found = Obligations(prog, session)
    owed = found.in_regions(regions) if deadlines_only else found.current(regions)
    return of_party(owed, email)
