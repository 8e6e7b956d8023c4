"""workflow migrations: running instances moved to another version of their definition

``workflow_migration`` records each migration (or revert of one): the workflow, the version
reached, who, when, how it was applied (one transaction per instance or all or nothing), the
state mapping and the instances asked for (structured, JSON). ``workflow_migration_item`` records each instance's
part of it: where it was (version, state, when it entered it), where it went, its version
after, and whether it was applied, skipped or conflicted, with the deadlines closed, opened
or carried (and the row closed or carried, for a revert to reopen or carry back)
and the deliverables that became required or orphaned: the plan that was applied, and what a
revert restores. The instances' own history gets an entry of kind ``migration`` for each.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workflow_migration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('definition_key', sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('state_map', sa.Text(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('reverted_of', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reverted_of'], ['workflow_migration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workflow_migration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_migration_definition_key'),
                              ['definition_key'], unique=False)
    op.create_table('workflow_migration_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('migration_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
    sa.Column('from_entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=False),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
    sa.Column('version_after', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('deadline', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('required', sa.Text(), nullable=False),
    sa.Column('orphaned', sa.Text(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], ),
    sa.ForeignKeyConstraint(['migration_id'], ['workflow_migration.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('migration_id', 'instance_id', name='uq_migration_item_instance')
    )
    with op.batch_alter_table('workflow_migration_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_migration_item_instance_id'),
                              ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_migration_item_migration_id'),
                              ['migration_id'], unique=False)


def downgrade() -> None:
    # The older release has no migrations: the instances stay on the versions they reached,
    # and their history keeps its migration entries.
    with op.batch_alter_table('workflow_migration_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_migration_item_migration_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_migration_item_instance_id'))
    op.drop_table('workflow_migration_item')
    with op.batch_alter_table('workflow_migration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_migration_definition_key'))
    op.drop_table('workflow_migration')
