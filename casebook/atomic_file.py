"""Writing a file so that it is never seen half written: into a temporary file beside it,
moved into place only once complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replaced_when_complete(path: Path) -> Iterator[BinaryIO]:
    """A file to write `path`'s new content into. When the block ends without an error the
    content is flushed to disk and moved onto `path`; on any error it is removed, and `path`
    (if it existed) is left as it was."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as sink:
            yield sink
            sink.flush()
            os.fsync(sink.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
