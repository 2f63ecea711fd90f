"""Every script a page loads names its SHA-384, and the files served match: a server-side
change to one byte of a script makes the browser refuse it."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.web.conftest import PAGE


class _Subresources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str | None]] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.loaded.append((attributes["src"] or "", attributes.get("integrity")))
            else:
                self.inline_scripts += 1
        if tag == "link" and attributes.get("rel") in ("stylesheet", "modulepreload"):
            self.loaded.append((attributes.get("href") or "", attributes.get("integrity")))


async def test_the_login_page_loads_only_checked_scripts(
    client: AsyncTestClient[Litestar],
) -> None:
    page = await client.get("/login", headers=PAGE)
    found = _Subresources()
    found.feed(page.text)
    assert found.inline_scripts == 0
    urls = [url for url, _ in found.loaded]
    assert "/static/js/login-page.js" in urls
    assert "/static/js/unlock.js" in urls  # an import of login-page.js, preloaded
    assert "/static/vendor/libsodium-wrappers-sumo.js" in urls
    for url, integrity in found.loaded:
        assert integrity is not None, url
        body = (await client.get(url)).content
        expected = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert integrity == expected, url
