"""The programme wired together: settings, database, the engine with the programme's guards.

Interfaces (command line, API) hold one :class:`Programme` and call the functions of
:mod:`workflows.directory`, :mod:`workflows.actions` and :mod:`workflows.reports` with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from sqlalchemy import func
from sqlmodel import Session, col, select

from config.settings import Settings
from engine.database import Database
from engine.definition import LoadedDefinition, load_definition
from engine.errors import NotFoundError
from engine.guards import GuardRegistry
from engine.models import WorkflowInstance
from engine.runtime import Clock, InstanceSnapshot, WorkflowEngine, utcnow
from migrations import upgrade
from workflows.guards import programme_guards
from workflows.reference import DimensionSet, load_dimensions, load_regions

MASTER_PLAN = "master_plan"


def shipped_definitions(guards: GuardRegistry) -> list[LoadedDefinition]:
    """The definitions that ship with the programme, validated against its guards."""
    folder = resources.files("workflows") / "definitions"
    return [
        load_definition(f.read_text("utf-8"), f"workflows/definitions/{f.name}", guards)
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith((".yaml", ".yml"))
    ]


@dataclass(frozen=True)
class InitReport:
    regions_added: int
    definitions_published: list[str]


class Programme:
    """Everything an interface needs to run the master-plan programme."""

    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.dimensions: DimensionSet = load_dimensions(settings.dimensions_file)
        self.guards = programme_guards(
            max_review_rounds=settings.max_review_rounds,
            cycle_years=settings.cycle_years,
            dimensions=self.dimensions,
        )
        self.db = Database(settings.resolved_database_url())
        self.engine = WorkflowEngine(self.guards, clock=clock)
        # Deadlines of the cohort and reminders are planned in the transaction of the action
        # that opens a stage (a listener on the engine).
        # So are the review emails (to the mentors, and to the OPDs after a rejection).
        from workflows import deadlines, review_notices

        deadlines.install(self)
        review_notices.install(self)

    def init(self) -> InitReport:
        """Migrate the schema to head, load regions, publish the shipped definitions."""
        with self.db.errors_mapped():
            upgrade(self.db.engine)
        published = []
        with self.db.transaction() as session:
            added = load_regions(session)
            for loaded in shipped_definitions(self.guards):
                if self.engine.publish(session, loaded):
                    d = loaded.definition
                    published.append(f"{d.key} v{d.version}")
        return InitReport(added, published)

    def current_instance(self, session: Session, region: str) -> InstanceSnapshot:
        """The region's latest master-plan cycle."""
        instance_id = session.execute(
            select(WorkflowInstance.id).where(
                WorkflowInstance.definition_key == MASTER_PLAN,
                WorkflowInstance.subject == region,
            ).order_by(col(WorkflowInstance.cycle).desc()).limit(1)
        ).scalar_one_or_none()
        if instance_id is None:
            raise NotFoundError(
                f"{region} has not joined the programme; add it to a cohort first"
            )
        return self.engine.get_instance(session, instance_id)

    def instance_count(self, session: Session) -> int:
        return session.execute(select(func.count()).select_from(WorkflowInstance)).scalar_one()

    def close(self) -> None:
        self.db.dispose()
