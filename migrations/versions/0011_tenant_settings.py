"""tenant settings: per-tenant kudos allowance, kudos emoji and anonymity threshold; server-side console sessions

Revision ID: 0011_tenant_settings
Revises: 0010_console
Create Date: 2026-12-04 17:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0011_tenant_settings'
down_revision: str | None = '0010_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kudos_daily_allowance', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kudos_emoji', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('anonymity_threshold', sa.Integer(), nullable=True))
    op.create_table('console_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['console_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('console_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_session_user_id'))
    op.drop_table('console_session')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('anonymity_threshold')
        batch_op.drop_column('kudos_emoji')
        batch_op.drop_column('kudos_daily_allowance')
