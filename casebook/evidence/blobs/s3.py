"""Blobs as objects in an S3-compatible store (Amazon S3, MinIO, …): the scale-out choice.

Uses aiobotocore: asyncio-native, maintained by aio-libs on top of botocore, so it reads
credentials through botocore's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
AWS_PROFILE, ~/.aws/credentials, container and instance roles) and exposes the multipart-upload
calls directly, which lets `write` decide exactly how much of a stream is held in memory.

A stream shorter than one part is stored with a single PutObject. A longer one becomes a
multipart upload: one part (5 MiB by default, the S3 minimum) is gathered, sent, and only then
is the next one gathered, so memory holds about two parts at most. Objects appear only when
the upload completes; on an error, an oversize stream or cancellation the upload is aborted.
An upload abandoned by a crash is aborted by `sweep` once it is older than the grace period
(and a bucket lifecycle rule for incomplete multipart uploads is a good second net).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import anyio
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from casebook.evidence.blobs import (
    BlobNotFound,
    BlobTooLarge,
    Keep,
    StoredBlob,
    is_blob_name,
    keeps,
    new_blob_name,
)

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import CompletedPartTypeDef

log = logging.getLogger(__name__)

MIB = 1024 * 1024
#: S3's smallest part (all but the last) and largest number of parts.
MIN_PART_SIZE = 5 * MIB
MAX_PARTS = 10_000
READ_CHUNK = 64 * 1024
#: How long cleaning up after a failed write may take, even while the task is being cancelled.
CLEANUP_SECONDS = 30


class S3BlobStore:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        prefix: str = "blobs/",
        part_size: int = MIN_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 parts are at least {MIN_PART_SIZE} bytes")
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region_name = region_name
        self.prefix = prefix
        self.part_size = part_size
        self._client: S3Client | None = None
        self._exit_stack = contextlib.AsyncExitStack()
        self._lock = anyio.Lock()

    async def _s3(self) -> S3Client:
        async with self._lock:
            client = self._client
            if client is None:
                config = AioConfig(
                    retries={"mode": "standard"},
                    # Custom endpoints (MinIO) rarely have wildcard DNS for bucket subdomains.
                    s3={"addressing_style": "path" if self.endpoint_url else "auto"},
                )
                client = self._client = await self._exit_stack.enter_async_context(
                    get_session().create_client(
                        "s3",
                        endpoint_url=self.endpoint_url,
                        region_name=self.region_name,
                        config=config,
                    )
                )
            return client

    def key(self, name: str) -> str:
        if not is_blob_name(name):
            raise BlobNotFound(name)
        return self.prefix + name

    async def write(self, chunks: AsyncIterator[bytes], *, max_bytes: int) -> StoredBlob:
        s3 = await self._s3()
        name = new_blob_name()
        key = self.key(name)
        # Parts grow with the limit so that a blob of max_bytes fits in S3's 10,000 parts.
        part_size = max(self.part_size, -(-max_bytes // MAX_PARTS))
        size = 0
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[CompletedPartTypeDef] = []
        finishing = False
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise BlobTooLarge(max_bytes)
                buffer += chunk
                while len(buffer) >= part_size:
                    if upload_id is None:
                        created = await s3.create_multipart_upload(Bucket=self.bucket, Key=key)
                        upload_id = created["UploadId"]
                    part = bytes(memoryview(buffer)[:part_size])
                    del buffer[:part_size]
                    parts.append(await self._upload_part(s3, key, upload_id, len(parts) + 1, part))
                    del part
            finishing = True
            if upload_id is None:
                await s3.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer))
            else:
                if buffer or not parts:
                    last = bytes(buffer)
                    buffer.clear()
                    parts.append(await self._upload_part(s3, key, upload_id, len(parts) + 1, last))
                await s3.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
        except BaseException:
            with anyio.move_on_after(CLEANUP_SECONDS, shield=True):
                await self._clean_up(s3, key, upload_id, finishing)
            raise
        return StoredBlob(name=name, size=size)

    async def _upload_part(
        self, s3: S3Client, key: str, upload_id: str, number: int, body: bytes
    ) -> CompletedPartTypeDef:
        response = await s3.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"ETag": response["ETag"], "PartNumber": number}

    async def _clean_up(
        self, s3: S3Client, key: str, upload_id: str | None, finishing: bool
    ) -> None:
        if upload_id is not None:
            try:
                await s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except (BotoCoreError, ClientError):
                log.warning("could not abort a failed blob upload; the sweep will", exc_info=True)
        if finishing:
            # The final request may have succeeded before the failure (or cancellation) hit.
            try:
                await s3.delete_object(Bucket=self.bucket, Key=key)
            except (BotoCoreError, ClientError):
                log.warning("could not remove a failed blob; the sweep will", exc_info=True)

    async def open(self, name: str) -> AsyncIterator[bytes]:
        key = self.key(name)
        s3 = await self._s3()
        try:
            await s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                raise BlobNotFound(name) from None
            raise
        return self._read(s3, name, key)

    async def _read(self, s3: S3Client, name: str, key: str) -> AsyncIterator[bytes]:
        try:
            response = await s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                raise BlobNotFound(name) from None
            raise
        async with response["Body"] as body:
            async for chunk in body.iter_chunks(READ_CHUNK):
                yield chunk

    async def delete(self, name: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self.bucket, Key=self.key(name))

    async def names(self) -> AsyncIterator[str]:
        s3 = await self._s3()
        async for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        ):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if is_blob_name(name):
                    yield name

    async def sweep(self, keep: Keep, *, older_than: timedelta) -> list[str]:
        s3 = await self._s3()
        cutoff = datetime.now(UTC) - older_than
        removed: list[str] = []
        async for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        ):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if item["LastModified"] >= cutoff or not is_blob_name(name):
                    continue
                if not await keeps(keep, name):
                    await s3.delete_object(Bucket=self.bucket, Key=item["Key"])
                    removed.append(name)
        async for uploads in s3.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        ):
            for upload in uploads.get("Uploads", []):
                if upload["Initiated"] < cutoff:
                    await s3.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
        return removed

    async def close(self) -> None:
        await self._exit_stack.aclose()
        self._client = None


def _is_missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    return code in {"404", "NoSuchKey", "NotFound"}
