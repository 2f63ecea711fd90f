"""Incidents of surveillance and retaliation, and what they are linked to."""

from __future__ import annotations

import uuid
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
        # Pattern reports (casebook.reports.queries): counts by group, place and day read in
        # index order, and a group's incidents walked in id order with what reports read.
        Index(
            "ix_incidents_report_cube",
            "group_id",
            "region",
            "country",
            "date_precision",
            "occurred_on",
        ),
        Index(
            "ix_incidents_report_walk", "group_id", "id", "region", "date_precision", "occurred_on"
        ),
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

    __mapper_args__ = {"version_id_col": version}
