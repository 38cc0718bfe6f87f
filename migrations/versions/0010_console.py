"""console: console users, one-time login links and the audit log

Revision ID: 0010_console
Revises: 0009_programme
Create Date: 2026-12-02 01:50:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0010_console'
down_revision: str | None = '0009_programme'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('console_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', bot.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'email', name='uq_console_user_email')
    )
    with op.batch_alter_table('console_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_user_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('console_login_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', bot.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['console_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('console_login_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_login_link_user_id'), ['user_id'], unique=False)

    op.create_table('console_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('console_audit', schema=None) as batch_op:
        batch_op.create_index('ix_console_audit_tenant_time', ['tenant_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_console_audit_tenant_time')
    op.drop_table('console_audit')
    with op.batch_alter_table('console_login_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_login_link_user_id'))
    op.drop_table('console_login_link')
    with op.batch_alter_table('console_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_user_tenant_id'))
    op.drop_table('console_user')
