"""teams_account: e-mail and user principal name, as the connector's member look-up gives them

Revision ID: 0007_teams_members
Revises: 0006_hardening
Create Date: 2026-12-02 01:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_teams_members'
down_revision: str | None = '0006_hardening'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('teams_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('user_principal_name', sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('teams_account', schema=None) as batch_op:
        batch_op.drop_column('user_principal_name')
        batch_op.drop_column('email')
