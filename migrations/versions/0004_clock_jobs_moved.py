"""the clock's jobs moved: forget the stored references to workflows.jobs

APScheduler's job store keeps each job as a pickled reference to its function. The jobs now
live in workflows.background (they were in workflows.jobs), so rows stored by an earlier
release would fail to restore, with an error logged at the first start. The scheduler adds
both jobs again, under the same ids, whenever a process starts leading, so the rows are
deleted here; nothing else is lost (the jobs are sweeps over the programme's own tables).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM apscheduler_jobs WHERE id IN ('sweep-reminders', "
               "'evaluation-windows')")


def downgrade() -> None:
    # The older release adds its jobs again itself, as this one does.
    op.execute("DELETE FROM apscheduler_jobs WHERE id IN ('sweep-reminders', "
               "'evaluation-windows')")
