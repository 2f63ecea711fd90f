"""Incidents of surveillance and retaliation, and what they are linked to."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, IdMixin, utcnow

DATE_PRECISIONS = ("day", "month", "year")

incident_tactics = Table(
    "incident_tactics",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("tactic_id", String(60), primary_key=True),
    Index("ix_incident_tactics_tactic", "tactic_id", "incident_id"),
)

incident_agencies = Table(
    "incident_agencies",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", String(60), primary_key=True),
    Index("ix_incident_agencies_agency", "agency_id", "incident_id"),
)

incident_people = Table(
    "incident_people",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(40), nullable=False),
    Index("ix_incident_people_person", "person_id", "incident_id"),
)

incident_groups = Table(
    "incident_groups",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)

incident_activities = Table(
    "incident_activities",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "activity_id",
        ForeignKey("protected_activities.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Incident(IdMixin, Base):
    """`group_id` is the group whose organizers keep the record: it decides who may see it."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("date_precision IN ('day', 'month', 'year')", name="date_precision"),
        Index("ix_incidents_group_occurred", "group_id", "occurred_on", "id"),
        Index("ix_incidents_occurred", "occurred_on", "id"),
        Index("ix_incidents_region", "region", "occurred_on"),
        # Pattern reports (casebook.reports.queries) read these groupings in index order. None
        # leads with group_id: SQLite would take it for an incident list over several groups,
        # which needs ix_incidents_group_occurred to stop after a page.
        Index(
            "ix_incidents_report_cube",
            "region",
            "group_id",
            "country",
            "date_precision",
            "occurred_on",
        ),
        # SQLite only: PostgreSQL groups by hashing, and would refuse entries this long.
        Index(
            "ix_incidents_report_links",
            "region",
            "group_id",
            "linked_tactics",
            "linked_agencies",
            "occurred_on",
        ).ddl_if(dialect="sqlite"),
        Index(
            "ix_incidents_report_people",
            "linked_people",
            "linked_tactics",
            "occurred_on",
            "group_id",
        ).ddl_if(dialect="sqlite"),
        Index(
            "ix_incidents_report_dated",
            "date_precision",
            "linked_groups",
            "linked_people",
            "occurred_on",
            "group_id",
        ).ddl_if(dialect="sqlite"),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="RESTRICT"))
    occurred_on: Mapped[date]
    date_precision: Mapped[str] = mapped_column(String(5), default="day")
    occurred_time: Mapped[time | None]
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="US")
    narrative: Mapped[str] = mapped_column(Text, default="")
    source_kind: Mapped[str] = mapped_column(String(40))
    verification_status: Mapped[str] = mapped_column(String(40))
    workflow_status: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # The incident's links as `link_list` writes them, for reports, which then read one row per
    # incident. Whoever inserts links writes these too; triggers on the link tables (migration
    # 6faac2813c7d) keep them when links are changed or removed, cascades included.
    linked_tactics: Mapped[str] = mapped_column(Text, server_default="", deferred=True)
    linked_agencies: Mapped[str] = mapped_column(Text, server_default="", deferred=True)
    linked_people: Mapped[str] = mapped_column(Text, server_default="", deferred=True)
    linked_groups: Mapped[str] = mapped_column(Text, server_default="", deferred=True)

    __mapper_args__ = {"version_id_col": version}


LINK_LIST_SEPARATOR = ","


def link_list(values: Iterable[str | uuid.UUID]) -> str:
    """What an incident's link list holds for `values`, exactly as the triggers write it: ids
    as 32 hex digits, sorted bytewise, comma-separated (no id or vocabulary id holds a comma),
    empty for none."""
    return LINK_LIST_SEPARATOR.join(
        sorted(value.hex if isinstance(value, uuid.UUID) else value for value in values)
    )
