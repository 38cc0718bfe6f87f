"""pace: how far ahead the rows given back to wait for a busy conversation reach

Revision ID: 0013_pace_queue
Revises: 0012_neutral_broadcasts
Create Date: 2026-12-05 00:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_pace_queue'
down_revision: str | None = '0012_neutral_broadcasts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pace', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_until', sa.Float(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('pace', schema=None) as batch_op:
        batch_op.drop_column('queued_until')
