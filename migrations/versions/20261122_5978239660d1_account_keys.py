"""Account keys: KDF parameters, wrapped key bundle and public identity, one row per user.

The CHECK constraints (MODERATE minimum, the clients' maximum) are written out here: autogenerate
renders them from the model but `alembic check` does not compare them.

Revision ID: 5978239660d1
Revises: 1a655d084492
Create Date: 2026-11-22 07:22:30.312628
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5978239660d1'
down_revision: str | None = '1a655d084492'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('account_keys',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('opslimit', sa.Integer(), nullable=False),
    sa.Column('memlimit', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=22), nullable=False),
    sa.Column('bundle_version', sa.Integer(), nullable=False),
    sa.Column('wrapped_bundle', sa.Text(), nullable=False),
    sa.Column('box_pk', sa.String(length=43), nullable=False),
    sa.Column('sign_pk', sa.String(length=43), nullable=False),
    sa.Column('signature', sa.String(length=86), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('bundle_version >= 1', name=op.f('ck_account_keys_bundle_version')),
    sa.CheckConstraint('memlimit >= 268435456 AND memlimit <= 1073741824', name=op.f('ck_account_keys_memlimit')),
    sa.CheckConstraint('opslimit >= 3 AND opslimit <= 16', name=op.f('ck_account_keys_opslimit')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_account_keys_version')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_account_keys'))
    )


def downgrade() -> None:
    op.drop_table('account_keys')
