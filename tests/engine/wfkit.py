"""Helpers of the engine tests: a small generic workflow and a harness around a real database.

Nothing here knows the master-plan programme. A test writes its own YAML definition and its own
:class:`~engine.guards.GuardRegistry` (or uses :data:`BASIC_YAML` with :func:`basic_guards`);
the ``workflow`` fixture publishes it on the empty database of ``engine_url`` and returns a
:class:`Harness`, which commits one action per call and reads rows back through a *separate*
connection pool, so what a test checks is what was committed, not what a session still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlmodel import SQLModel

import engine.models  # noqa: F401  (registers the engine's tables)
from engine.contracts import Actor, FireResult, InstanceSnapshot, SubmissionInput
from engine.database import Database
from engine.definition import LoadedDefinition
from engine.guards import GuardRegistry
from engine.runtime import WorkflowEngine

COORDINATOR = Actor("coord@example.org", "coordinator", name="Coordinator")
AUTHOR = Actor("ana@r1.example.org", "author", subjects=frozenset({"R1"}), party="lab_a")
REVIEWER = Actor("rev@example.org", "reviewer")

# A definition most runtime tests can use as is: a straight line with a deliverable, a
# deadline, a guard, a comment-required rejection, a withdrawal and a renewal.
BASIC_YAML = """\
key: paper
version: 1
title: Paper review
initial: draft
roles:
  coordinator: {label: Coordinator}
  author: {label: Author, scoped: true}
  reviewer: {label: Reviewer}
deliverables:
  manuscript:
    label: Manuscript
    submitted_by: [author, coordinator]
    during: [draft]
  response:
    label: Response letter
    per_party: true
    submitted_by: [author]
    during: [review]
states:
  draft:
    label: Drafting
    requires: [manuscript]
    deadline: {days: 10}
  review:
    label: Under review
    deadline: {days: 30}
  accepted:
    label: Accepted
  rejected:
    label: Rejected
    final: true
  archived:
    final: true
  withdrawn:
    final: true
transitions:
  - trigger: send
    source: draft
    dest: review
    roles: [author, coordinator]
  - trigger: accept
    source: review
    dest: accepted
    roles: [reviewer]
    guards: [editor_agrees]
  - trigger: reject
    source: review
    dest: rejected
    roles: [reviewer]
    comment: required
  - trigger: note
    source: review
    dest: review
    roles: [reviewer, coordinator]
  - trigger: renew
    source: accepted
    dest: archived
    roles: [coordinator]
    successor: {start: review}
  - trigger: withdraw
    source: [draft, review]
    dest: withdrawn
    roles: [coordinator]
    skip_requirements: true
"""


def basic_guards(state: dict[str, Any] | None = None) -> GuardRegistry:
    """Guards of :data:`BASIC_YAML`; ``state["editor"]`` says whether the editor agrees."""
    flags = state if state is not None else {"editor": True}
    registry = GuardRegistry()

    @registry.register("editor_agrees", "the editor agrees")
    def editor_agrees(ctx: Any) -> str | None:
        return None if flags.get("editor") else "the editor has not agreed yet"

    return registry


def manuscript(name: str = "paper.pdf", *, deliverable: str = "manuscript", party: str = "",
               note: str | None = None) -> SubmissionInput:
    return SubmissionInput(deliverable=deliverable, file_name=name, media_type="application/pdf",
                           size_bytes=1234, sha256="ab" * 32, party=party, note=note)


@dataclass
class Harness:
    """One published definition on one database, with helpers that each commit one action."""

    db: Database
    check: Database
    engine: WorkflowEngine
    loaded: LoadedDefinition
    clock: Any

    @property
    def key(self) -> str:
        return self.loaded.definition.key

    def start(self, subject: str = "R1", actor: Actor = COORDINATOR, **kw: Any) -> int:
        with self.db.transaction() as session:
            return self.engine.start(session, self.key, subject, actor, **kw).id

    def fire(self, instance_id: int, trigger: str, actor: Actor = COORDINATOR,
             **kw: Any) -> FireResult:
        with self.db.transaction() as session:
            return self.engine.fire(session, instance_id, trigger, actor, **kw)

    def submit(self, instance_id: int, actor: Actor, item: SubmissionInput, **kw: Any) -> int:
        with self.db.transaction() as session:
            return self.engine.submit(session, instance_id, actor, item, **kw)

    # Reads go through ``check``: another engine, another connection, committed data only.

    def instance(self, instance_id: int) -> InstanceSnapshot:
        with self.check.read() as session:
            return self.engine.get_instance(session, instance_id)

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.check.read() as session:
            return list(session.execute(text(sql), params).mappings())

    def table(self, name: str, **where: Any) -> list[Any]:
        """Rows of an engine table (typed: datetimes come back aware), filtered by equality."""
        table = SQLModel.metadata.tables[name]
        query = select(table).where(*(table.c[k] == v for k, v in where.items()))
        with self.check.read() as session:
            return list(session.execute(query.order_by(table.c.id)).mappings())

    def history(self, instance_id: int) -> list[Any]:
        return self.table("workflow_history", instance_id=instance_id)

    def count(self, table: str) -> int:
        return self.rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


