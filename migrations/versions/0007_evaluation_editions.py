"""evaluation editions: each window scored with the instrument frozen in its edition

Until now the parts, weights, scale and dimensions of the evaluation were global settings, so a
change for next year rewrote the meaning of last year's scores. ``evaluation_edition`` keeps a
frozen copy of an instrument (canonical JSON and its SHA-256) and the day the edition starts;
``evaluation_window.edition_id`` says which edition a window is scored with.

The windows that exist are attached to one ``default`` edition frozen from the settings this
upgrade runs with (``SMARTCITY_EVALUATION_WEIGHTS``, ``SMARTCITY_EVALUATION_SCALE``,
``SMARTCITY_DIMENSIONS_FILE``, or their defaults), starting 2017-01-01: exactly what their
scores were computed with until now, so no index or rank changes. Without windows nothing is
created; the first window creates that edition the same way.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('evaluation_edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('instrument_key', sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.Text(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('evaluation_edition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_edition_starts_on'), ['starts_on'],
                              unique=False)
    with op.batch_alter_table('evaluation_window', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edition_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_evaluation_window_edition_id'), ['edition_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_evaluation_window_edition_id', 'evaluation_edition',
                                    ['edition_id'], ['id'])
    _attach_existing_windows()


def _attach_existing_windows() -> None:
    conn = op.get_bind()
    if not conn.execute(sa.text("SELECT 1 FROM evaluation_window LIMIT 1")).first():
        return
    # Read here, not at import: only an upgrade with windows needs the settings.
    from config.settings import Settings
    from workflows.evaluation.editions import DEFAULT_KEY, DEFAULT_STARTS
    from workflows.evaluation.instrument import settings_instrument

    instrument = settings_instrument(Settings())
    edition = sa.table('evaluation_edition', sa.column('id', sa.Integer()),
                       sa.column('key', sa.String()), sa.column('starts_on', sa.Date()),
                       sa.column('instrument_key', sa.String()),
                       sa.column('instrument_version', sa.Integer()),
                       sa.column('instrument', sa.Text()), sa.column('sha256', sa.String()),
                       sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
                       sa.column('created_by', sa.String()))
    conn.execute(edition.insert().values(
        key=DEFAULT_KEY, starts_on=DEFAULT_STARTS, instrument_key=instrument.key,
        instrument_version=instrument.version, instrument=instrument.frozen(),
        sha256=instrument.sha256(), created_at=datetime.now(UTC), created_by="migration 0007"))
    found = conn.execute(sa.text("SELECT id FROM evaluation_edition WHERE key = :key"),
                         {"key": DEFAULT_KEY}).scalar_one()
    conn.execute(sa.text("UPDATE evaluation_window SET edition_id = :id"), {"id": found})


def downgrade() -> None:
    # The older release scores every window with the settings again.
    with op.batch_alter_table('evaluation_window', schema=None) as batch_op:
        batch_op.drop_constraint('fk_evaluation_window_edition_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evaluation_window_edition_id'))
        batch_op.drop_column('edition_id')
    with op.batch_alter_table('evaluation_edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_edition_starts_on'))
    op.drop_table('evaluation_edition')
