"""The programme wired together: settings, database, and the engine with what the programme adds.

This is the one place where the engine meets the programme: the master plan's guards, the
deadline policy (a cohort's date for a stage wins over the definition's relative days, which
fall at the end of a working day), the listeners that run in every action's transaction (the
reminder schedule of the deadline a stage opens, review emails), the clock (the real one, or
``settings.now`` for simulations), and the words the engine's messages use. Interfaces hold one
:class:`Programme` and call the programme's functions with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from config.settings import Settings
from engine import (
    Clock,
    Database,
    InstanceSnapshot,
    NotFoundError,
    Records,
    Wording,
    WorkflowDefinition,
    WorkflowEngine,
    utcnow,
)
from workflows.deadlines.policy import ProgrammeDeadlines
from workflows.deadlines.reminders import schedule_opened
from workflows.directory.reference import DimensionSet, load_dimensions, load_regions
from workflows.master_plan import MASTER_PLAN
from workflows.master_plan.guards import programme_guards
from workflows.master_plan.review_notices import ReviewNotices
from workflows.shipped import shipped_definitions

#: What the engine's messages call the programme's subjects, and how to set up its database.
WORDING = Wording(subject="word.region", subjects="word.regions", setup="run 'smartcity init'")


@dataclass(frozen=True)
class InitReport:
    regions_added: int
    definitions_published: list[str]


def _fixed(at: datetime) -> Clock:
    """The clock of ``settings.now``: always that moment (tests and simulations)."""
    fixed = at.astimezone(UTC)
    return lambda: fixed


class Programme:
    """Everything an interface needs to run the master-plan programme."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        if clock is None:
            clock = _fixed(settings.now) if settings.now is not None else utcnow
        self.dimensions: DimensionSet = load_dimensions(settings.dimensions_file)
        self.guards = programme_guards(
            max_review_rounds=settings.max_review_rounds,
            cycle_years=settings.cycle_years,
            dimensions=self.dimensions,
        )
        self.db = Database(settings.resolved_database_url(), wording=WORDING,
                           pool_size=settings.database_pool_size,
                           max_overflow=settings.database_max_overflow)
        # Listeners read the settings when they run: a server may set its address after this.
        self.engine = WorkflowEngine(
            self.guards, clock=clock, deadline_policy=ProgrammeDeadlines(self._settings),
            wording=WORDING, listeners=[schedule_opened, ReviewNotices(self._settings)])

    def _settings(self) -> Settings:
        return self.settings

    def load_shipped(self) -> InitReport:
        """Load the 514 regions and publish the shipped definitions (the schema must be at
        head: see :func:`interfaces.bootstrap.initialise`)."""
        published = []
        with self.db.transaction() as session:
            added = load_regions(session)
            for loaded in shipped_definitions(self.guards):
                if self.engine.publish(session, loaded):
                    d = loaded.definition
                    published.append(f"{d.key} v{d.version}")
        return InitReport(added, published)

    def current_instance(self, session: Session, region: str,
                         key: str = MASTER_PLAN) -> InstanceSnapshot:
        """The region's latest cycle of workflow ``key`` (the master plan by default)."""
        instance = Records(session).current_instance(key, region)
        if instance is None and key == MASTER_PLAN:
            raise NotFoundError("reporting.not_joined", region=region)
        if instance is None:
            raise NotFoundError("instances.not_started", region=region, key=key,
                                workflow=self.engine.workflow(session, key).title)
        return instance

    def definition_of(self, session: Session, instance: InstanceSnapshot) -> WorkflowDefinition:
        """The definition version ``instance`` runs on."""
        return self.engine.definition_for(session, instance)

    def master_plan(self, session: Session) -> WorkflowDefinition:
        """The latest published version of the master plan."""
        return self.engine.workflow(session, MASTER_PLAN)

    def instance_count(self, session: Session) -> int:
        return Records(session).instance_count()

    def close(self) -> None:
        self.db.dispose()
