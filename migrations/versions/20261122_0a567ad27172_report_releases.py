"""Report releases: the log of every pattern report handed out, which is also the ledger of
the privacy loss researchers spent.

The CHECK constraints are written out here: `alembic check` does not compare them.

Revision ID: 0a567ad27172
Revises: 491c0feb81fd
Create Date: 2026-11-22 13:33:28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0a567ad27172'
down_revision: str | None = '491c0feb81fd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('report_releases',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('report', sa.String(length=40), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('disclosed', sa.Boolean(), nullable=False),
    sa.Column('parameters', sa.Text(), nullable=False),
    sa.Column('epsilon', sa.Double(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("format IN ('page', 'html', 'pdf', 'csv', 'json')", name=op.f('ck_report_releases_format')),
    sa.CheckConstraint('epsilon IS NULL OR epsilon > 0', name=op.f('ck_report_releases_epsilon')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_releases_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_releases'))
    )
    op.create_index('ix_report_releases_user_released', 'report_releases', ['user_id', 'released_at'])


def downgrade() -> None:
    op.drop_index('ix_report_releases_user_released', table_name='report_releases')
    op.drop_table('report_releases')
