"""Blob storage behind one small interface.

The server stores evidence as opaque ciphertext blobs: the client encrypted it, so a blob is
bytes with no meaning here. A blob gets a random name (never derived from its content: no
deduplication, so a seized store cannot confirm who holds a known file), is written as a stream
and becomes visible only once it is complete and durable. The caller then commits the database
row that references it; a blob that no row references (the commit failed, or the process died
in between) is an orphan, which `BlobStore.sweep` removes once it is older than a grace period.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Set
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from casebook.config import Settings

__all__ = [
    "BlobError",
    "BlobNotFound",
    "BlobStore",
    "BlobTooLarge",
    "Keep",
    "StoredBlob",
    "blob_store_for",
    "is_blob_name",
    "new_blob_name",
]

#: How many random bytes a blob name carries.
NAME_BYTES = 32
_NAME = re.compile(r"[0-9a-f]{64}")

#: Which blobs a sweep keeps: the names the database references, as a set taken right before
#: the sweep, or a coroutine function asked about each candidate just before it is removed.
Keep = Callable[[str], Awaitable[bool]] | Set[str]


class BlobError(Exception):
    """Base class of blob storage errors."""


class BlobTooLarge(BlobError):
    """The stream passed the size limit; nothing was stored."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"blob larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class BlobNotFound(BlobError):
    """No blob has this name (or the name is not a blob name at all)."""

    def __init__(self, name: str) -> None:
        super().__init__("no such blob")
        self.name = name


@dataclass(frozen=True)
class StoredBlob:
    """A complete, durable blob."""

    name: str
    size: int


def new_blob_name() -> str:
    """A fresh random blob name: 32 random bytes in lowercase hex.

    Hex rather than base64url so that names are safe on case-insensitive file systems and in
    shells (no leading '-'), at the same 256 bits of randomness."""
    return secrets.token_hex(NAME_BYTES)


def is_blob_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


class BlobStore(Protocol):
    """Where ciphertext blobs live. Every implementation keeps these promises:

    - `write` streams: it holds at most a bounded buffer, never the whole blob.
    - `write` either returns a complete, durable blob, or raises and leaves nothing visible
      behind: not on `BlobTooLarge`, not on an error raised by `chunks`, not on cancellation.
      (A crash, or a cancellation landing while a storage call is in flight, can leave a
      temporary file, an unfinished multipart upload or an unreferenced blob; `sweep` removes
      those once they are older than its grace period.)
    - Names are random; writing the same bytes twice gives two blobs.
    """

    async def write(self, chunks: AsyncIterator[bytes], *, max_bytes: int) -> StoredBlob:
        """Store the stream as a new blob. Raises `BlobTooLarge` as soon as more than
        `max_bytes` arrive, before storing any of the excess."""
        ...

    async def open(self, name: str) -> AsyncIterator[bytes]:
        """Check that the blob exists (else `BlobNotFound`) and return its bytes as a stream of
        chunks. The blob is opened when iteration starts; if it is removed in between, the
        iteration raises `BlobNotFound`."""
        ...

    async def delete(self, name: str) -> None:
        """Remove the blob; removing a blob that does not exist is not an error."""
        ...

    def names(self) -> AsyncIterator[str]:
        """Every stored blob's name, in no particular order (temporary files excluded)."""
        ...

    async def sweep(self, keep: Keep, *, older_than: timedelta) -> list[str]:
        """Remove blobs that `keep` does not keep, and abandoned temporary files or unfinished
        uploads, provided they are older than `older_than`; return the removed blob names.

        Only things older than `older_than` (measured from when the sweep starts) are touched:
        that grace period protects a blob whose database commit is still in flight, and an
        upload still being written. It must be longer than the longest upload plus the time
        from `write` returning to the commit (an hour is a safe choice). With a set, take it
        right before calling `sweep`; a coroutine function is asked about each candidate just
        before it is removed, which is safe however long the sweep runs."""
        ...

    async def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...


def blob_store_for(settings: Settings) -> BlobStore:
    """The blob store the settings describe."""
    if settings.blob_store == "s3":
        from casebook.evidence.blobs.s3 import S3BlobStore

        assert settings.s3_bucket is not None  # Settings checks this
        return S3BlobStore(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
        )
    from casebook.evidence.blobs.local import LocalBlobStore

    return LocalBlobStore(settings.blob_dir)


async def keeps(keep: Keep, name: str) -> bool:
    """Whether `keep` keeps the blob `name`."""
    if isinstance(keep, Set):
        return name in keep
    return await keep(name)
