"""Script and stylesheet tags with Subresource Integrity: the browser refuses a file whose
SHA-384 differs from the one the page names.

A page's ES module imports others; each of those is announced with a `modulepreload` link that
carries its own integrity, so every module the page runs has been checked, not only the entry."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

from markupsafe import Markup

from casebook.web.assets import LIBSODIUM, LIBSODIUM_WRAPPERS, PAGE_SCRIPTS, STYLESHEETS

_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"';]*?\bfrom\s*["'](\./[^"']+)["']""", re.M)
LIBSODIUM_URLS = (
    ("/static/vendor/libsodium-sumo.js", LIBSODIUM),
    ("/static/vendor/libsodium-wrappers-sumo.js", LIBSODIUM_WRAPPERS),
)


@functools.cache
def integrity(path: Path) -> str:
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def _url(path: Path) -> str:
    return "/static/js/" + path.relative_to(PAGE_SCRIPTS).as_posix()


@functools.cache
def imports_of(module: Path) -> tuple[Path, ...]:
    """Every module `module` imports, directly or not, each once."""
    found: dict[Path, None] = {}
    pending = [module]
    while pending:
        current = pending.pop()
        for relative in _IMPORT.findall(current.read_text(encoding="utf-8")):
            target = (current.parent / relative).resolve()
            if target not in found:
                found[target] = None
                pending.append(target)
    return tuple(found)


@functools.cache
def script_tags(entry: str, *, sodium: bool = False) -> Markup:
    """The tags that load the page script `entry` (a file in casebook/web/static/js/); with
    `sodium`, the libsodium scripts before it."""
    module = PAGE_SCRIPTS / entry
    tags = []
    if sodium:
        tags += [
            f'<script defer src="{url}" integrity="{integrity(path)}"></script>'
            for url, path in LIBSODIUM_URLS
        ]
    tags += [
        f'<link rel="modulepreload" href="{_url(path)}" integrity="{integrity(path)}">'
        for path in imports_of(module)
    ]
    tags.append(
        f'<script type="module" src="{_url(module)}" integrity="{integrity(module)}"></script>'
    )
    return Markup("\n".join(tags))  # noqa: S704 (paths and hashes only, no user input)


def stylesheet_tag(name: str = "casebook.css") -> Markup:
    path = STYLESHEETS / name
    return Markup(  # noqa: S704 (a file name and its hash only)
        f'<link rel="stylesheet" href="/static/css/{name}" integrity="{integrity(path)}">'
    )
