"""Evidence: vaults with their membership logs and published generations, the readers and
writers replayed from those logs, and encrypted attachments.

The CHECK constraints are written out here: `alembic check` does not compare them.

Revision ID: 491c0feb81fd
Revises: a4f19c2e7b30
Create Date: 2026-11-22 08:11:44
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '491c0feb81fd'
down_revision: str | None = 'a4f19c2e7b30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('vaults',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_vaults_group_id_groups'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaults')),
    sa.UniqueConstraint('group_id', name=op.f('uq_vaults_group_id'))
    )
    op.create_table('attachments',
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('vault_id', sa.Uuid(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('ciphertext_size', sa.BigInteger(), nullable=False),
    sa.Column('uploader_id', sa.Uuid(), nullable=False),
    sa.Column('blob_name', sa.String(length=64), nullable=True),
    sa.Column('envelope', sa.Text(), nullable=True),
    sa.Column('manifest', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'complete')", name=op.f('ck_attachments_state')),
    sa.CheckConstraint('ciphertext_size > 0', name=op.f('ck_attachments_ciphertext_size')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_attachments_incident_id_incidents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['vault_id'], ['vaults.id'], name=op.f('fk_attachments_vault_id_vaults'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('blob_name', name=op.f('uq_attachments_blob_name'))
    )
    op.create_index('ix_attachments_incident_state', 'attachments', ['incident_id', 'state', 'created_at'])
    op.create_index('ix_attachments_state_created', 'attachments', ['state', 'created_at'])
    op.create_table('vault_generations',
    sa.Column('vault_id', sa.Uuid(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('published', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vault_id'], ['vaults.id'], name=op.f('fk_vault_generations_vault_id_vaults'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vault_id', 'generation', name=op.f('pk_vault_generations'))
    )
    op.create_table('vault_log_entries',
    sa.Column('vault_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('signed_entry', sa.Text(), nullable=False),
    sa.Column('entry_hash', sa.String(length=43), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vault_id'], ['vaults.id'], name=op.f('fk_vault_log_entries_vault_id_vaults'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vault_id', 'seq', name=op.f('pk_vault_log_entries'))
    )
    op.create_table('vault_members',
    sa.Column('vault_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=6), nullable=False),
    sa.CheckConstraint("role IN ('reader', 'writer')", name=op.f('ck_vault_members_role')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vault_members_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vault_id'], ['vaults.id'], name=op.f('fk_vault_members_vault_id_vaults'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vault_id', 'user_id', 'role', name=op.f('pk_vault_members'))
    )
    op.create_index(op.f('ix_vault_members_user_id'), 'vault_members', ['user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_vault_members_user_id'), table_name='vault_members')
    op.drop_table('vault_members')
    op.drop_table('vault_log_entries')
    op.drop_table('vault_generations')
    op.drop_index('ix_attachments_state_created', table_name='attachments')
    op.drop_index('ix_attachments_incident_state', table_name='attachments')
    op.drop_table('attachments')
    op.drop_table('vaults')
