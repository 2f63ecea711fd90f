"""Tests of casebook.crypto; helpers shared by the attachment, envelope and manifest tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from uuid import UUID, uuid4

import nacl.utils

from casebook.crypto.attachment import EncryptResult, encrypt_stream


class CtxKwargs(TypedDict):
    file_key: bytes
    attachment_id: UUID
    vault_id: UUID
    generation: int


@dataclass(frozen=True)
class Ctx:
    """Everything that identifies one encrypted attachment."""

    file_key: bytes
    attachment_id: UUID
    vault_id: UUID
    generation: int

    def kwargs(self) -> CtxKwargs:
        return {
            "file_key": self.file_key,
            "attachment_id": self.attachment_id,
            "vault_id": self.vault_id,
            "generation": self.generation,
        }


def new_ctx(generation: int = 1) -> Ctx:
    return Ctx(nacl.utils.random(32), uuid4(), uuid4(), generation)


def encrypt_bytes(data: bytes, ctx: Ctx) -> tuple[bytes, EncryptResult]:
    sink = io.BytesIO()
    result = encrypt_stream(
        io.BytesIO(data),
        sink,
        file_key=ctx.file_key,
        attachment_id=ctx.attachment_id,
        vault_id=ctx.vault_id,
        generation=ctx.generation,
    )
    return sink.getvalue(), result


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())
