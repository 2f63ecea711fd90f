"""Blobs as files in a directory: the embedded default (`data/blobs/`).

A blob `0a1b…` lives at `0a/1b/0a1b…`. Writing goes to a temporary file in that same directory
(created exclusively, mode 600), which is fsynced, renamed to the blob's name, and then the
directory is fsynced, so a blob that `write` returned survives a power cut and a blob is never
visible half-written. File-system calls run in worker threads, off the event loop.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import anyio.to_thread

from casebook.evidence.blobs import (
    BlobNotFound,
    BlobTooLarge,
    Keep,
    StoredBlob,
    is_blob_name,
    keeps,
    new_blob_name,
)

TEMP_PREFIX = ".tmp-"
#: Bytes gathered from the incoming stream before they are written in one worker-thread call.
WRITE_BATCH = 256 * 1024
#: After this many bytes, the kernel is asked to start writing them to disk (without waiting),
#: so that the fsync at the end has little left to do: on a machine with plenty of memory,
#: nothing of a large upload would otherwise reach the disk before that fsync.
WRITEBACK_BYTES = 8 * 1024 * 1024
#: Size of the chunks `open` yields: large enough that the hop to a worker thread per chunk
#: costs little, small enough to keep a download's memory flat.
READ_CHUNK = 1024 * 1024
_DIR_MODE = 0o700
_FILE_MODE = 0o600


class LocalBlobStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, name: str) -> Path:
        """Where the blob `name` is (or would be) stored."""
        if not is_blob_name(name):
            raise BlobNotFound(name)
        return self.directory / name[:2] / name[2:4] / name

    async def write(self, chunks: AsyncIterator[bytes], *, max_bytes: int) -> StoredBlob:
        name = new_blob_name()
        final = self.path(name)
        temp = final.parent / f"{TEMP_PREFIX}{secrets.token_hex(16)}"
        # The thread reports the descriptor through `opened`, so that it is cleaned up even
        # when a cancellation arrives just as the thread returns.
        opened: list[int] = []
        size = 0
        written_back = 0
        batch = bytearray()
        try:
            await anyio.to_thread.run_sync(self._create_temp, temp, opened)
            fd = opened[0]
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise BlobTooLarge(max_bytes)
                batch += chunk
                if len(batch) >= WRITE_BATCH:
                    # Not cancellable while the thread runs, so the descriptor is never closed
                    # under a write still in progress.
                    await anyio.to_thread.run_sync(_write_all, fd, batch)
                    batch.clear()
                    if size - written_back >= WRITEBACK_BYTES:
                        await anyio.to_thread.run_sync(
                            _start_writeback, fd, written_back, size - written_back
                        )
                        written_back = size
            if batch:
                await anyio.to_thread.run_sync(_write_all, fd, batch)
                batch.clear()
            await anyio.to_thread.run_sync(_commit, fd, temp, final)
        except BaseException:
            # Synchronous on purpose: it must also run when the task is being cancelled. The
            # final name goes too, in case the cancellation arrived just after the rename.
            if opened:
                _discard(opened[0], temp, final)
            raise
        os.close(fd)
        return StoredBlob(name=name, size=size)

    def _create_temp(self, temp: Path, opened: list[int]) -> None:
        _make_private_dirs(self.directory, temp.parent)
        opened.append(
            os.open(
                temp,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                _FILE_MODE,
            )
        )

    async def open(self, name: str) -> AsyncIterator[bytes]:
        path = self.path(name)
        if not await anyio.to_thread.run_sync(path.is_file):
            raise BlobNotFound(name)
        return self._read(name, path)

    async def _read(self, name: str, path: Path) -> AsyncIterator[bytes]:
        try:
            handle = await anyio.to_thread.run_sync(path.open, "rb")
        except FileNotFoundError:
            raise BlobNotFound(name) from None
        try:
            while chunk := await anyio.to_thread.run_sync(handle.read, READ_CHUNK):
                yield chunk
        finally:
            handle.close()

    async def delete(self, name: str) -> None:
        path = self.path(name)
        await anyio.to_thread.run_sync(_unlink_durably, path)

    async def names(self) -> AsyncIterator[str]:
        for leaf in await anyio.to_thread.run_sync(self._leaf_directories):
            for entry in await anyio.to_thread.run_sync(_entries, leaf):
                if is_blob_name(entry.name):
                    yield entry.name

    async def sweep(self, keep: Keep, *, older_than: timedelta) -> list[str]:
        cutoff = time.time() - older_than.total_seconds()
        removed: list[str] = []
        for leaf in await anyio.to_thread.run_sync(self._leaf_directories):
            for entry in await anyio.to_thread.run_sync(_entries, leaf):
                if entry.mtime >= cutoff:
                    continue
                if entry.name.startswith(TEMP_PREFIX):
                    await anyio.to_thread.run_sync(_unlink_durably, leaf / entry.name)
                elif is_blob_name(entry.name) and not await keeps(keep, entry.name):
                    await anyio.to_thread.run_sync(_unlink_durably, leaf / entry.name)
                    removed.append(entry.name)
        return removed

    async def close(self) -> None:
        return None

    def _leaf_directories(self) -> list[Path]:
        return [leaf for top in _subdirectories(self.directory) for leaf in _subdirectories(top)]


class _Entry:
    __slots__ = ("mtime", "name")

    def __init__(self, name: str, mtime: float) -> None:
        self.name = name
        self.mtime = mtime


def _subdirectories(directory: Path) -> list[Path]:
    try:
        with os.scandir(directory) as entries:
            return sorted(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))
    except FileNotFoundError:
        return []


def _entries(directory: Path) -> list[_Entry]:
    found: list[_Entry] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.is_file(follow_symlinks=False):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    found.append(_Entry(entry.name, entry.stat(follow_symlinks=False).st_mtime))
    except FileNotFoundError:
        pass
    return found


def _make_private_dirs(root: Path, leaf: Path) -> None:
    """Create root/xx/yy with mode 700, fsyncing each parent whose entries changed."""
    created_root = False
    if not root.is_dir():
        root.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        created_root = True
    if created_root or (root.stat().st_mode & 0o777) != _DIR_MODE:
        root.chmod(_DIR_MODE)
    for directory in (leaf.parent, leaf):
        try:
            directory.mkdir(mode=_DIR_MODE)
        except FileExistsError:
            continue
        directory.chmod(_DIR_MODE)  # mkdir's mode is reduced by the umask
        _fsync_directory(directory.parent)


def _write_all(fd: int, data: bytearray) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    view.release()


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Start writing a range of the file to disk without waiting for it (on Linux,
    POSIX_FADV_DONTNEED on dirty pages queues their writeback; elsewhere it may do nothing)."""
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)


def _commit(fd: int, temp: Path, final: Path) -> None:
    """Make the temporary file durable, then give it the blob's name, durably. The caller
    closes `fd` (here it stays open so that failure handling has one owner of it)."""
    os.fsync(fd)
    os.rename(temp, final)
    _fsync_directory(final.parent)


def _discard(fd: int, temp: Path, final: Path) -> None:
    os.close(fd)
    for path in (temp, final):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _unlink_durably(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
