"""neutral broadcasts: table campaign -> broadcast, campaign.lever -> label, occurrence.campaign_id -> broadcast_id

Only names change; every row stays. Indexes are renamed on PostgreSQL and rebuilt
under the new name on SQLite (which cannot rename an index); PostgreSQL's sequence,
primary key and foreign keys follow the table's new name too.

Revision ID: 0012_neutral_broadcasts
Revises: 0011_tenant_settings
Create Date: 2026-12-11 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0012_neutral_broadcasts'
down_revision: str | None = '0011_tenant_settings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (old, new) pairs, in upgrade order; the downgrade swaps each pair
TABLE = ('campaign', 'broadcast')
COLUMNS = (('broadcast', 'lever', 'label'), ('occurrence', 'campaign_id', 'broadcast_id'))
INDEXES = (  # table after the rename, old name, new name, column after the rename
    ('broadcast', 'ix_campaign_tenant_id', 'ix_broadcast_tenant_id', 'tenant_id'),
    ('occurrence', 'ix_occurrence_campaign_id', 'ix_occurrence_broadcast_id', 'broadcast_id'),
)
POSTGRES_ONLY = (  # (kind, table after the rename, old name, new name)
    ('SEQUENCE', None, 'campaign_id_seq', 'broadcast_id_seq'),
    ('INDEX', None, 'campaign_pkey', 'broadcast_pkey'),
    ('CONSTRAINT', 'broadcast', 'campaign_tenant_id_fkey', 'broadcast_tenant_id_fkey'),
    ('CONSTRAINT', 'occurrence', 'occurrence_campaign_id_fkey', 'occurrence_broadcast_id_fkey'),
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def _rename_index(table: str, old: str, new: str, column: str) -> None:
    if _postgres():
        op.execute(f'ALTER INDEX {old} RENAME TO {new}')
    else:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, [column], unique=False)


def _rename_postgres_only(kind: str, table: str | None, old: str, new: str) -> None:
    if kind == 'CONSTRAINT':
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}')
    else:
        op.execute(f'ALTER {kind} {old} RENAME TO {new}')


def upgrade() -> None:
    op.rename_table(*TABLE)
    for table, old, new in COLUMNS:
        op.execute(f'ALTER TABLE {table} RENAME COLUMN {old} TO {new}')
    for table, old, new, column in INDEXES:
        _rename_index(table, old, new, column)
    if _postgres():
        for kind, owner, old, new in POSTGRES_ONLY:
            _rename_postgres_only(kind, owner, old, new)


def downgrade() -> None:
    if _postgres():
        for kind, owner, old, new in reversed(POSTGRES_ONLY):
            _rename_postgres_only(kind, owner, new, old)
    for table, old, new, column in reversed(INDEXES):  # before the columns and the table get their old names
        _rename_index(table, new, old, column)
    for table, old, new in reversed(COLUMNS):
        op.execute(f'ALTER TABLE {table} RENAME COLUMN {new} TO {old}')
    op.rename_table(TABLE[1], TABLE[0])
