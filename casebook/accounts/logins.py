"""Ending an account's logins: every browser session and API token but the one in use."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts.models import ApiToken, LoginSession
from casebook.accounts.tokens import digest
from casebook.db import utcnow


async def revoke_other_logins(
    session: AsyncSession, user_id: uuid.UUID, current_secret: str | None
) -> None:
    """Revoke the user's open sessions and API tokens except the one whose secret is
    `current_secret` (the token or session cookie of the request making the change)."""
    keep = digest(current_secret) if current_secret else ""
    now = utcnow()
    for table in (LoginSession, ApiToken):
        await session.execute(
            update(table)
            .where(
                table.user_id == user_id,
                table.revoked_at.is_(None),
                table.token_hash != keep,
            )
            .values(revoked_at=now)
        )
