"""Evidence in the access matrix's world (tests/access/scene.py): group A's vault (the organizer
of A coordinates it and writes; the organizer and the granted attorney read), a complete
attachment on A's incident and a pending one with its content uploaded, plus sample bodies."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx

from casebook.access.actor import load_actor
from casebook.db import transaction, utcnow
from casebook.evidence import vaults
from casebook.evidence.models import Attachment
from tests.access.scene import ATTORNEY_GRANTED, ORGANIZER_OWN, Scene
from tests.evidence.builders import Member, VaultMaker

VAULT = "/api/v1/groups/{group_id:uuid}/vault"
CONTENT = "/api/v1/attachments/{attachment_id:uuid}/content"
COMPLETE = "/api/v1/attachments/{attachment_id:uuid}/complete"
UPLOAD_BODY = {"ciphertext": "not really, but the server cannot tell"}
#: What the matrix's client sends for UPLOAD_BODY, byte for byte.
UPLOAD_BYTES = httpx.Request("PUT", "https://casebook.test", json=UPLOAD_BODY).content


async def add_evidence(scene: Scene, route: tuple[str, str]) -> None:
    """Everything but for the route that creates the vault, which needs a group without one.
    Routes that act on an upload in progress get the pending attachment."""
    if route == ("POST", VAULT):
        return
    organizer = Member.of(scene.accounts[ORGANIZER_OWN])
    attorney = Member.of(scene.accounts[ATTORNEY_GRANTED])
    maker, body = VaultMaker.new(
        scene.group_a.id, readers=[organizer, attorney], writers=[organizer]
    )
    runtime = scene.runtime
    async with transaction(runtime.sessions) as session:
        actor = await load_actor(session, organizer.account.user, runtime.policies)
        await vaults.create_vault(
            session,
            actor,
            scene.group_a.id,
            uuid.UUID(maker.vault_id),
            body["genesis"],
            body["generation"],
        )
    complete = await _attachment(scene, maker, b"ciphertext", done=True)
    pending = await _attachment(scene, maker, UPLOAD_BYTES, done=False)
    scene.extra.update(
        vault=maker,
        complete_attachment=complete,
        attachment_id=pending
        if route[1] in (CONTENT, COMPLETE) and route[0] != "GET"
        else complete,
    )


async def _attachment(scene: Scene, maker: VaultMaker, content: bytes, *, done: bool) -> uuid.UUID:
    async def chunks() -> AsyncIterator[bytes]:
        yield content

    stored = await scene.runtime.blobs.write(chunks(), max_bytes=len(content))
    attachment = Attachment(
        incident_id=scene.incident_id,
        vault_id=uuid.UUID(maker.vault_id),
        generation=1,
        ciphertext_size=len(content),
        uploader_id=scene.accounts[ORGANIZER_OWN].id,
        blob_name=stored.name,
        state="complete" if done else "pending",
        envelope="AAAA" if done else None,
        manifest="AAAA" if done else None,
        completed_at=utcnow() if done else None,
    )
    async with transaction(scene.runtime.sessions) as session:
        session.add(attachment)
    return attachment.id


async def vault_body(scene: Scene) -> dict[str, Any]:
    _, body = VaultMaker.new(scene.group_a.id, readers=[Member.of(scene.accounts[ORGANIZER_OWN])])
    return body


async def log_body(scene: Scene) -> dict[str, Any]:
    maker: VaultMaker = scene.extra["vault"]  # type: ignore[assignment]
    entry = maker.fork().add_writer(Member.of(scene.spare_member).identity)
    return {"entries": [entry.to_json()]}


async def start_body(scene: Scene) -> dict[str, Any]:
    return {"ciphertext_size": 100, "generation": 1}


async def upload_body(scene: Scene) -> dict[str, Any]:
    return UPLOAD_BODY


async def complete_body(scene: Scene) -> dict[str, Any]:
    return {"envelope": "AAAA", "manifest": "AAAA"}
