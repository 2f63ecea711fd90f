"""Vaults, log entries and attachments made the way clients make them (the real client
cryptography in casebook.crypto), for the evidence route tests and the access matrix."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import nacl.signing
from litestar import Litestar
from litestar.testing import AsyncTestClient

from casebook.crypto.attachment import ciphertext_size, encrypt_stream
from casebook.crypto.envelope import seal_file_key
from casebook.crypto.keys import KeyBundle, PublicIdentity, create_bundle
from casebook.crypto.manifest import Manifest, Uploader, seal_manifest
from casebook.crypto.membership_log import LogWriter
from casebook.crypto.vault import (
    EscrowKeyPair,
    PublishedGeneration,
    VaultGeneration,
    _key_plaintext,
    _seal,
    create_vault,
    generate_escrow,
    rotate_vault,
)
from casebook.encoding import b64encode
from tests.conftest import Account

Client = AsyncTestClient[Litestar]


def vault_path(group_id: object) -> str:
    return f"/api/v1/groups/{group_id}/vault"


@dataclass
class Member:
    """An account with the key pairs its client holds."""

    account: Account
    bundle: KeyBundle

    @classmethod
    def of(cls, account: Account) -> Member:
        bundle, _ = create_bundle(str(account.id), os.urandom(32), os.urandom(32))
        return cls(account, bundle)

    @property
    def identity(self) -> PublicIdentity:
        return self.bundle.identity

    @property
    def user_id(self) -> str:
        return str(self.account.id)


@dataclass
class VaultMaker:
    """The coordinator's client: the admin signing key, the log so far and the current
    generation, producing the request bodies of docs/evidence-api.md."""

    group_id: str
    vault_id: str
    admin: nacl.signing.SigningKey
    escrow: EscrowKeyPair
    log: LogWriter
    current: VaultGeneration
    published: PublishedGeneration
    readers: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def new(
        cls, group_id: object, readers: Sequence[Member], writers: Sequence[Member] = ()
    ) -> tuple[VaultMaker, dict[str, Any]]:
        """A vault and the body that creates it."""
        admin = nacl.signing.SigningKey.generate()
        escrow = generate_escrow()
        vault_id = str(uuid.uuid4())
        reader_keys = {m.user_id: m.identity.box_pk for m in readers}
        current, published = create_vault(vault_id, reader_keys, escrow.public_key)
        log = LogWriter(str(group_id), admin)
        genesis = log.genesis(
            escrow_pk=escrow.public_key,
            generation_pk=current.public_key,
            readers=[m.identity for m in readers],
            writers=[m.identity for m in writers],
        )
        maker = cls(str(group_id), vault_id, admin, escrow, log, current, published, reader_keys)
        body = {
            "vault_id": vault_id,
            "genesis": genesis.to_json(),
            "generation": published.to_json(),
        }
        return maker, body

    def fork(self) -> LogWriter:
        """A writer continuing the log, for entries that will not be kept."""
        return LogWriter(self.group_id, self.admin, self.log.entries)

    def add_writer(self, member: Member) -> dict[str, Any]:
        return {"entries": [self.log.add_writer(member.identity).to_json()]}

    def add_reader(self, member: Member) -> dict[str, Any]:
        """The add_reader entry and the current generation sealed to the new reader too."""
        entry = self.log.add_reader(member.identity)
        self.readers[member.user_id] = member.identity.box_pk
        plaintext = _key_plaintext(self.vault_id, self.current.number, self.current.private_key)
        sealed = dict(self.published.sealed_to_readers)
        sealed[member.user_id] = _seal(plaintext, member.identity.box_pk)
        self.published = PublishedGeneration(
            vault_id=self.vault_id,
            number=self.published.number,
            public_key=self.published.public_key,
            sealed_to_readers=sealed,
            sealed_to_escrow=self.published.sealed_to_escrow,
            previous=self.published.previous,
        )
        return {"entries": [entry.to_json()], "generations": [self.published.to_json()]}

    def remove_reader(self, user_id: str) -> dict[str, Any]:
        """remove_reader, then rotate to a new generation sealed to the remaining readers."""
        removal = self.log.remove_reader(user_id)
        del self.readers[user_id]
        self.current, self.published = rotate_vault(
            self.current, self.readers, self.escrow.public_key
        )
        rotation = self.log.rotate(self.current.number, self.current.public_key, self.readers)
        return {
            "entries": [removal.to_json(), rotation.to_json()],
            "generations": [self.published.to_json()],
        }


@dataclass(frozen=True)
class Sealed:
    """An attachment encrypted by an uploader's client."""

    ciphertext: bytes
    envelope: str
    manifest: str


def seal_attachment(
    plaintext: bytes, attachment: dict[str, Any], public_key: bytes, uploader: Member
) -> Sealed:
    attachment_id, vault_id = uuid.UUID(attachment["id"]), uuid.UUID(attachment["vault_id"])
    generation = attachment["generation"]
    file_key = os.urandom(32)
    sink = io.BytesIO()
    result = encrypt_stream(
        io.BytesIO(plaintext),
        sink,
        file_key=file_key,
        attachment_id=attachment_id,
        vault_id=vault_id,
        generation=generation,
    )
    ids = {"attachment_id": attachment_id, "vault_id": vault_id, "generation": generation}
    envelope = seal_file_key(file_key, public_key, **ids)
    manifest = Manifest.for_upload(
        result,
        **ids,
        filename="vigil.jpg",
        media_type="image/jpeg",
        captured_at=None,
        uploaded_at=datetime.now(UTC),
        uploader=Uploader(uploader.user_id, bytes(uploader.bundle.signing_key.verify_key)),
    )
    sealed_manifest = seal_manifest(
        manifest, signing_key=uploader.bundle.signing_key, file_key=file_key
    )
    return Sealed(sink.getvalue(), b64encode(envelope), b64encode(sealed_manifest))


async def upload(
    client: Client,
    uploader: Member,
    incident_id: object,
    maker: VaultMaker,
    plaintext: bytes = b"photo of the van, plate visible",
) -> tuple[dict[str, Any], Sealed]:
    """The three upload steps through the API; returns the completed attachment."""
    headers = uploader.account.headers
    started = await client.post(
        f"/api/v1/incidents/{incident_id}/attachments",
        json={
            "ciphertext_size": ciphertext_size(len(plaintext)),
            "generation": maker.current.number,
        },
        headers=headers,
    )
    assert started.status_code == 201, started.text
    attachment = started.json()
    sealed = seal_attachment(plaintext, attachment, maker.current.public_key, uploader)
    put = await client.put(
        f"/api/v1/attachments/{attachment['id']}/content",
        content=sealed.ciphertext,
        headers={**headers, "Content-Type": "application/octet-stream"},
    )
    assert put.status_code == 204, put.text
    done = await client.post(
        f"/api/v1/attachments/{attachment['id']}/complete",
        json={"envelope": sealed.envelope, "manifest": sealed.manifest},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    return done.json(), sealed
