"""Report indexes: covering indexes on incidents for the pattern report. One gives the
report's counts by group, place and day in index order (no sort); the other walks a group's
incidents in id order, so that reading their tactics, agencies, people and groups goes through
the link tables in order too.

Revision ID: c3d8e5f1a920
Revises: 0a567ad27172
Create Date: 2026-11-22 14:20:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'c3d8e5f1a920'
down_revision: str | None = '0a567ad27172'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_incidents_report_cube',
        'incidents',
        ['group_id', 'region', 'country', 'date_precision', 'occurred_on'],
    )
    op.create_index(
        'ix_incidents_report_walk',
        'incidents',
        ['group_id', 'id', 'region', 'date_precision', 'occurred_on'],
    )


def downgrade() -> None:
    op.drop_index('ix_incidents_report_walk', table_name='incidents')
    op.drop_index('ix_incidents_report_cube', table_name='incidents')
