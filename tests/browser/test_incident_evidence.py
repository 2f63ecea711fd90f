"""Evidence attached while logging an incident, in Chromium against a real server: Beto logs in
with his Secret Key, fills the incident form on a phone, chooses a file and saves; the file is
encrypted in the browser and uploaded with a progress bar once the incident is saved, and Lupe
(a reader, logged in with her Secret Key) decrypts it byte for byte on the evidence page
without unlocking again. A form that comes back with errors keeps the file chosen and
everything typed; a tab without the unlocked keys saves nothing and says why."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.evidence_pages import (
    PHONE,
    UNLOCK_SECONDS,
    EvidencePage,
    Upload,
    evidence,
    log_in,
    phone_profile,
)
from tests.cli.evidence_scenario import Person, Scenario, module_server, sample, scenario

__all__ = ["evidence", "module_server", "scenario"]  # module-scoped fixtures

CONTENT = "**/api/v1/attachments/*/content"
TACTIC = "physical-following"
INCIDENT_PAGE = re.compile(
    r"/incidents/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


@pytest.fixture(scope="module")
def beto(browser: Browser, evidence: Scenario) -> Iterator[Page]:
    """Beto (a writer of the group's vault), logged in with his Secret Key in this tab."""
    context = phone_profile(browser)
    page = context.new_page()
    log_in(page, evidence, evidence.beto)
    yield page
    context.close()


def open_form(page: Page, scenario: Scenario) -> None:
    page.goto(f"{scenario.server.url}/incidents/new")
    expect(page.get_by_label("Evidence files (optional)")).to_be_visible()


def fill_form(page: Page, narrative: str, *, tactic: bool = True) -> None:
    page.locator("#occurred_on").fill("2024-05-01")
    if tactic:
        page.locator(f"#tactics-{TACTIC}").check()
    page.locator("#narrative").fill(narrative)


def chosen_files(page: Page) -> list[str]:
    names: list[str] = page.locator("#evidence-files").evaluate(
        "(input) => [...input.files].map((file) => file.name)"
    )
    return names


def saved_incident(page: Page) -> str:
    """The id of the incident whose page the browser landed on."""
    expect(page).to_have_url(INCIDENT_PAGE, timeout=30_000)
    found = INCIDENT_PAGE.search(page.url)
    assert found is not None
    return found.group(1)


def attachments(scenario: Scenario, person: Person, incident_id: str) -> list[dict[str, object]]:
    path = f"/api/v1/incidents/{incident_id}/attachments"
    items: list[dict[str, object]] = person.api(scenario.server, "GET", path).json()["items"]
    return items


@dataclass
class HeldUploads:
    """Uploads of encrypted content held back until released, so that the page can be seen
    while it uploads."""

    page: Page
    routes: list[Route]

    @classmethod
    def on(cls, page: Page) -> HeldUploads:
        held = cls(page, [])
        page.route(CONTENT, held.hold)
        return held

    def hold(self, route: Route) -> None:
        self.routes.append(route)

    def release(self) -> None:
        deadline = time.monotonic() + 30
        while not self.routes and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert self.routes, "no upload started"
        for route in self.routes:
            route.continue_()
        self.page.unroute(CONTENT)


@dataclass(frozen=True)
class Logged:
    incident_id: str
    upload: Upload


@pytest.fixture(scope="module")
def logged(beto: Page, evidence: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Logged:
    """Beto logs an incident with a photo attached and lands on the incident's page."""
    path = tmp_path_factory.mktemp("beto-form") / "seguimiento en la plaza.jpg"
    data = sample(path, 150_000)
    open_form(beto, evidence)
    fill_form(beto, "Two men followed us from the plaza to the bus stop.")
    beto.get_by_label("Evidence files (optional)").set_input_files(path)
    held = HeldUploads.on(beto)
    beto.get_by_role("button", name="Save incident").click()
    expect(beto.locator("#evidence-progress-label")).to_contain_text(
        f"Uploading {path.name} (file 1 of 1): ", timeout=UNLOCK_SECONDS * 1000
    )
    expect(beto.locator("#evidence-progress")).to_be_visible()
    expect(beto.locator("#evidence-status")).to_have_text(
        f"Encrypting and uploading {path.name} (file 1 of 1)…"
    )
    held.release()
    incident_id = saved_incident(beto)
    (item,) = attachments(evidence, evidence.beto, incident_id)
    return Logged(incident_id, Upload(str(item["id"]), path.name, data))


def test_the_incident_page_counts_the_attachment_and_links_the_evidence_page(
    beto: Page, evidence: Scenario, logged: Logged
) -> None:
    section = beto.get_by_role("region", name="Evidence")
    expect(section).to_contain_text("1 encrypted attachment.")
    section.get_by_role("link", name="Add, decrypt and verify files").click()
    expect(beto.locator("#status")).to_contain_text(
        f"Unlocked as {evidence.beto.email}", timeout=UNLOCK_SECONDS * 1000
    )
    expect(beto.locator("#unlock")).to_be_hidden()
    expect(beto.locator("#attachment-list li")).to_have_count(1)


def test_a_reader_decrypts_the_attachment_byte_for_byte_without_unlocking_again(
    browser: Browser, evidence: Scenario, logged: Logged
) -> None:
    context = phone_profile(browser)
    page = context.new_page()
    try:
        log_in(page, evidence, evidence.lupe)
        page.goto(f"{evidence.server.url}/incidents/{logged.incident_id}/evidence")
        reader = EvidencePage(page, evidence)
        reader.expect_unlocked(evidence.lupe)
        expect(page.locator("#unlock")).to_be_hidden()
        assert reader.decrypt_and_save(logged.upload) == logged.upload.data
        expect(reader.attachment(logged.upload.attachment_id).locator("dl")).to_contain_text(
            evidence.beto.user_id
        )
    finally:
        context.close()


def test_a_form_error_keeps_the_file_and_what_was_typed_and_saving_then_uploads(
    beto: Page, evidence: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("beto-retry") / "audio del operativo.m4a"
    sample(path, 5_000)
    narrative = "An unmarked car waited outside the meeting\nfor two hours."
    open_form(beto, evidence)
    fill_form(beto, narrative, tactic=False)
    beto.get_by_label("Evidence files (optional)").set_input_files(path)
    beto.get_by_role("button", name="Save incident").click()

    summary = beto.locator("#error-summary")
    expect(summary).to_be_visible(timeout=UNLOCK_SECONDS * 1000)
    expect(summary).to_be_focused()
    assert beto.url.endswith("/incidents/new")
    assert chosen_files(beto) == [path.name]
    expect(beto.locator("#evidence-status")).to_have_text(
        "Your files are still chosen: they are encrypted and attached once the incident is saved."
    )
    expect(beto.locator("#narrative")).to_have_value(narrative)
    expect(beto.locator("#occurred_on")).to_have_value("2024-05-01")

    beto.locator(f"#tactics-{TACTIC}").check()
    beto.get_by_role("button", name="Save incident").click()
    incident_id = saved_incident(beto)
    (item,) = attachments(evidence, evidence.beto, incident_id)
    assert item["completed_at"] is not None


def test_files_chosen_while_editing_are_attached_once_the_changes_are_saved(
    beto: Page, evidence: Scenario, logged: Logged, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("beto-edit") / "captura.png"
    sample(path, 2_000)
    beto.goto(f"{evidence.server.url}/incidents/{logged.incident_id}/edit")
    beto.locator("#city").fill("Tucson")
    beto.get_by_label("Evidence files (optional)").set_input_files(path)
    beto.get_by_role("button", name="Save changes").click()
    assert saved_incident(beto) == logged.incident_id
    expect(beto.locator(".facts")).to_contain_text("Tucson")
    expect(beto.locator("#evidence-heading + p")).to_have_text("2 encrypted attachments.")


def test_without_the_keys_in_this_tab_nothing_is_saved_and_the_files_stay(
    beto: Page, evidence: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Another tab of the same browser has the session but not the keys unlocked at login."""
    path = tmp_path_factory.mktemp("beto-no-keys") / "nota.txt"
    sample(path, 100)
    page = beto.context.new_page()
    try:
        open_form(page, evidence)
        fill_form(page, "Nobody should be saved from this tab.")
        page.get_by_label("Evidence files (optional)").set_input_files(path)
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        page.get_by_role("button", name="Save incident").click()
        expect(page.locator("#evidence-status")).to_contain_text(
            "Attaching files needs the keys you unlock by logging in with your Secret Key in "
            "this tab."
        )
        assert posts == []
        assert chosen_files(page) == [path.name]
        expect(page.locator("#narrative")).to_have_value("Nobody should be saved from this tab.")
    finally:
        page.close()


def test_the_form_runs_under_the_policy_and_fits_a_phone(
    beto: Page, evidence: Scenario, logged: Logged
) -> None:
    open_form(beto, evidence)
    assert beto.evaluate("window.cspViolations") == []
    assert beto.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_without_javascript_the_form_has_no_evidence_field(
    browser: Browser, evidence: Scenario, beto: Page
) -> None:
    context = browser.new_context(
        java_script_enabled=False, storage_state=beto.context.storage_state()
    )
    page = context.new_page()
    try:
        page.goto(f"{evidence.server.url}/incidents/new")
        expect(page.locator("#incident-form")).to_be_visible()
        expect(page.locator("#evidence-upload")).to_be_hidden()
        assert page.locator("#evidence-files").get_attribute("name") is None
    finally:
        context.close()
