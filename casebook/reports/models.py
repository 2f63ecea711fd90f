"""Releases: every pattern report or export handed out, with its parameters. For the roles
the disclosure policy covers, the privacy loss each release spent is the ledger their
budget is checked against."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, IdMixin, utcnow

RELEASE_FORMATS = ("page", "html", "pdf", "csv", "json")


class Release(IdMixin, Base):
    __tablename__ = "report_releases"
    __table_args__ = (
        CheckConstraint("format IN ('page', 'html', 'pdf', 'csv', 'json')", name="format"),
        CheckConstraint("epsilon IS NULL OR epsilon > 0", name="epsilon"),
        Index("ix_report_releases_user_released", "user_id", "released_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    report: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(8))
    disclosed: Mapped[bool]
    parameters: Mapped[str] = mapped_column(Text)
    """JSON: the filters asked for and the tables released."""
    epsilon: Mapped[float | None]
    """Privacy loss spent on noisy counts; None when the counts were exact."""
