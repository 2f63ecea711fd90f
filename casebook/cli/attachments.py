"""One piece of evidence on this device: encrypted while it uploads, sealed to the vault's
current generation, with a manifest signed by the uploader; and, for a reader, opened,
downloaded, decrypted and checked against that signed manifest before a file appears."""

from __future__ import annotations

import glob
import mimetypes
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

import click
import nacl.utils

from casebook.cli import transfer
from casebook.cli.api_client import Api, ApiError
from casebook.cli.output import printable
from casebook.cli.vault_state import Vault
from casebook.crypto.attachment import (
    DecryptResult,
    EncryptResult,
    ciphertext_size,
    decrypt_to_file,
    encrypt_stream,
)
from casebook.crypto.envelope import open_file_key, seal_file_key
from casebook.crypto.errors import (
    CryptoFormatError,
    IntegrityError,
    SignatureError,
    WrongContextError,
)
from casebook.crypto.keys import KeyBundle, PublicIdentity
from casebook.crypto.manifest import (
    Manifest,
    SignedManifest,
    Uploader,
    check_digests,
    open_signed_manifest,
    seal_manifest,
)
from casebook.crypto.vault import VaultGeneration
from casebook.encoding import b64decode, b64encode

FILE_KEY_BYTES = 32
MAX_NAME_BYTES = 200


@dataclass(frozen=True)
class Ids:
    """What every encrypted part of an attachment is bound to."""

    attachment_id: UUID
    vault_id: UUID
    generation: int

    @classmethod
    def of(cls, record: dict[str, Any]) -> Ids:
        return cls(UUID(record["id"]), UUID(record["vault_id"]), int(record["generation"]))

    def fields(self) -> dict[str, Any]:
        return {
            "attachment_id": self.attachment_id,
            "vault_id": self.vault_id,
            "generation": self.generation,
        }


@dataclass(frozen=True)
class Opened:
    """An attachment's file key and verified manifest, and who signed it."""

    ids: Ids
    file_key: bytes
    signed: SignedManifest
    uploader: PublicIdentity

    @property
    def manifest(self) -> Manifest:
        return self.signed.manifest


class Refused(click.ClickException):
    """An attachment that does not open or does not verify: nothing of it is written."""

    def __init__(self, attachment_id: UUID | str, error: Exception) -> None:
        super().__init__(f"Refusing attachment {attachment_id}: {error}. No file was written.")


def upload(
    api: Api,
    vault: Vault,
    keys: KeyBundle,
    incident_id: UUID,
    path: Path,
    captured_at: datetime | None,
) -> tuple[Ids, Manifest]:
    """Encrypt `path` to the vault's current generation while uploading it; complete the
    attachment with the sealed file key and the signed, encrypted manifest."""
    size = path.stat().st_size
    ids = _start(api, vault, incident_id, ciphertext_size(size))
    file_key = nacl.utils.random(FILE_KEY_BYTES)
    manifest = Manifest.for_upload(
        _send_encrypted(api, ids, path, size, file_key),
        **ids.fields(),
        filename=path.name,
        media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        captured_at=captured_at,
        uploaded_at=datetime.now(UTC),
        uploader=Uploader(keys.identity.user_id, keys.identity.sign_pk),
    )
    envelope = seal_file_key(file_key, vault.state.generation_pk, **ids.fields())
    sealed = seal_manifest(manifest, signing_key=keys.signing_key, file_key=file_key)
    api.post(
        f"/api/v1/attachments/{ids.attachment_id}/complete",
        {"envelope": b64encode(envelope), "manifest": b64encode(sealed)},
    )
    return ids, manifest


def _send_encrypted(api: Api, ids: Ids, path: Path, size: int, file_key: bytes) -> EncryptResult:
    with path.open("rb") as source:

        def encrypt(sink: BinaryIO) -> EncryptResult:
            return encrypt_stream(source, sink, file_key=file_key, size=size, **ids.fields())

        return transfer.upload_encrypted(
            api,
            f"/api/v1/attachments/{ids.attachment_id}/content",
            ciphertext_size(size),
            encrypt,
            f"Uploading {printable(path.name)}",
        )


def _start(api: Api, vault: Vault, incident_id: UUID, size: int) -> Ids:
    generation = vault.state.generation
    try:
        created = api.post(
            f"/api/v1/incidents/{incident_id}/attachments",
            {"ciphertext_size": size, "generation": generation},
        )
    except ApiError as error:
        if error.status != 409:
            raise
        raise click.ClickException(
            "The vault got a new generation in the meantime: run the command again."
        ) from error
    ids = Ids.of(created)
    if (str(ids.vault_id), ids.generation) != (vault.vault_id, generation):
        raise click.ClickException(
            "The server started the upload for another vault or generation than the verified "
            "one: refusing to upload."
        )
    return ids


def open_record(
    vault: Vault, generations: dict[int, VaultGeneration], record: dict[str, Any]
) -> Opened:
    """The file key and signed manifest of an attachment as served to a reader (with its
    envelope and manifest), each checked to belong to this attachment, vault and generation."""
    ids = Ids.of(record)
    try:
        if str(ids.vault_id) != vault.vault_id or ids.generation not in generations:
            raise WrongContextError(
                f"it names vault {ids.vault_id} generation {ids.generation}, which the verified "
                "vault does not have"
            )
        private_key = generations[ids.generation].private_key
        file_key = open_file_key(b64decode(record["envelope"]), private_key, **ids.fields())
        signed, uploader = _signed_manifest(vault, record, file_key, ids)
    except CryptoFormatError as error:
        raise Refused(ids.attachment_id, error) from error
    return Opened(ids, file_key, signed, uploader)


def _signed_manifest(
    vault: Vault, record: dict[str, Any], file_key: bytes, ids: Ids
) -> tuple[SignedManifest, PublicIdentity]:
    """The manifest, signed by a key the verified log gave its uploader as a writer."""
    uploader_id = str(record["uploader_id"])
    sealed = b64decode(record["manifest"])
    for identity in vault.writer_identities(uploader_id):
        try:
            signed = open_signed_manifest(
                sealed, file_key=file_key, expected_signing_key=identity.sign_pk, **ids.fields()
            )
        except SignatureError:
            continue
        if signed.manifest.uploader.user_id != uploader_id:
            raise SignatureError("the manifest names another uploader than the server does")
        return signed, identity
    raise SignatureError(
        f"the manifest is not signed by a key the vault's membership log gave {uploader_id} "
        "as a writer"
    )


def download(api: Api, opened: Opened, directory: Path, name: str | None = None) -> Path:
    """Download, decrypt and verify into `directory`, under `name` or else the manifest's
    file name; nothing is left there unless every check passed."""
    manifest, ids = opened.manifest, opened.ids
    target = directory / (name or safe_name(manifest.filename, str(ids.attachment_id)))
    if target.exists():
        raise click.ClickException(f"{target} already exists: choose another directory with -o.")
    _remove_leftovers(target)
    with tempfile.TemporaryFile(dir=directory) as blob:
        digest = transfer.download(
            api,
            f"/api/v1/attachments/{ids.attachment_id}/content",
            blob,
            f"Downloading {printable(target.name)}",
        )
        blob.seek(0)
        try:
            if digest != manifest.ciphertext_sha256:
                raise IntegrityError("the encrypted file differs from the one its uploader signed")
            result = decrypt_to_file(blob, target, file_key=opened.file_key, **ids.fields())
            _verify(result, manifest)
        except CryptoFormatError as error:
            raise Refused(ids.attachment_id, error) from error
        except OSError as error:
            raise click.ClickException(
                f"Could not write {target}: {error.strerror or error}. No file was written."
            ) from error
    return target


def _remove_leftovers(target: Path) -> None:
    """Delete what an interrupted decryption into `target` left: verified chunks of a file
    whose end was never checked (`.NAME.RANDOM.part`, see decrypt_to_file)."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        leftover.unlink(missing_ok=True)


def _verify(result: DecryptResult, manifest: Manifest) -> None:
    """The plaintext's size and digests, measured while decrypting, against the signed
    manifest; a file that does not match is removed."""
    try:
        check_digests(
            manifest,
            size=result.plaintext_size,
            sha256=result.plaintext_sha256,
            blake2b=result.plaintext_blake2b,
        )
    except CryptoFormatError:
        result.path.unlink()
        raise


def safe_name(filename: str, fallback: str) -> str:
    """The uploader's file name as one harmless path component (no directories, no hidden
    or control characters); `fallback` when nothing usable is left."""
    name = printable(filename).replace("/", "_").replace("\\", "_").strip().lstrip(".")
    if not name or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return fallback
    return name
