"""Moving evidence to and from the server in constant memory, with a progress bar on standard
error: a file is encrypted while it is uploaded (the encryption writes into a pipe the upload
reads from), and a download is written to a file block by block as it arrives."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

import click

from casebook.cli.api_client import Api
from casebook.crypto.attachment import EncryptResult

# The upload reads blocks of 256 KiB from a pipe that holds four of them: few system calls and
# HTTP body events per gigabyte, room for the encryption to run ahead while a block is sent,
# and still a flat memory profile. (1 MiB is Linux's largest pipe for unprivileged processes.)
BLOCK_BYTES = 256 * 1024
PIPE_BYTES = 1024 * 1024

Encrypt = Callable[[BinaryIO], EncryptResult]
Advance = Callable[[int], None]


class _Encryption(threading.Thread):
    """Runs `encrypt` into the pipe's write end; its result or error is kept for the caller."""

    def __init__(self, encrypt: Encrypt, write_fd: int) -> None:
        super().__init__(name="casebook-encrypt", daemon=True)
        self.encrypt = encrypt
        self.write_fd = write_fd
        self.result: EncryptResult | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with open(self.write_fd, "wb") as sink:
                self.result = self.encrypt(sink)
        except BaseException as error:  # handed to the uploading thread
            self.error = error

    def failure(self) -> BaseException | None:
        """Why the encryption failed, unless only because the upload stopped reading."""
        return None if isinstance(self.error, BrokenPipeError) else self.error


def upload_encrypted(api: Api, path: str, size: int, encrypt: Encrypt, label: str) -> EncryptResult:
    """PUT the `size` bytes `encrypt` writes, as it writes them, to `path`."""
    read_fd, write_fd = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
        with contextlib.suppress(OSError):  # a lower system limit keeps the default size
            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    encryption = _Encryption(encrypt, write_fd)
    encryption.start()
    try:
        with open(read_fd, "rb") as source, _progress(size, label) as advance:
            api.put_stream(path, _blocks(source, advance), size)
    except BaseException:
        encryption.join()
        failure = encryption.failure()
        if failure is not None:  # a failed encryption explains a failed upload best
            raise failure from None
        raise
    encryption.join()
    failure = encryption.failure()
    if failure is not None:
        raise failure
    assert encryption.result is not None
    return encryption.result


def _blocks(source: BinaryIO, advance: Advance) -> Iterator[bytes]:
    while block := source.read(BLOCK_BYTES):
        advance(len(block))
        yield block


def download(api: Api, path: str, sink: BinaryIO, label: str) -> bytes:
    """Write the body of GET `path` to `sink` as it arrives; return its SHA-256."""
    digest = hashlib.sha256()
    with api.download(path) as (length, blocks), _progress(length, label) as advance:
        for block in blocks:
            sink.write(block)
            digest.update(block)
            advance(len(block))
    return digest.digest()


@contextmanager
def _progress(length: int, label: str) -> Iterator[Advance]:
    """A progress bar of `length` bytes on standard error (just the label when that is not a
    terminal)."""
    with click.progressbar(length=length, label=label, file=sys.stderr, width=30) as bar:
        yield bar.update
