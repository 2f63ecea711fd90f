"""A constructed retaliation case for the claims tests, logged through the API by an organizer
of the Salish Sea group, with evidence rows standing in for uploaded attachments."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from casebook.db import transaction, utcnow
from casebook.evidence.models import Attachment, Vault
from casebook.groups.models import Group
from casebook.runtime import Runtime
from tests.conftest import Account, World


@dataclass
class Case:
    group: Group
    other_group: Group
    organizer: Account
    attorney: Account
    colleague: Account
    outsider: Account
    person: str
    protest: str
    testimony: str
    early_visit: str
    followed: str
    arrested: str
    other_incident: str
    photo: str
    video: str


async def created(client: Any, account: Account, path: str, body: dict[str, Any]) -> str:
    response = await client.post(path, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def incident(
    client: Any, account: Account, group: Group, on: str, person: str | None, **extra: Any
) -> str:
    body = {
        "group_id": str(group.id),
        "occurred_on": on,
        "city": "Seattle",
        "region": "Washington",
        "tactics": ["physical-following"],
        "agencies": ["ice-ero"],
        "people": [{"person_id": person, "role": "target"}] if person else [],
        "narrative": f"Incident of {on}.",
        **extra,
    }
    return await created(client, account, "/api/v1/incidents", body)


async def activity(
    client: Any, account: Account, group: Group, on: str, person: str, title: str
) -> str:
    body = {
        "kind": "protest",
        "occurred_on": on,
        "title": title,
        "group_ids": [str(group.id)],
        "person_ids": [person],
    }
    return await created(client, account, "/api/v1/activities", body)


def complete_attachment(
    incident_id: uuid.UUID, vault_id: uuid.UUID, uploader_id: uuid.UUID
) -> Attachment:
    """A complete attachment row, as if its group had uploaded it: claims only order evidence,
    they never open it."""
    return Attachment(
        incident_id=incident_id,
        vault_id=vault_id,
        generation=1,
        ciphertext_size=4096,
        uploader_id=uploader_id,
        blob_name=secrets.token_hex(16),
        envelope="e",
        manifest="m",
        state="complete",
        completed_at=utcnow(),
    )


async def evidence(runtime: Runtime, group: Group, incident_id: str, uploader: Account) -> str:
    async with transaction(runtime.sessions) as session:
        if await session.get(Vault, group.id) is None:
            session.add(Vault(id=group.id, group_id=group.id))
            await session.flush()
        attachment = complete_attachment(uuid.UUID(incident_id), group.id, uploader.id)
        session.add(attachment)
    return str(attachment.id)


async def build_case(client: Any, world: World) -> Case:
    group = await world.group("Salish Sea Organizing")
    other = await world.group("Rose City Rapid Response", region="Oregon")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    other_organizer = await world.account("organizer", groups={other: "coordinator"})
    attorney = await world.account("attorney")
    colleague = await world.account("attorney")
    outsider = await world.account("attorney")
    for lawyer in (attorney, colleague):
        await world.grant(group, lawyer, organizer)
    await world.grant(other, outsider, other_organizer)
    person = await created(
        client, organizer, "/api/v1/people", {"alias": "Rosa", "group_ids": [str(group.id)]}
    )
    followed = await incident(client, organizer, group, "2024-03-14", person)
    arrested = await incident(
        client, organizer, group, "2024-04-10", person, tactics=["arrest-at-protest-or-press-event"]
    )
    case = Case(
        group=group,
        other_group=other,
        organizer=organizer,
        attorney=attorney,
        colleague=colleague,
        outsider=outsider,
        person=person,
        protest=await activity(client, organizer, group, "2024-03-01", person, "March rally"),
        testimony=await activity(
            client, organizer, group, "2024-04-10", person, "Testimony to the council"
        ),
        early_visit=await incident(client, organizer, group, "2024-02-01", person),
        followed=followed,
        arrested=arrested,
        other_incident=await incident(client, other_organizer, other, "2024-03-20", None),
        photo=await evidence(world.runtime, group, followed, organizer),
        video=await evidence(world.runtime, group, arrested, organizer),
    )
    return case
