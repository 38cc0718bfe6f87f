"""surveys: rounds, participation, the anonymity pool and responses

Revision ID: 0008_surveys
Revises: 0007_teams_members
Create Date: 2026-12-02 02:00:00

survey_pool and survey_response are WITHOUT ROWID on SQLite: stored in the order of
their random keys, so no rowid or page order tells when a response was written.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0008_surveys'
down_revision: str | None = '0007_teams_members'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('template', sa.String(length=32), nullable=True),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.Column('window_hours', sa.Integer(), nullable=False),
    sa.Column('reminder_count', sa.Integer(), nullable=False),
    sa.Column('reminder_every_hours', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('survey_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=64), nullable=False),
    sa.Column('opened_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', bot.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'slot', name='uq_survey_round_slot')
    )
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_round_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_round_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('survey_participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded', sa.Boolean(), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('next_reminder_at', bot.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'member_id', name='uq_participation_member')
    )
    with op.batch_alter_table('survey_participation', schema=None) as batch_op:
        batch_op.create_index('ix_participation_reminder', ['responded', 'next_reminder_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_participation_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_participation_round_id'), ['round_id'], unique=False)

    op.create_table('survey_pool',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_pool', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_pool_round_id'), ['round_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_round_id'), ['round_id'], unique=False)


    op.create_table('survey_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=64), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'question', 'department', 'location', 'country', 'value',
                        name='uq_survey_tally_cell')
    )


def downgrade() -> None:
    op.drop_table('survey_tally')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_round_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_member_id'))

    op.drop_table('survey_response')
    with op.batch_alter_table('survey_pool', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_pool_round_id'))

    op.drop_table('survey_pool')
    with op.batch_alter_table('survey_participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_participation_round_id'))
        batch_op.drop_index(batch_op.f('ix_survey_participation_member_id'))
        batch_op.drop_index('ix_participation_reminder')

    op.drop_table('survey_participation')
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_round_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_survey_round_survey_id'))

    op.drop_table('survey_round')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_tenant_id'))

    op.drop_table('survey')
