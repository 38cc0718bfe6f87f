"""pace table (shared pacing), delivery index per tenant, campaign failure state

Revision ID: 0005_outbox_pacing
Revises: 0004_delivery_lane
Create Date: 2026-12-02 01:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_outbox_pacing'
down_revision: str | None = '0004_delivery_lane'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'pace',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('tat', sa.Float(), nullable=False),
        sa.Column('rate', sa.Float(), nullable=True),
        sa.Column('paused_until', sa.Float(), nullable=False),
        sa.Column('cut_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_tenant_due', ['status', 'tenant_id', 'lane', 'due_at'], unique=False)
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('last_error')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_tenant_due')
    op.drop_table('pace')
