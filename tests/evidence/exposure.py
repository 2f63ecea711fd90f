"""Looking for evidence where it must never be: in stored bytes, logs, temp files and traffic.

A `Secrets` collection holds what must stay on the client (the evidence's bytes, its name, its
hashes, passwords and keys). Each value is searched for raw and in the text forms a careless
program would write it in: hex (both cases), standard and URL-safe base64, with and without
padding. The evidence's content is searched as every 32-byte window: any window of it holds a
16-byte block that starts at a multiple of 16 in the evidence, so looking up every 16-byte
slice of the haystack in the set of those blocks finds every window in one pass."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BLOCK = 16


def text_forms(value: bytes) -> set[bytes]:
    """`value` as itself and as the encodings programs use to put bytes into text."""
    forms = {value, value.hex().encode(), value.hex().upper().encode()}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        encoded = encode(value)
        forms |= {encoded, encoded.rstrip(b"=")}
    return forms


@dataclass
class Secrets:
    content_blocks: set[bytes] = field(default_factory=set)
    needles: dict[str, set[bytes]] = field(default_factory=dict)

    def add_content(self, content: bytes) -> None:
        for start in range(0, len(content) - BLOCK + 1, BLOCK):
            self.content_blocks.add(content[start : start + BLOCK])

    def add(self, name: str, value: bytes | str) -> None:
        raw = value.encode() if isinstance(value, str) else value
        forms = text_forms(raw) if isinstance(value, bytes) else {raw}
        self.needles[name] = self.needles.get(name, set()) | forms

    def found_in(self, haystack: bytes) -> list[str]:
        """Names of the secrets `haystack` holds."""
        hits = [name for name, forms in self.needles.items() if any(f in haystack for f in forms)]
        blocks = self.content_blocks
        if blocks and any(
            haystack[i : i + BLOCK] in blocks for i in range(len(haystack) - BLOCK + 1)
        ):
            hits.append("evidence content (a 32-byte window)")
        return hits


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (path for path in sorted(root.rglob("*")) if path.is_file())


def exposures(secrets: Secrets, paths: Iterable[Path]) -> list[str]:
    """One line per file that holds a secret: the file and what it holds."""
    found = []
    for path in paths:
        hits = secrets.found_in(path.read_bytes())
        if hits:
            found.append(f"{path}: {', '.join(sorted(hits))}")
    return found
