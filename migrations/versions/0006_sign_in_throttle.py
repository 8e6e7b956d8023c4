"""the sign-in throttle in the database: wrong passwords per address and client

Until now wrong passwords were counted in each server process's memory, per address, and ten
of them locked the address for a quarter of an hour whoever typed them. ``sign_in_throttle``
keeps, per address, one row per client (a keyed hash of the client's IP address, or of a known
device's id), one per network (an IPv4 /24, an IPv6 /48) and one for all clients together
(``client = '*'``), read and written by every process sharing the database
(:mod:`workflows.access.throttle`; ``failures`` counts attempts reserved before their password
was checked and not taken back). Nothing is carried over: the counts in memory ended with the
processes that held them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_failure_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('next_allowed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('address', 'client')
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failure_at'),
                              ['last_failure_at'], unique=False)


def downgrade() -> None:
    # The older release counts wrong passwords in memory again, from nothing.
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failure_at'))
    op.drop_table('sign_in_throttle')
