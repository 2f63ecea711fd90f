"""Initial schema: accounts, groups, people, protected activities, incidents, audit log.

Revision ID: 1a655d084492
Revises: 
Create Date: 2026-11-22 05:43:21.828262
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '1a655d084492'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    op.create_table('groups',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups')),
    sa.UniqueConstraint('name', name=op.f('uq_groups_name'))
    )
    op.create_table('login_failures',
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_account_at', ['account_key', 'failed_at'], unique=False)
        batch_op.create_index('ix_login_failures_address_at', ['address_key', 'failed_at'], unique=False)

    op.create_table('users',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("role IN ('organizer', 'attorney', 'researcher', 'admin')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('grants',
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('attorney_id', sa.Uuid(), nullable=False),
    sa.Column('granted_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['attorney_id'], ['users.id'], name=op.f('fk_grants_attorney_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by'], ['users.id'], name=op.f('fk_grants_granted_by_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_grants_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], name=op.f('fk_grants_revoked_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index('ix_grants_attorney_group', ['attorney_id', 'group_id'], unique=False)

    op.create_table('incidents',
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.String(length=5), nullable=False),
    sa.Column('occurred_time', sa.Time(), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('source_kind', sa.String(length=40), nullable=False),
    sa.Column('verification_status', sa.String(length=40), nullable=False),
    sa.Column('workflow_status', sa.String(length=40), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("date_precision IN ('day', 'month', 'year')", name=op.f('ck_incidents_date_precision')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_incidents_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_incidents_group_id_groups'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_group_occurred', ['group_id', 'occurred_on', 'id'], unique=False)
        batch_op.create_index('ix_incidents_occurred', ['occurred_on', 'id'], unique=False)
        batch_op.create_index('ix_incidents_region', ['region', 'occurred_on'], unique=False)

    op.create_table('invitations',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=True),
    sa.Column('group_role', sa.String(length=20), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("group_role IN ('coordinator', 'member')", name=op.f('ck_invitations_group_role')),
    sa.CheckConstraint("role IN ('organizer', 'attorney', 'researcher', 'admin')", name=op.f('ck_invitations_role')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_invitations_created_by_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_invitations_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    op.create_table('login_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('memberships',
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('coordinator', 'member')", name=op.f('ck_memberships_role')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_memberships_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('people',
    sa.Column('alias', sa.String(length=120), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_people_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    op.create_table('protected_activities',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('public_url', sa.String(length=2000), nullable=True),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_protected_activities_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protected_activities'))
    )
    with op.batch_alter_table('protected_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protected_activities_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('activity_groups',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['protected_activities.id'], name=op.f('fk_activity_groups_activity_id_protected_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_activity_groups_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'group_id', name=op.f('pk_activity_groups'))
    )
    with op.batch_alter_table('activity_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_groups_group_id'), ['group_id'], unique=False)

    op.create_table('activity_people',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['protected_activities.id'], name=op.f('fk_activity_people_activity_id_protected_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_activity_people_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'person_id', name=op.f('pk_activity_people'))
    )
    with op.batch_alter_table('activity_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_people_person_id'), ['person_id'], unique=False)

    op.create_table('incident_activities',
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['protected_activities.id'], name=op.f('fk_incident_activities_activity_id_protected_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_activities_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'activity_id', name=op.f('pk_incident_activities'))
    )
    with op.batch_alter_table('incident_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_activities_activity_id'), ['activity_id'], unique=False)

    op.create_table('incident_agencies',
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_agencies_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'agency_id', name=op.f('pk_incident_agencies'))
    )
    with op.batch_alter_table('incident_agencies', schema=None) as batch_op:
        batch_op.create_index('ix_incident_agencies_agency', ['agency_id', 'incident_id'], unique=False)

    op.create_table('incident_groups',
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_incident_groups_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_groups_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'group_id', name=op.f('pk_incident_groups'))
    )
    with op.batch_alter_table('incident_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_groups_group_id'), ['group_id'], unique=False)

    op.create_table('incident_people',
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_people_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_incident_people_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'person_id', name=op.f('pk_incident_people'))
    )
    with op.batch_alter_table('incident_people', schema=None) as batch_op:
        batch_op.create_index('ix_incident_people_person', ['person_id', 'incident_id'], unique=False)

    op.create_table('incident_tactics',
    sa.Column('incident_id', sa.Uuid(), nullable=False),
    sa.Column('tactic_id', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_tactics_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'tactic_id', name=op.f('pk_incident_tactics'))
    )
    with op.batch_alter_table('incident_tactics', schema=None) as batch_op:
        batch_op.create_index('ix_incident_tactics_tactic', ['tactic_id', 'incident_id'], unique=False)

    op.create_table('person_groups',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_person_groups_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_groups_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'group_id', name=op.f('pk_person_groups'))
    )
    with op.batch_alter_table('person_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_groups_group_id'), ['group_id'], unique=False)
    make_audit_log_append_only()


def downgrade() -> None:
    drop_audit_log_guards()
    with op.batch_alter_table('person_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_groups_group_id'))

    op.drop_table('person_groups')
    with op.batch_alter_table('incident_tactics', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_tactics_tactic')

    op.drop_table('incident_tactics')
    with op.batch_alter_table('incident_people', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_people_person')

    op.drop_table('incident_people')
    with op.batch_alter_table('incident_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_groups_group_id'))

    op.drop_table('incident_groups')
    with op.batch_alter_table('incident_agencies', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_agencies_agency')

    op.drop_table('incident_agencies')
    with op.batch_alter_table('incident_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_activities_activity_id'))

    op.drop_table('incident_activities')
    with op.batch_alter_table('activity_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_people_person_id'))

    op.drop_table('activity_people')
    with op.batch_alter_table('activity_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_groups_group_id'))

    op.drop_table('activity_groups')
    with op.batch_alter_table('protected_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protected_activities_occurred_on'))

    op.drop_table('protected_activities')
    op.drop_table('people')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))

    op.drop_table('login_sessions')
    op.drop_table('invitations')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_region')
        batch_op.drop_index('ix_incidents_occurred')
        batch_op.drop_index('ix_incidents_group_occurred')

    op.drop_table('incidents')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index('ix_grants_attorney_group')

    op.drop_table('grants')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_address_at')
        batch_op.drop_index('ix_login_failures_account_at')

    op.drop_table('login_failures')
    op.drop_table('groups')
    op.drop_table('audit_events')


SQLITE_GUARDS = [
    f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]

POSTGRES_GUARDS = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]


def make_audit_log_append_only() -> None:
    """The database itself refuses to change or remove audit entries."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_GUARDS if sqlite else POSTGRES_GUARDS:
        op.execute(statement)


def drop_audit_log_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
