"""reminders from obligations: one schedule row per open deadline instead of a row per
recipient and offset; the zone a deadline was announced in

A deadline's reminders are no longer planned row by row when it opens (about 150 rows for a
region of 30 OPDs). The sweep works out who owes what when a reminder morning comes, from
``reminder_schedule``: one row per open deadline with the next moment one of its reminders is
due (``next_at``, indexed, so the sweep's cost follows what is due). Every open deadline gets
its row here; reminders that were planned and not yet sent stay due (``done_until`` is set
just before the earliest of them), so the upgrade loses none. The old ``reminder`` table goes.

``deadline.tz`` and ``cohort_deadline.tz`` keep the zone a due date was announced in (a
cohort's "23:59 WIB"), so every region is reminded on the same national day.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('deadline', 'cohort_deadline'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('tz', sqlmodel.sql.sqltypes.AutoString(length=40),
                                          nullable=True))
    op.create_table('reminder_schedule',
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('done_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('next_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], ),
    sa.PrimaryKeyConstraint('deadline_id')
    )
    with op.batch_alter_table('reminder_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_schedule_next_at'), ['next_at'],
                              unique=False)
    # Cohort dates were announced in WIB until now (the default zone of 'deadlines set').
    op.execute("UPDATE cohort_deadline SET tz = 'Asia/Jakarta'")
    op.execute("UPDATE deadline SET tz = 'Asia/Jakarta' WHERE origin = 'cohort'")
    _carry_over()
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_status_due')
        batch_op.drop_index(batch_op.f('ix_reminder_deadline_id'))
    op.drop_table('reminder')


def _carry_over() -> None:
    """A schedule row for every open deadline; what was planned and unsent stays due."""
    conn = op.get_bind()
    now = datetime.now(UTC)
    deadline = sa.table('deadline', sa.column('id', sa.Integer), sa.column('version', sa.Integer),
                        sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
                        sa.column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    reminder = sa.table('reminder', sa.column('deadline_id', sa.Integer),
                        sa.column('status', sa.String),
                        sa.column('due_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    pending = dict(conn.execute(
        sa.select(reminder.c.deadline_id, sa.func.min(reminder.c.due_at))
        .where(reminder.c.status == 'planned').group_by(reminder.c.deadline_id)).all())
    rows = []
    for deadline_id, version, created_at in conn.execute(
            sa.select(deadline.c.id, deadline.c.version, deadline.c.created_at)
            .where(deadline.c.closed_at.is_(None))).all():
        first = pending.get(deadline_id)
        done_until = min(first - timedelta(seconds=1), now) if first is not None else now
        # Due at once: the first sweep sends what was pending and works out the next time.
        rows.append({'deadline_id': deadline_id, 'version': version,
                     'since': min(created_at, done_until), 'done_until': done_until,
                     'next_at': now})
    if rows:
        schedule = sa.table(
            'reminder_schedule', sa.column('deadline_id', sa.Integer),
            sa.column('version', sa.Integer),
            sa.column('since', sqlmodel.sql.sqltypes.UTCDateTime()),
            sa.column('done_until', sqlmodel.sql.sqltypes.UTCDateTime()),
            sa.column('next_at', sqlmodel.sql.sqltypes.UTCDateTime()))
        op.bulk_insert(schedule, rows)


def downgrade() -> None:
    # The older release plans reminders when a deadline opens or moves: open deadlines of
    # the time of the downgrade get theirs again when they next move.
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('deadline_version', sa.Integer(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], ),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_deadline_id'), ['deadline_id'],
                              unique=False)
        batch_op.create_index('ix_reminder_status_due', ['status', 'due_at'], unique=False)
    with op.batch_alter_table('reminder_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_schedule_next_at'))
    op.drop_table('reminder_schedule')
    for table in ('deadline', 'cohort_deadline'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('tz')
