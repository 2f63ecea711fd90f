"""Protected activity: what a person or group did that the First Amendment protects."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, IdMixin, utcnow

activity_people = Table(
    "activity_people",
    Base.metadata,
    Column(
        "activity_id", ForeignKey("protected_activities.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)

activity_groups = Table(
    "activity_groups",
    Base.metadata,
    Column(
        "activity_id", ForeignKey("protected_activities.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ProtectedActivity(IdMixin, Base):
    __tablename__ = "protected_activities"

    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    public_url: Mapped[str | None] = mapped_column(String(2000))
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
