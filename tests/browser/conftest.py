"""Browser tests: the browser crypto library (casebook/web/static/js/crypto/) running in
Debian's Chromium, driven by Playwright, on a page of a real Casebook server process.

Marked `browser` and left out of the main pytest run: Playwright's sync API cannot share a
process with the asyncio tests. `scripts/test` runs them in a second invocation
(`pytest -m browser tests/browser`)."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.web_app import Site, build_site
from tests.cli.conftest import LiveServer, running_server
from tests.databases import DatabaseFactory
from tests.server_process import free_port, start, stop, wait_until_healthy

CHROMIUM = "/usr/bin/chromium"
MODULES = [
    "encoding",
    "errors",
    "padding",
    "attachment",
    "envelope",
    "manifest",
    "kdf",
    "keys",
    "fingerprints",
    "vault",
    "membership-log",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`casebook serve` in a child process, on a fresh SQLite database, on a free port."""
    workdir = tmp_path_factory.mktemp("browser-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.update(
        CASEBOOK_DATA_DIR=str(workdir / "data"),
        CASEBOOK_SECRET_KEY="44" * 32,
        CASEBOOK_LOG_LEVEL="WARNING",
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", "from casebook.cli.main import cli; cli()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    log = workdir / "server.log"
    process = start(command, env, log)
    try:
        wait_until_healthy(url, process, log)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM)
    try:
        yield browser
    finally:
        browser.close()


def open_crypto_page(browser: Browser, url: str) -> Page:
    """Casebook's home page (with the app's real Content-Security-Policy), libsodium loaded from
    /static/vendor/ and every crypto module imported as `window.cb[name]`. Violations of the
    policy are collected in `window.cspViolations`."""
    page = browser.new_page()
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(f"{url}/")
    page.add_script_tag(url="/static/vendor/libsodium-sumo.js")
    page.add_script_tag(url="/static/vendor/libsodium-wrappers-sumo.js")
    page.evaluate(
        """async (names) => {
            window.cb = {};
            for (const name of names) {
                window.cb[name] = await import(`/static/js/crypto/${name}.js`);
            }
        }""",
        MODULES,
    )
    return page


@pytest.fixture(scope="session")
def page(browser: Browser, server: str) -> Iterator[Page]:
    page = open_crypto_page(browser, server)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="session")
def demo_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    yield from running_server(databases, tmp_path_factory)


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One server for the web app's browser tests, with the demo data and a group whose
    organizers have keys (see Site). Built on a thread of its own: its set-up runs asyncio,
    which cannot start where Playwright's sync API keeps its event loop running."""

    def build() -> Site:
        server: LiveServer = request.getfixturevalue("demo_server")
        return build_site(server, tmp_path_factory.mktemp("devices"))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(build).result()


def b64(data: bytes) -> str:
    """Unpadded URL-safe base64, as the crypto formats (and `cb.encoding`) write it."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
