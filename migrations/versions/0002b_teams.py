"""teams: conversation references (proactive messages) and the accounts seen in activities

Revision ID: 0002_teams
Revises: 0002
Create Date: 2026-11-23 08:45:00.607133
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0002_teams'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('teams_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_external_id', sa.String(length=64), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('service_url', sa.String(length=400), nullable=False),
    sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_external_id', 'aad_object_id', name='uq_teams_account')
    )
    op.create_table('teams_conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_external_id', sa.String(length=64), nullable=False),
    sa.Column('conversation_id', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=True),
    sa.Column('service_url', sa.String(length=400), nullable=False),
    sa.Column('reference', sa.JSON(), nullable=False),
    sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_external_id', 'conversation_id', name='uq_teams_conversation')
    )
    with op.batch_alter_table('teams_conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_conversation_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('teams_conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_conversation_member_id'))

    op.drop_table('teams_conversation')
    op.drop_table('teams_account')
