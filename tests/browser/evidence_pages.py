"""What the browser tests of evidence share: the CLI tests' evidence scenario built for
Playwright, browser profiles on a phone-sized screen, the evidence page and decrypting an
attachment on it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from casebook.crypto.kdf import format_secret_key
from tests.cli.evidence_scenario import Person, Scenario
from tests.conftest import PASSWORD

UNLOCK_SECONDS = 60
PHONE = ViewportSize(width=390, height=844)
COLLECT_VIOLATIONS = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module")
def evidence(request: pytest.FixtureRequest) -> Scenario:
    """The CLI tests' scenario (Rosa's group and vault, Lupe a reader, Beto a writer). Its
    set-up runs asyncio, which cannot start on the thread where Playwright's sync API keeps
    its event loop running: it is built on a thread of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        built: Scenario = pool.submit(request.getfixturevalue, "scenario").result()
    return built


def secret_key(scenario: Scenario, person: Person) -> str:
    """The Secret Key the person's CLI device enrolled with, as their emergency kit shows it."""
    return format_secret_key(person.secret_key(scenario.server.url))


def phone_profile(browser: Browser) -> BrowserContext:
    """A browser profile of its own on a phone-sized screen, collecting policy violations."""
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    context.add_init_script(COLLECT_VIOLATIONS)
    return context


def log_in(page: Page, scenario: Scenario, person: Person) -> None:
    """Log in on /login with the email, password and Secret Key: the keys stay unlocked in
    this tab."""
    page.goto(f"{scenario.server.url}/login")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Secret Key", exact=True).fill(secret_key(scenario, person))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{scenario.server.url}/", timeout=UNLOCK_SECONDS * 1000)


@dataclass(frozen=True)
class Upload:
    attachment_id: str
    name: str
    data: bytes


@dataclass(frozen=True)
class EvidencePage:
    page: Page
    scenario: Scenario

    @property
    def status(self) -> Locator:
        return self.page.locator("#status")

    def submit_unlock(self, person: Person, *, remember: bool = False) -> None:
        """Fill in the person's email, password and Secret Key and press Unlock."""
        page = self.page
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("Password").fill(PASSWORD)
        kit_key = secret_key(self.scenario, person)
        page.get_by_label("Secret Key (from your emergency kit").fill(kit_key)
        if remember:
            page.get_by_label("Remember my Secret Key in this browser").check()
        page.get_by_role("button", name="Unlock").click()

    def unlock(self, person: Person, *, remember: bool = False) -> None:
        self.submit_unlock(person, remember=remember)
        self.expect_unlocked(person)

    def expect_unlocked(self, person: Person) -> None:
        expect(self.status).to_contain_text(
            f"Unlocked as {person.email}", timeout=UNLOCK_SECONDS * 1000
        )

    def attachment(self, attachment_id: str) -> Locator:
        return self.page.locator(f'li[data-attachment-id="{attachment_id}"]')

    def decrypt_and_save(self, upload: Upload) -> bytes:
        """Decrypt the attachment, check the page's verdict and save the file."""
        entry = self.attachment(upload.attachment_id)
        entry.get_by_role("button", name=f"Decrypt attachment {upload.attachment_id}").click()
        link = entry.get_by_role("link", name=f"Save {upload.name}")
        expect(link).to_be_visible(timeout=30_000)
        expect(self.status).to_have_text(
            f"Decrypted {upload.name}: signature, hashes and decryption verified."
        )
        with self.page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == upload.name
        return Path(download.value.path()).read_bytes()
