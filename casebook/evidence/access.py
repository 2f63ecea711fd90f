"""Who may do what with evidence (docs/evidence-api.md, "Who may do what"). Everything not allowed
is NotFound, so that a refusal does not tell whether the thing exists.

Readers and writers are who the vault's verified log names (`vault_members`), and only within
the actor's scope: a reader whose attorney grant was revoked, or an organizer who left the
group, reads nothing, whatever the log still says. An admin is never a reader by being admin."""

from __future__ import annotations

import uuid

from sqlalchemy import Exists, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.errors import NotFound
from casebook.evidence.models import Attachment, Vault, VaultMember
from casebook.incidents.models import Incident


def coordinates(actor: Actor, group_id: uuid.UUID) -> bool:
    return actor.memberships.get(group_id) == "coordinator"


def _is(actor: Actor, role: str) -> Exists:
    """SQL: the actor has `role` in the vault of the attachment being queried."""
    return exists(
        select(1).where(
            VaultMember.vault_id == Attachment.vault_id,
            VaultMember.user_id == actor.user_id,
            VaultMember.role == role,
        )
    )


async def writable_incident(
    session: AsyncSession, actor: Actor, incident_id: uuid.UUID
) -> tuple[Incident, Vault]:
    """The incident and its group's vault, if the actor is a member of that group and a writer
    in the vault."""
    row = (
        await session.execute(
            select(Incident, Vault)
            .join(Vault, Vault.group_id == Incident.group_id)
            .join(VaultMember, VaultMember.vault_id == Vault.id)
            .where(
                Incident.id == incident_id,
                Incident.group_id.in_(actor.member_groups),
                VaultMember.user_id == actor.user_id,
                VaultMember.role == "writer",
            )
        )
    ).one_or_none()
    if row is None:
        raise NotFound("incident", incident_id)
    return row.Incident, row.Vault


async def own_upload(
    session: AsyncSession, actor: Actor, attachment_id: uuid.UUID, *, lock: bool = False
) -> Attachment:
    """An attachment the actor started, while they are still a member of the incident's group
    and a writer in its vault."""
    query = (
        select(Attachment)
        .join(Incident, Incident.id == Attachment.incident_id)
        .where(
            Attachment.id == attachment_id,
            Attachment.uploader_id == actor.user_id,
            Incident.group_id.in_(actor.member_groups),
            _is(actor, "writer"),
        )
    )
    if lock:
        query = query.with_for_update(of=Attachment).execution_options(populate_existing=True)
    attachment = await session.scalar(query)
    if attachment is None:
        raise NotFound("attachment", attachment_id)
    return attachment


async def readable_attachment(
    session: AsyncSession, actor: Actor, attachment_id: uuid.UUID
) -> Attachment:
    """A complete attachment of an incident the actor may read, in a vault that names them as
    a reader."""
    attachment = await session.scalar(
        select(Attachment)
        .join(Incident, Incident.id == Attachment.incident_id)
        .where(
            Attachment.id == attachment_id,
            Attachment.state == "complete",
            Incident.group_id.in_(actor.readable_groups),
            _is(actor, "reader"),
        )
    )
    if attachment is None:
        raise NotFound("attachment", attachment_id)
    return attachment
