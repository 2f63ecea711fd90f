"""HTTP routes for vaults and encrypted attachments (docs/evidence-api.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from casebook.evidence import attachments, uploads, vaults
from casebook.evidence.models import Attachment
from casebook.http.dependencies import CurrentActor, CurrentRuntime, Db
from casebook.http.schemas import Input, Output

JsonObject = dict[str, Any]
Entries = Annotated[list[JsonObject], msgspec.Meta(min_length=1, max_length=100)]
Generations = Annotated[list[JsonObject], msgspec.Meta(max_length=10)]
B64 = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=1_000_000,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="URL-safe base64 without padding",
    ),
]
CiphertextSize = Annotated[int, msgspec.Meta(ge=1, le=2**53)]
GenerationNumber = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class VaultInput(Input, kw_only=True):
    vault_id: uuid.UUID
    genesis: JsonObject
    generation: JsonObject


class AppendInput(Input, kw_only=True):
    entries: Entries
    generations: Generations = msgspec.field(default_factory=list)


class VaultOut(Output, kw_only=True):
    vault_id: uuid.UUID
    group_id: uuid.UUID
    log: list[JsonObject]
    generations: list[JsonObject]

    @classmethod
    def of(cls, view: vaults.VaultView) -> VaultOut:
        return cls(
            vault_id=view.vault_id,
            group_id=view.group_id,
            log=view.log,
            generations=view.generations,
        )


class StartInput(Input, kw_only=True):
    ciphertext_size: CiphertextSize
    generation: GenerationNumber


class CompleteInput(Input, kw_only=True):
    envelope: B64
    manifest: B64


class AttachmentOut(Output, kw_only=True):
    id: uuid.UUID
    incident_id: uuid.UUID
    vault_id: uuid.UUID
    generation: int
    ciphertext_size: int
    uploader_id: uuid.UUID
    created_at: datetime
    completed_at: datetime | None
    state: str

    @classmethod
    def fields_of(cls, attachment: Attachment) -> dict[str, Any]:
        return {
            "id": attachment.id,
            "incident_id": attachment.incident_id,
            "vault_id": attachment.vault_id,
            "generation": attachment.generation,
            "ciphertext_size": attachment.ciphertext_size,
            "uploader_id": attachment.uploader_id,
            "created_at": attachment.created_at,
            "completed_at": attachment.completed_at,
            "state": attachment.state,
        }

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentOut:
        return cls(**cls.fields_of(attachment))


class AttachmentDetail(AttachmentOut, kw_only=True):
    envelope: str | None
    manifest: str | None

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentDetail:
        return cls(
            **cls.fields_of(attachment), envelope=attachment.envelope, manifest=attachment.manifest
        )


class AttachmentList(Output, kw_only=True):
    items: list[AttachmentOut]


VAULT = "/api/v1/groups/{group_id:uuid}/vault"
ATTACHMENT = "/api/v1/attachments/{attachment_id:uuid}"


@get(VAULT, tags=["evidence"], opt={"permission": "vault.read"})
async def show_vault(group_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> VaultOut:
    return VaultOut.of(await vaults.read_vault(db, actor, group_id))


@post(VAULT, tags=["evidence"], opt={"permission": "vault.manage"})
async def create_vault(
    group_id: FromPath[uuid.UUID], data: JSONBody[VaultInput], db: Db, actor: CurrentActor
) -> VaultOut:
    view = await vaults.create_vault(
        db, actor, group_id, data.vault_id, data.genesis, data.generation
    )
    return VaultOut.of(view)


@post(VAULT + "/log", tags=["evidence"], opt={"permission": "vault.manage"}, status_code=200)
async def append_to_log(
    group_id: FromPath[uuid.UUID], data: JSONBody[AppendInput], db: Db, actor: CurrentActor
) -> VaultOut:
    view = await vaults.append(db, actor, group_id, data.entries, data.generations)
    return VaultOut.of(view)


@post(
    "/api/v1/incidents/{incident_id:uuid}/attachments",
    tags=["evidence"],
    opt={"permission": "evidence.write"},
)
async def start_attachment(
    incident_id: FromPath[uuid.UUID],
    data: JSONBody[StartInput],
    db: Db,
    actor: CurrentActor,
    runtime: CurrentRuntime,
) -> AttachmentOut:
    attachment = await attachments.start(
        db,
        runtime,
        actor,
        incident_id,
        ciphertext_size=data.ciphertext_size,
        generation=data.generation,
    )
    return AttachmentOut.of(attachment)


@get(
    "/api/v1/incidents/{incident_id:uuid}/attachments",
    tags=["evidence"],
    opt={"permission": "evidence.read"},
)
async def list_attachments(
    incident_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor
) -> AttachmentList:
    found = await attachments.list_for_incident(db, actor, incident_id)
    return AttachmentList(items=[AttachmentOut.of(a) for a in found])


@get(ATTACHMENT, tags=["evidence"], opt={"permission": "evidence.read"})
async def show_attachment(
    attachment_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor
) -> AttachmentDetail:
    return AttachmentDetail.of(await attachments.read(db, actor, attachment_id))


async def keep_body_unread(request: Request[Any, Any, Any]) -> None:
    """Replaces the app's NUL check, which reads the whole body: ciphertext is binary, and it
    must stream."""


@put(
    ATTACHMENT + "/content",
    tags=["evidence"],
    summary="Upload the ciphertext: application/octet-stream, streamed, with Content-Length",
    opt={"permission": "evidence.write"},
    status_code=204,
    before_request=keep_body_unread,
    # The limit is the attachment's declared size (at most CASEBOOK_MAX_ATTACHMENT_BYTES),
    # enforced from Content-Length before reading and by the blob store while streaming.
    request_max_body_size=None,
)
async def upload_content(
    attachment_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    runtime: CurrentRuntime,
) -> None:
    await uploads.upload(
        runtime, actor, attachment_id, _content_length(request), uploads.body_of(request)
    )


@post(
    ATTACHMENT + "/complete",
    tags=["evidence"],
    opt={"permission": "evidence.write"},
    status_code=200,
)
async def complete_attachment(
    attachment_id: FromPath[uuid.UUID], data: JSONBody[CompleteInput], db: Db, actor: CurrentActor
) -> AttachmentOut:
    attachment = await attachments.complete(
        db, actor, attachment_id, envelope=data.envelope, manifest=data.manifest
    )
    return AttachmentOut.of(attachment)


@get(
    ATTACHMENT + "/content",
    tags=["evidence"],
    summary="Download the ciphertext: application/octet-stream, streamed",
    opt={"permission": "evidence.read"},
)
async def download_content(
    attachment_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor, runtime: CurrentRuntime
) -> Stream:
    attachment, chunks = await attachments.open_content(db, runtime, actor, attachment_id)
    return Stream(
        chunks,
        media_type="application/octet-stream",
        headers={"Content-Length": str(attachment.ciphertext_size)},
    )


def _content_length(request: Request[Any, Any, Any]) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


ROUTES = [
    show_vault,
    create_vault,
    append_to_log,
    start_attachment,
    list_attachments,
    show_attachment,
    upload_content,
    complete_attachment,
    download_content,
]
