"""Attachments over HTTP: writers upload in three steps, whoever reads the incident sees the list,
only the vault's readers (within their scope) get the envelope, manifest and ciphertext, and the
client can open what it downloads."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casebook.audit.models import AuditEvent
from casebook.crypto.attachment import decrypt_to_file
from casebook.crypto.envelope import open_file_key
from casebook.crypto.manifest import open_manifest
from casebook.db import transaction, utcnow
from casebook.encoding import b64decode
from casebook.evidence.models import Attachment
from casebook.groups.models import Grant, Group
from casebook.runtime import Runtime
from tests.conftest import World
from tests.evidence.builders import Client, Member, VaultMaker, upload, vault_path

ATTACHMENTS = "/api/v1/attachments"


@dataclass
class Cast:
    group: Group
    coordinator: Member  # reader, not a writer
    organizer: Member  # writer, not a reader
    other_writer: Member
    attorney: Member  # granted, reader
    ungranted: Member  # a reader in the log whose group never granted them
    maker: VaultMaker
    incident_id: str

    def attachments_of(self, incident_id: object = None) -> str:
        return f"/api/v1/incidents/{incident_id or self.incident_id}/attachments"


@pytest.fixture
async def cast(client: Client, world: World) -> Cast:
    group = await world.group()
    coordinator = Member.of(await world.account("organizer", groups={group: "coordinator"}))
    organizer = Member.of(await world.account("organizer", groups={group: "member"}))
    other_writer = Member.of(await world.account("organizer", groups={group: "member"}))
    attorney = Member.of(await world.account("attorney"))
    await world.grant(group, attorney.account, coordinator.account)
    ungranted = Member.of(await world.account("attorney"))
    maker, body = VaultMaker.new(
        group.id,
        readers=[coordinator, attorney, ungranted],
        writers=[organizer, other_writer],
    )
    created = await client.post(
        vault_path(group.id), json=body, headers=coordinator.account.headers
    )
    assert created.status_code == 201, created.text
    incident = await client.post(
        "/api/v1/incidents",
        json={"group_id": str(group.id), "occurred_on": "2024-04-02", "tactics": ["stakeout"]},
        headers=organizer.account.headers,
    )
    assert incident.status_code == 201, incident.text
    return Cast(
        group,
        coordinator,
        organizer,
        other_writer,
        attorney,
        ungranted,
        maker,
        incident.json()["id"],
    )


async def start(client: Client, cast: Cast, size: int = 100, generation: int = 1) -> Any:
    return await client.post(
        cast.attachments_of(),
        json={"ciphertext_size": size, "generation": generation},
        headers=cast.organizer.account.headers,
    )


async def put_content(client: Client, member: Member, attachment_id: str, data: bytes) -> Any:
    return await client.put(
        f"{ATTACHMENTS}/{attachment_id}/content",
        content=data,
        headers={**member.account.headers, "Content-Type": "application/octet-stream"},
    )


def blob_files(runtime: Runtime) -> list[Path]:
    return sorted(p for p in runtime.settings.blob_dir.rglob("*") if p.is_file())


# --- the whole round trip ---------------------------------------------------------------------


async def test_a_writer_uploads_and_a_reader_opens_it(
    client: Client, cast: Cast, tmp_path: Path
) -> None:
    plaintext = b"photo of the unmarked van, plate visible" * 100
    attachment, sealed = await upload(
        client, cast.organizer, cast.incident_id, cast.maker, plaintext
    )
    assert attachment["state"] == "complete"
    assert attachment["uploader_id"] == cast.organizer.user_id
    assert attachment["completed_at"] is not None

    detail = await client.get(
        f"{ATTACHMENTS}/{attachment['id']}", headers=cast.attorney.account.headers
    )
    assert detail.status_code == 200, detail.text
    assert detail.json()["envelope"] == sealed.envelope
    assert detail.json()["manifest"] == sealed.manifest
    content = await client.get(
        f"{ATTACHMENTS}/{attachment['id']}/content", headers=cast.attorney.account.headers
    )
    assert content.status_code == 200, content.text
    assert content.headers["content-type"] == "application/octet-stream"
    assert content.headers["content-length"] == str(len(sealed.ciphertext))
    assert content.content == sealed.ciphertext

    ids = {
        "attachment_id": uuid.UUID(attachment["id"]),
        "vault_id": uuid.UUID(attachment["vault_id"]),
        "generation": attachment["generation"],
    }
    file_key = open_file_key(
        b64decode(detail.json()["envelope"]), cast.maker.current.private_key, **ids
    )
    manifest = open_manifest(
        b64decode(detail.json()["manifest"]),
        file_key=file_key,
        expected_signing_key=bytes(cast.organizer.bundle.signing_key.verify_key),
        **ids,
    )
    decrypt_to_file(io.BytesIO(content.content), tmp_path / "out", file_key=file_key, **ids)
    assert (tmp_path / "out").read_bytes() == plaintext
    assert manifest.size == len(plaintext)


async def test_whoever_reads_the_incident_lists_complete_attachments_oldest_first(
    client: Client, cast: Cast
) -> None:
    first, _ = await upload(client, cast.organizer, cast.incident_id, cast.maker)
    second, _ = await upload(client, cast.other_writer, cast.incident_id, cast.maker)
    pending = (await start(client, cast)).json()
    for member in (cast.coordinator, cast.organizer, cast.attorney):
        response = await client.get(cast.attachments_of(), headers=member.account.headers)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [item["id"] for item in items] == [first["id"], second["id"]]
        assert set(items[0]) == {
            "id",
            "incident_id",
            "vault_id",
            "generation",
            "ciphertext_size",
            "uploader_id",
            "created_at",
            "completed_at",
            "state",
        }
        assert pending["id"] not in response.text


# --- who may do what ---------------------------------------------------------------------------


async def test_only_writers_who_are_members_start_uploads(client: Client, cast: Cast) -> None:
    for member in (cast.coordinator, cast.attorney, cast.ungranted):
        response = await client.post(
            cast.attachments_of(),
            json={"ciphertext_size": 100, "generation": 1},
            headers=member.account.headers,
        )
        assert response.status_code == 404, (member, response.text)


async def test_writers_who_are_not_readers_cannot_read(client: Client, cast: Cast) -> None:
    attachment, _ = await upload(client, cast.organizer, cast.incident_id, cast.maker)
    for suffix in ("", "/content"):
        response = await client.get(
            f"{ATTACHMENTS}/{attachment['id']}{suffix}", headers=cast.organizer.account.headers
        )
        assert response.status_code == 404, response.text
        assert response.json() == {"status_code": 404, "detail": "Not found."}


async def test_readers_outside_the_scope_and_admins_get_nothing(
    client: Client, cast: Cast, world: World, runtime: Runtime
) -> None:
    attachment, _ = await upload(client, cast.organizer, cast.incident_id, cast.maker)
    admin = await world.account("admin")
    outsider = await world.account("organizer", groups={await world.group(): "coordinator"})
    async with transaction(runtime.sessions) as session:
        grant = await session.scalar(
            select(Grant).where(Grant.attorney_id == cast.attorney.account.id)
        )
        assert grant is not None
        grant.revoked_at = utcnow()
    for account in (cast.ungranted.account, cast.attorney.account, admin, outsider):
        for path in (
            f"{ATTACHMENTS}/{attachment['id']}",
            f"{ATTACHMENTS}/{attachment['id']}/content",
            cast.attachments_of(),
        ):
            response = await client.get(path, headers=account.headers)
            assert response.status_code == 404, (path, response.text)


async def test_pending_attachments_are_invisible(client: Client, cast: Cast) -> None:
    attachment = (await start(client, cast, size=5)).json()
    assert attachment["state"] == "pending"
    assert (
        await put_content(client, cast.organizer, attachment["id"], b"12345")
    ).status_code == 204
    for path in (f"{ATTACHMENTS}/{attachment['id']}", f"{ATTACHMENTS}/{attachment['id']}/content"):
        response = await client.get(path, headers=cast.coordinator.account.headers)
        assert response.status_code == 404, response.text
    listed = await client.get(cast.attachments_of(), headers=cast.coordinator.account.headers)
    assert listed.json() == {"items": []}


async def test_only_the_uploader_uploads_and_completes(client: Client, cast: Cast) -> None:
    attachment = (await start(client, cast, size=5)).json()
    for member in (cast.other_writer, cast.coordinator):
        put = await put_content(client, member, attachment["id"], b"12345")
        assert put.status_code == 404, put.text
        done = await client.post(
            f"{ATTACHMENTS}/{attachment['id']}/complete",
            json={"envelope": "AAAA", "manifest": "AAAA"},
            headers=member.account.headers,
        )
        assert done.status_code == 404, done.text


# --- the steps' own rules ---------------------------------------------------------------------


async def test_completing_before_uploading_is_refused(client: Client, cast: Cast) -> None:
    attachment = (await start(client, cast)).json()
    response = await client.post(
        f"{ATTACHMENTS}/{attachment['id']}/complete",
        json={"envelope": "AAAA", "manifest": "AAAA"},
        headers=cast.organizer.account.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "content", "message": "upload the ciphertext first"}
    ]


async def test_a_complete_attachment_takes_no_more_content(client: Client, cast: Cast) -> None:
    attachment, sealed = await upload(client, cast.organizer, cast.incident_id, cast.maker)
    again = await put_content(client, cast.organizer, attachment["id"], sealed.ciphertext)
    assert again.status_code == 409, again.text
    assert again.json()["state"] == "complete"


@pytest.mark.parametrize("value", ["not base64!", "AAAAA", "AB=="])
async def test_envelope_and_manifest_must_be_base64(client: Client, cast: Cast, value: str) -> None:
    attachment = (await start(client, cast, size=3)).json()
    await put_content(client, cast.organizer, attachment["id"], b"abc")
    response = await client.post(
        f"{ATTACHMENTS}/{attachment['id']}/complete",
        json={"envelope": value, "manifest": "AAAA"},
        headers=cast.organizer.account.headers,
    )
    assert response.status_code in (400, 422), response.text


async def test_sizes_must_be_positive_and_within_the_limit(client: Client, cast: Cast) -> None:
    for size, status in ((0, 400), (9 * 1024**3, 422)):
        response = await start(client, cast, size=size)
        assert response.status_code == status, response.text


async def test_a_stale_generation_is_a_conflict(client: Client, cast: Cast) -> None:
    before = (await start(client, cast, size=3)).json()
    await put_content(client, cast.organizer, before["id"], b"abc")
    rotated = await client.post(
        vault_path(cast.group.id) + "/log",
        json=cast.maker.remove_reader(cast.ungranted.user_id),
        headers=cast.coordinator.account.headers,
    )
    assert rotated.status_code == 200, rotated.text

    response = await start(client, cast, generation=1)
    assert response.status_code == 409, response.text
    assert response.json()["current_generation"] == 2
    done = await client.post(
        f"{ATTACHMENTS}/{before['id']}/complete",
        json={"envelope": "AAAA", "manifest": "AAAA"},
        headers=cast.organizer.account.headers,
    )
    assert done.status_code == 409, "evidence is never completed for a superseded generation"
    assert done.json()["current_generation"] == 2
    assert (await start(client, cast, generation=2)).status_code == 201


# --- the upload itself ------------------------------------------------------------------------


async def test_an_oversize_body_is_refused_before_it_is_read(
    client: Client, cast: Cast, runtime: Runtime
) -> None:
    attachment = (await start(client, cast, size=10)).json()
    response = await put_content(client, cast.organizer, attachment["id"], b"x" * 11)
    assert response.status_code == 413, response.text
    short = await put_content(client, cast.organizer, attachment["id"], b"x" * 9)
    assert short.status_code == 400, short.text
    assert blob_files(runtime) == []


async def test_a_second_upload_replaces_the_first(
    client: Client, cast: Cast, runtime: Runtime
) -> None:
    attachment = (await start(client, cast, size=4)).json()
    assert (await put_content(client, cast.organizer, attachment["id"], b"aaaa")).status_code == 204
    assert (await put_content(client, cast.organizer, attachment["id"], b"bbbb")).status_code == 204
    [blob] = blob_files(runtime)
    assert blob.read_bytes() == b"bbbb"
    async with transaction(runtime.sessions) as session:
        stored = await session.get(Attachment, uuid.UUID(attachment["id"]))
        assert stored is not None
        assert stored.blob_name == blob.name


async def test_evidence_reads_and_writes_are_audited_without_contents(
    client: Client, cast: Cast, runtime: Runtime
) -> None:
    attachment, sealed = await upload(client, cast.organizer, cast.incident_id, cast.maker)
    await client.get(cast.attachments_of(), headers=cast.attorney.account.headers)
    await client.get(f"{ATTACHMENTS}/{attachment['id']}", headers=cast.attorney.account.headers)
    await client.get(
        f"{ATTACHMENTS}/{attachment['id']}/content", headers=cast.attorney.account.headers
    )
    async with transaction(runtime.sessions) as session:
        events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    evidence = [(e.action, e.target_id) for e in events if e.action.startswith("evidence.")]
    assert evidence == [
        ("evidence.start", attachment["id"]),
        ("evidence.upload", attachment["id"]),
        ("evidence.complete", attachment["id"]),
        ("evidence.list", cast.incident_id),
        ("evidence.read", attachment["id"]),
        ("evidence.download", attachment["id"]),
    ]
    recorded = json.dumps([e.details for e in events])
    assert sealed.envelope not in recorded
    assert sealed.manifest not in recorded
