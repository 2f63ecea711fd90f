"""Incident link lists: each incident's tactics, agencies, people and groups, comma-separated
and sorted bytewise (ids as 32 hex digits), on the incident itself, so that a pattern report
reads one row per incident instead of looking every incident up in four link tables.

Whoever inserts links writes the lists too (the incidents service; the demo loaders, with the
incidents): a trigger on every inserted link would make a bulk load of a million incidents take
a third longer. Triggers keep the lists true when links are removed or changed, cascades from a
deleted person or group included. Existing incidents are listed here.

On SQLite three covering indexes over the lists give the report's groupings in index order,
and the walk index they make useless goes. PostgreSQL groups by hashing, and would refuse index
entries as long as a list of two hundred people.

Revision ID: 6faac2813c7d
Revises: c3d8e5f1a920
Create Date: 2026-11-22 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '6faac2813c7d'
down_revision: str | None = 'c3d8e5f1a920'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = (
    # link table, linked value, list column on incidents, whether the values are ids
    ('incident_tactics', 'tactic_id', 'linked_tactics', False),
    ('incident_agencies', 'agency_id', 'linked_agencies', False),
    ('incident_people', 'person_id', 'linked_people', True),
    ('incident_groups', 'group_id', 'linked_groups', True),
)

# None leads with group_id: SQLite would take such an index for an incident list over several
# groups, which needs ix_incidents_group_occurred to stop after a page (seconds, not a
# millisecond, at a million incidents). The cube index is remade for that reason.
REPORT_INDEXES = {
    'ix_incidents_report_links': [
        'region', 'group_id', 'linked_tactics', 'linked_agencies', 'occurred_on'
    ],
    'ix_incidents_report_people': [
        'linked_people', 'linked_tactics', 'occurred_on', 'group_id'
    ],
    'ix_incidents_report_dated': [
        'date_precision', 'linked_groups', 'linked_people', 'occurred_on', 'group_id'
    ],
}

WALK_INDEX = ['group_id', 'id', 'region', 'date_precision', 'occurred_on']
CUBE_INDEX = ['region', 'group_id', 'country', 'date_precision', 'occurred_on']
OLD_CUBE_INDEX = ['group_id', 'region', 'country', 'date_precision', 'occurred_on']


def sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def listed(value: str, is_id: bool) -> str:
    """A value as the lists hold it: ids as 32 hex digits (as SQLite stores them), sorted
    bytewise on both databases."""
    if sqlite():
        return value
    return f"replace({value}::text, '-', '') COLLATE \"C\"" if is_id else f'{value} COLLATE "C"'


def listing(table: str, value: str, is_id: bool) -> str:
    """The sorted list of the values `table` links to the incident being updated."""
    if sqlite():
        ordered = f'SELECT {value} FROM {table} WHERE incident_id = incidents.id ORDER BY {value}'
        return f"coalesce((SELECT group_concat({value}, ',') FROM ({ordered})), '')"
    item = listed(value, is_id)
    return (
        f"coalesce((SELECT string_agg({item}, ',' ORDER BY {item}) FROM {table}"
        " WHERE incident_id = incidents.id), '')"
    )


def relist(table: str, value: str, column: str, is_id: bool, which: str) -> str:
    """The UPDATE that lists again the incidents `which` picks."""
    return f'UPDATE incidents SET {column} = {listing(table, value, is_id)} WHERE {which}'


def create_sqlite_triggers(table: str, value: str, column: str, is_id: bool) -> None:
    for event, rows in (('DELETE', ['OLD']), ('UPDATE', ['OLD', 'NEW'])):
        updates = ' '.join(
            relist(table, value, column, is_id, f'id = {row}.incident_id') + ';' for row in rows
        )
        op.execute(
            f'CREATE TRIGGER {table}_relist_{event.lower()} AFTER {event} ON {table}'
            f' BEGIN {updates} END'
        )


def create_postgres_trigger(table: str, value: str, column: str, is_id: bool) -> None:
    # NEW is NULL in a DELETE trigger: IN skips the NULL.
    update = relist(table, value, column, is_id, 'id IN (NEW.incident_id, OLD.incident_id)')
    op.execute(
        f'CREATE FUNCTION {table}_relist() RETURNS trigger LANGUAGE plpgsql AS $$'
        f' BEGIN {update}; RETURN NULL; END $$'
    )
    op.execute(
        f'CREATE TRIGGER {table}_relist AFTER UPDATE OR DELETE ON {table}'
        f' FOR EACH ROW EXECUTE FUNCTION {table}_relist()'
    )


def upgrade() -> None:
    for _, _, column, _ in LINKS:
        op.add_column(
            'incidents', sa.Column(column, sa.Text(), server_default='', nullable=False)
        )
    lists = ', '.join(
        f'{column} = {listing(table, value, is_id)}' for table, value, column, is_id in LINKS
    )
    op.execute(f'UPDATE incidents SET {lists}')
    for link in LINKS:
        if sqlite():
            create_sqlite_triggers(*link)
        else:
            create_postgres_trigger(*link)
    if sqlite():
        for name, columns in REPORT_INDEXES.items():
            op.create_index(name, 'incidents', columns)
    op.drop_index('ix_incidents_report_walk', table_name='incidents')
    op.drop_index('ix_incidents_report_cube', table_name='incidents')
    op.create_index('ix_incidents_report_cube', 'incidents', CUBE_INDEX)


def downgrade() -> None:
    op.drop_index('ix_incidents_report_cube', table_name='incidents')
    op.create_index('ix_incidents_report_cube', 'incidents', OLD_CUBE_INDEX)
    op.create_index('ix_incidents_report_walk', 'incidents', WALK_INDEX)
    if sqlite():
        for name in REPORT_INDEXES:
            op.drop_index(name, table_name='incidents')
    for table, _, column, _ in LINKS:
        if sqlite():
            for event in ('delete', 'update'):
                op.execute(f'DROP TRIGGER {table}_relist_{event}')
        else:
            op.execute(f'DROP TRIGGER {table}_relist ON {table}')
            op.execute(f'DROP FUNCTION {table}_relist()')
        op.drop_column('incidents', column)
