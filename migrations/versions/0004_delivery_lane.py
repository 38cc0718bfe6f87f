"""delivery.lane: interactive deliveries are claimed before broadcast ones

Revision ID: 0004_delivery_lane
Revises: 0003
Create Date: 2026-12-02 01:10:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_delivery_lane'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lane', sa.String(length=16), server_default='interactive', nullable=False))
        batch_op.create_index('ix_delivery_lane_due', ['status', 'lane', 'due_at'], unique=False)
    # rows already in the outbox from campaigns and lessons are broadcasts
    op.execute("UPDATE delivery SET lane = 'broadcast' WHERE occurrence_id IS NOT NULL OR dedupe_key LIKE 'lesson:%'")


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_lane_due')
        batch_op.drop_column('lane')
