"""Recovery login: the argon2 hash of the credential derived from a user's recovery code.

Revision ID: a4f19c2e7b30
Revises: 5978239660d1
Create Date: 2026-11-22 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'a4f19c2e7b30'
down_revision: str | None = '5978239660d1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('account_keys') as batch:
        batch.add_column(sa.Column('recovery_hash', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('account_keys') as batch:
        batch.drop_column('recovery_hash')
