"""Claims: an attorney's First Amendment retaliation matter built from the record.

A claim names its claimants (people, groups), the protected activities and the incidents
(adverse actions) it rests on, the attorney's element notes on each adverse action, the
exhibits in their order, and notes. Only the attorneys on a claim see any of it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, IdMixin, utcnow

LABEL_STYLES = ("letters", "bates")
SEVERITIES = ("unrated", "minor", "moderate", "serious", "severe")
LAWFUL_BASIS = ("unknown", "yes", "no")


def _claim_link(name: str, column: str, target: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("claim_id", ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(target, ondelete="CASCADE"), primary_key=True, index=True),
    )


claim_attorneys = _claim_link("claim_attorneys", "user_id", "users.id")
claim_people = _claim_link("claim_people", "person_id", "people.id")
claim_groups = _claim_link("claim_groups", "group_id", "groups.id")
claim_activities = _claim_link("claim_activities", "activity_id", "protected_activities.id")


class Claim(IdMixin, Base):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint("label_style IN ('letters', 'bates')", name="label_style"),
        CheckConstraint("bates_start >= 1", name="bates_start"),
    )

    title: Mapped[str] = mapped_column(String(200))
    label_style: Mapped[str] = mapped_column(String(7), default="letters")
    bates_prefix: Mapped[str] = mapped_column(String(20), default="")
    bates_start: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ClaimAction(Base):
    """An incident the claim treats as an adverse action, with the element matrix's notes."""

    __tablename__ = "claim_actions"
    __table_args__ = (
        CheckConstraint(
            "severity IN ('unrated', 'minor', 'moderate', 'serious', 'severe')", name="severity"
        ),
        CheckConstraint("lawful_basis IN ('unknown', 'yes', 'no')", name="lawful_basis"),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # None: the latest protected activity of the claim on or before the action.
    answers_activity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("protected_activities.id", ondelete="SET NULL")
    )
    severity: Mapped[str] = mapped_column(String(8), default="unrated")
    animus: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    departures: Mapped[list[str]] = mapped_column(JSON, default=list)
    comparators: Mapped[list[str]] = mapped_column(JSON, default=list)
    lawful_basis: Mapped[str] = mapped_column(String(7), default="unknown")
    lawful_basis_notes: Mapped[str] = mapped_column(Text, default="")


class ClaimExhibit(Base):
    __tablename__ = "claim_exhibits"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    attachment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")


class ClaimNote(IdMixin, Base):
    __tablename__ = "claim_notes"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
