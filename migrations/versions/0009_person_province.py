"""people bound to a province: ``person.province_code``

Since 2023 provinces take part as "conductors" of their kabupaten/kota and may be the subject
of a workflow of their own. A province's coordinator (its Diskominfo secretariat) or governor
is bound to it by ``province_code`` (nullable, a foreign key to ``province.code``), as a
regional coordinator or head of region is bound to a region by ``region_code``; nobody is
bound to both.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-15
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_code', sqlmodel.sql.sqltypes.AutoString(length=2),
                                      nullable=True))
        batch_op.create_foreign_key('fk_person_province_code', 'province', ['province_code'],
                                    ['code'])


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint('fk_person_province_code', type_='foreignkey')
        batch_op.drop_column('province_code')
