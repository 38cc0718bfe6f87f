"""enrollment.next_due_at: when an enrolment's next lesson is due (indexed for the tick)

Revision ID: 0003
Revises: 0002_teams
Create Date: 2026-11-23 09:01:30.021627
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0003'
down_revision: str | None = '0002_teams'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrollment_next_due_at'), ['next_due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_next_due_at'))
        batch_op.drop_column('next_due_at')
