"""slack_installations.incoming_webhook_url holds ciphertext: widen it to TEXT

Revision ID: 0006_hardening
Revises: 0005_outbox_pacing
Create Date: 2026-12-02 01:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_hardening'
down_revision: str | None = '0005_outbox_pacing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # URLs stored in clear before stay readable (decryption passes unprefixed values through)
    with op.batch_alter_table('slack_installations', schema=None) as batch_op:
        batch_op.alter_column('incoming_webhook_url', existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('slack_installations', schema=None) as batch_op:
        batch_op.alter_column('incoming_webhook_url', existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=True)
