"""Claims: an attorney's retaliation matter with its claimants, protected activities, adverse
actions and their element notes, exhibits in order, notes, and the attorneys on it.

Revision ID: 145dd4a51e71
Revises: 6faac2813c7d
Create Date: 2026-11-22 19:01:06.408141
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '145dd4a51e71'
down_revision: str | None = '6faac2813c7d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('claims',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('label_style', sa.String(length=7), nullable=False),
    sa.Column('bates_prefix', sa.String(length=20), nullable=False),
    sa.Column('bates_start', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("label_style IN ('letters', 'bates')", name=op.f('ck_claims_label_style')),
    sa.CheckConstraint('bates_start >= 1', name=op.f('ck_claims_bates_start')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_claims_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    op.create_table('claim_actions',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('answers_activity_id', sa.Uuid(), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('animus', sa.JSON(), nullable=False),
    sa.Column('departures', sa.JSON(), nullable=False),
    sa.Column('comparators', sa.JSON(), nullable=False),
    sa.Column('lawful_basis', sa.String(length=7), nullable=False),
    sa.Column('lawful_basis_notes', sa.Text(), nullable=False),
    sa.CheckConstraint("lawful_basis IN ('unknown', 'yes', 'no')", name=op.f('ck_claim_actions_lawful_basis')),
    sa.CheckConstraint("severity IN ('unrated', 'minor', 'moderate', 'serious', 'severe')", name=op.f('ck_claim_actions_severity')),
    sa.ForeignKeyConstraint(['answers_activity_id'], ['protected_activities.id'], name=op.f('fk_claim_actions_answers_activity_id_protected_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_actions_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_claim_actions_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'incident_id', name=op.f('pk_claim_actions'))
    )
    with op.batch_alter_table('claim_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_actions_incident_id'), ['incident_id'], unique=False)

    op.create_table('claim_activities',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['protected_activities.id'], name=op.f('fk_claim_activities_activity_id_protected_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_activities_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'activity_id', name=op.f('pk_claim_activities'))
    )
    with op.batch_alter_table('claim_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_activities_activity_id'), ['activity_id'], unique=False)

    op.create_table('claim_attorneys',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_attorneys_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_claim_attorneys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'user_id', name=op.f('pk_claim_attorneys'))
    )
    with op.batch_alter_table('claim_attorneys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_attorneys_user_id'), ['user_id'], unique=False)

    op.create_table('claim_groups',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_groups_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_claim_groups_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'group_id', name=op.f('pk_claim_groups'))
    )
    with op.batch_alter_table('claim_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_groups_group_id'), ['group_id'], unique=False)

    op.create_table('claim_notes',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_claim_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_notes_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_notes'))
    )
    with op.batch_alter_table('claim_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_notes_claim_id'), ['claim_id'], unique=False)

    op.create_table('claim_people',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_people_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_claim_people_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'person_id', name=op.f('pk_claim_people'))
    )
    with op.batch_alter_table('claim_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_people_person_id'), ['person_id'], unique=False)

    op.create_table('claim_exhibits',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('attachment_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_claim_exhibits_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_exhibits_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', 'attachment_id', name=op.f('pk_claim_exhibits'))
    )
    with op.batch_alter_table('claim_exhibits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_exhibits_attachment_id'), ['attachment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('claim_exhibits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_exhibits_attachment_id'))

    op.drop_table('claim_exhibits')
    with op.batch_alter_table('claim_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_people_person_id'))

    op.drop_table('claim_people')
    with op.batch_alter_table('claim_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_notes_claim_id'))

    op.drop_table('claim_notes')
    with op.batch_alter_table('claim_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_groups_group_id'))

    op.drop_table('claim_groups')
    with op.batch_alter_table('claim_attorneys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_attorneys_user_id'))

    op.drop_table('claim_attorneys')
    with op.batch_alter_table('claim_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_activities_activity_id'))

    op.drop_table('claim_activities')
    with op.batch_alter_table('claim_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_actions_incident_id'))

    op.drop_table('claim_actions')
    op.drop_table('claims')
