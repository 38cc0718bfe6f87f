"""the programme: CX ambassadors, customer stories, customer feedback, digest runs, award cycles, KPIs, per-tenant programme settings, member.is_admin

Revision ID: 0009_programme
Revises: 0008_surveys
Create Date: 2026-12-02 01:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0009_programme'
down_revision: str | None = '0008_surveys'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'programme_settings',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('review_channel', sa.String(length=128), nullable=True),
        sa.Column('reviewers', sa.JSON(), nullable=False),
        sa.Column('stories_channels', sa.JSON(), nullable=False),
        sa.Column('announcement_channel', sa.String(length=128), nullable=True),
        sa.Column('leadership_channel', sa.String(length=128), nullable=True),
        sa.Column('team_channels', sa.JSON(), nullable=False),
        sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('tenant_id'),
    )
    op.create_table(
        'ambassador',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('motivation', sa.Text(), nullable=False),
        sa.Column('area', sa.String(length=100), nullable=False),
        sa.Column('hours_per_month', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['member.id']),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('ambassador', schema=None) as batch_op:
        batch_op.create_index('ix_ambassador_tenant_status', ['tenant_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_member_id'), ['member_id'], unique=False)
    op.create_table(
        'story',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=150), nullable=False),
        sa.Column('situation', sa.Text(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('customer', sa.String(length=150), nullable=True),
        sa.Column('customer_consent', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['member.id']),
        sa.ForeignKeyConstraint(['reviewer_id'], ['member.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.create_index('ix_story_tenant_status', ['tenant_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_author_id'), ['author_id'], unique=False)
    op.create_table(
        'feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('touchpoint', sa.String(length=100), nullable=True),
        sa.Column('team', sa.String(length=200), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('external_id', sa.String(length=128), nullable=True),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'external_id', name='uq_feedback_external_id'),
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_tenant_team_date', ['tenant_id', 'team', 'received_on'], unique=False)
    op.create_table(
        'digest_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('period', sa.String(length=40), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'kind', 'period', name='uq_digest_run'),
    )
    op.create_table(
        'award_cycle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('nominations_open', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('nominations_close', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('voting_open', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('voting_close', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('announced_at', bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('award_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_cycle_tenant_id'), ['tenant_id'], unique=False)
    op.create_table(
        'award_category',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['award_cycle.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cycle_id', 'name', name='uq_award_category_name'),
    )
    with op.batch_alter_table('award_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_category_cycle_id'), ['cycle_id'], unique=False)
    op.create_table(
        'nomination',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('nominee_id', sa.Integer(), nullable=False),
        sa.Column('nominator_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['award_category.id']),
        sa.ForeignKeyConstraint(['nominator_id'], ['member.id']),
        sa.ForeignKeyConstraint(['nominee_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('category_id', 'nominee_id', 'nominator_id', name='uq_nomination'),
    )
    op.create_table(
        'vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('voter_id', sa.Integer(), nullable=False),
        sa.Column('nominee_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['award_category.id']),
        sa.ForeignKeyConstraint(['nominee_id'], ['member.id']),
        sa.ForeignKeyConstraint(['voter_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('category_id', 'voter_id', name='uq_vote_voter'),
    )
    for table in ('nomination', 'vote'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_category_id'), ['category_id'], unique=False)
    op.create_table(
        'kpi',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('unit', sa.String(length=20), nullable=False),
        sa.Column('target', sa.Float(), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['member.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'name', name='uq_kpi_name'),
    )
    with op.batch_alter_table('kpi', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_tenant_id'), ['tenant_id'], unique=False)
    op.create_table(
        'kpi_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kpi_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('recorded_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kpi_id', 'period', name='uq_kpi_value_period'),
    )
    op.create_table(
        'kpi_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kpi_id', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for table in ('kpi_value', 'kpi_comment'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_kpi_id'), ['kpi_id'], unique=False)


def downgrade() -> None:
    for table in ('kpi_comment', 'kpi_value'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_kpi_id'))
        op.drop_table(table)
    with op.batch_alter_table('kpi', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_tenant_id'))
    op.drop_table('kpi')
    for table in ('vote', 'nomination'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_category_id'))
        op.drop_table(table)
    with op.batch_alter_table('award_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_category_cycle_id'))
    op.drop_table('award_category')
    with op.batch_alter_table('award_cycle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_cycle_tenant_id'))
    op.drop_table('award_cycle')
    op.drop_table('digest_run')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_tenant_team_date')
    op.drop_table('feedback')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_author_id'))
        batch_op.drop_index('ix_story_tenant_status')
    op.drop_table('story')
    with op.batch_alter_table('ambassador', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ambassador_member_id'))
        batch_op.drop_index('ix_ambassador_tenant_status')
    op.drop_table('ambassador')
    op.drop_table('programme_settings')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('is_admin')
