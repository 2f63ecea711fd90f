"""The evidence page (/incidents/{id}/evidence) in Chromium against a real server: a writer
unlocks their keys and adds a file encrypted in the browser; a reader decrypts it, and a file
the CLI added, byte for byte with the signed manifest shown; a tampered blob, weak
key-derivation parameters and a rolled-back membership log are refused with a message and no
file; file names from manifests are cleaned as the CLI cleans them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from casebook.cli.attachments import safe_name
from casebook.crypto.fingerprints import identity_safety_number, key_safety_number
from casebook.crypto.keys import PublicIdentity
from casebook.encoding import b64decode
from tests.browser.conftest import b64
from tests.browser.evidence_pages import (
    PHONE,
    UNLOCK_SECONDS,
    EvidencePage,
    Upload,
    evidence,
    phone_profile,
    secret_key,
)
from tests.cli.evidence_scenario import (
    Person,
    Scenario,
    added_ids,
    module_server,
    sample,
    scenario,
)

__all__ = ["evidence", "module_server", "scenario"]  # module-scoped fixtures


def identity(scenario: Scenario, person: Person) -> PublicIdentity:
    keys = person.api(scenario.server, "GET", "/api/v1/me/keys").json()
    return PublicIdentity.from_json(keys["bundle"]["identity"])


@pytest.fixture(scope="module")
def pages(browser: Browser, evidence: Scenario) -> Iterator[list[EvidencePage]]:
    """Open evidence pages, each in a browser profile of its own, on a phone-sized screen."""
    opened: list[EvidencePage] = []
    yield opened
    for page in opened:
        page.page.context.close()


def open_page(browser: Browser, scenario: Scenario, pages: list[EvidencePage]) -> EvidencePage:
    page = phone_profile(browser).new_page()
    page.goto(f"{scenario.server.url}/incidents/{scenario.incident_id}/evidence")
    opened = EvidencePage(page, scenario)
    expect(opened.status).to_contain_text("Ready:")
    pages.append(opened)
    return opened


@pytest.fixture(scope="module")
def browser_upload(
    browser: Browser,
    evidence: Scenario,
    pages: list[EvidencePage],
    tmp_path_factory: pytest.TempPathFactory,
) -> Upload:
    """Beto adds a two-chunk photo through the page."""
    path = tmp_path_factory.mktemp("beto-browser") / "vigilia frente al juzgado.jpg"
    data = sample(path, 100_000)
    writer = open_page(browser, evidence, pages)
    writer.unlock(evidence.beto)
    writer.page.get_by_label("Files to encrypt and add").set_input_files(path)
    writer.page.get_by_role("button", name="Encrypt and upload").click()
    added = writer.page.locator("#added li")
    expect(added).to_contain_text(f"Added {path.name} as attachment ", timeout=30_000)
    expect(added).to_contain_text(f"SHA-256 {hashlib.sha256(data).hexdigest()}")
    expect(writer.status).to_have_text(
        f"Added {path.name}: encrypted in this browser, uploaded and signed."
    )
    attachment_id = added.inner_text().split(" as attachment ")[1].split(",")[0]
    return Upload(attachment_id, path.name, data)


@pytest.fixture(scope="module")
def cli_uploads(evidence: Scenario, tmp_path_factory: pytest.TempPathFactory) -> list[Upload]:
    """Beto adds a note and a short message with the CLI client."""
    folder = tmp_path_factory.mktemp("beto-cli")
    files = {
        "note.txt": sample(folder / "note.txt", 3000),
        "sms.txt": sample(folder / "sms.txt", 20),
    }
    args = ["evidence", "add", evidence.incident_id, *(str(folder / name) for name in files)]
    ids = added_ids(evidence.beto.unlocked(args))
    return [Upload(i, name, data) for i, (name, data) in zip(ids, files.items(), strict=True)]


@pytest.fixture(scope="module")
def reader(
    browser: Browser,
    evidence: Scenario,
    pages: list[EvidencePage],
    browser_upload: Upload,
    cli_uploads: list[Upload],
) -> EvidencePage:
    """Lupe's page, unlocked once everything was added."""
    page = open_page(browser, evidence, pages)
    page.unlock(evidence.lupe, remember=True)
    return page


def test_a_writer_sees_no_decrypt_button_and_readers_see_no_add_form(
    evidence: Scenario, browser_upload: Upload, reader: EvidencePage, pages: list[EvidencePage]
) -> None:
    writer = pages[0]
    expect(writer.page.locator("#attachments-note")).to_have_text(
        "Only readers of the group's vault can decrypt these."
    )
    expect(writer.attachment(browser_upload.attachment_id).get_by_role("button")).to_have_count(0)
    expect(reader.page.locator("#add")).to_be_hidden()


def test_a_file_added_in_the_browser_decrypts_byte_for_byte_for_a_reader(
    evidence: Scenario, browser_upload: Upload, reader: EvidencePage
) -> None:
    assert reader.decrypt_and_save(browser_upload) == browser_upload.data
    details = reader.attachment(browser_upload.attachment_id).locator("dl")
    expect(details).to_contain_text(browser_upload.name)
    expect(details).to_contain_text("image/jpeg")
    expect(details).to_contain_text(f"{len(browser_upload.data)} bytes")
    expect(details).to_contain_text(hashlib.sha256(browser_upload.data).hexdigest())
    expect(details).to_contain_text(
        hashlib.blake2b(browser_upload.data, digest_size=32).hexdigest()
    )
    expect(details).to_contain_text(evidence.beto.user_id)
    expect(details).to_contain_text(identity_safety_number(identity(evidence, evidence.beto)))


def test_a_file_added_with_the_cli_decrypts_in_the_browser(
    cli_uploads: list[Upload], reader: EvidencePage
) -> None:
    note = cli_uploads[0]
    assert reader.decrypt_and_save(note) == note.data
    expect(reader.attachment(note.attachment_id).locator("dl")).to_contain_text("text/plain")


def test_the_page_runs_under_the_policy_and_fits_a_phone(reader: EvidencePage) -> None:
    assert reader.page.evaluate("window.cspViolations") == []
    width = reader.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_the_page_shows_safety_numbers_to_compare_out_of_band(
    evidence: Scenario, reader: EvidencePage
) -> None:
    page = reader.page
    own = identity_safety_number(identity(evidence, evidence.lupe))
    expect(page.locator("#my-safety-number")).to_have_text(own)
    genesis = evidence.lupe.api(
        evidence.server, "GET", f"/api/v1/groups/{evidence.group_id}/vault"
    ).json()["log"][0]["entry"]["body"]
    escrow = key_safety_number(b64decode(genesis["escrow_pk"]))
    expect(page.locator("#escrow-safety-number")).to_have_text(escrow)
    admin = key_safety_number(b64decode(genesis["admin_sign_pk"]))
    expect(page.locator("#admin-safety-number")).to_have_text(admin)


def test_the_secret_key_is_remembered_only_when_asked(
    evidence: Scenario, reader: EvidencePage, pages: list[EvidencePage]
) -> None:
    remembered = reader.page.evaluate("localStorage.getItem('casebook.secret-keys')")
    assert json.loads(remembered) == {evidence.lupe.email: secret_key(evidence, evidence.lupe)}
    heads = json.loads(reader.page.evaluate("localStorage.getItem('casebook.log-heads')"))
    assert list(heads) == [evidence.group_id]
    writer = pages[0]
    assert writer.page.evaluate("localStorage.getItem('casebook.secret-keys')") == "{}"


def test_a_tampered_blob_is_refused_and_no_file_is_offered(
    evidence: Scenario, cli_uploads: list[Upload], reader: EvidencePage
) -> None:
    sms = cli_uploads[1]
    items = evidence.lupe.api(
        evidence.server, "GET", f"/api/v1/incidents/{evidence.incident_id}/attachments"
    ).json()["items"]
    size = next(item["ciphertext_size"] for item in items if item["id"] == sms.attachment_id)
    blobs = evidence.server.settings.data_dir / "blobs"
    (blob,) = [p for p in blobs.rglob("*") if p.is_file() and p.stat().st_size == size]
    original = blob.read_bytes()
    blob.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    entry = reader.attachment(sms.attachment_id)
    try:
        entry.get_by_role("button", name=f"Decrypt attachment {sms.attachment_id}").click()
        expect(reader.status).to_have_text(
            f"Refusing attachment {sms.attachment_id}: the encrypted file differs from the one "
            "its uploader signed. No file was offered."
        )
    finally:
        blob.write_bytes(original)
    expect(entry.get_by_role("link")).to_have_count(0)
    expect(reader.page.locator("#progress-line")).to_be_hidden()


def test_weak_key_derivation_parameters_are_refused_before_deriving(
    browser: Browser, evidence: Scenario, pages: list[EvidencePage]
) -> None:
    page = open_page(browser, evidence, pages)

    def weak(route: Route) -> None:
        salt = b64(bytes(16))
        body = {"alg": "argon2id13", "opslimit": 2, "memlimit": 67108864, "salt": salt}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.page.route("**/api/v1/auth/kdf-params", weak)
    page.submit_unlock(evidence.beto)
    expect(page.status).to_contain_text(
        "refusing Argon2id parameters opslimit=2, memlimit=67108864: they are weaker than the "
        "minimum this client accepts"
    )
    expect(page.page.locator("#evidence")).to_be_hidden()


def test_a_membership_log_rolled_back_is_refused_with_the_verifiers_message(
    evidence: Scenario, reader: EvidencePage
) -> None:
    """Lupe's browser remembered the vault's log head; a server serving an older log (here:
    none of it) is refused."""
    page = reader.page.context.new_page()

    def rolled_back(route: Route) -> None:
        served = route.fetch().json()
        route.fulfill(json={**served, "log": served["log"][:0]})

    page.route(f"**/api/v1/groups/{evidence.group_id}/vault", rolled_back)
    page.goto(reader.page.url)
    again = EvidencePage(page, evidence)
    expect(again.status).to_contain_text("Ready:")
    again.submit_unlock(evidence.lupe)
    expect(again.status).to_have_text(
        f"Refusing the vault of group {evidence.group_id}: the membership log of "
        f"'{evidence.group_id}' has 0 entries, but this device already verified entry 0: the "
        "server rolled the log back (perhaps to hide a removal); refusing it. Nothing was read "
        "from it or added to it. If this persists, tell the group's coordinator: the server may "
        "be serving keys or a history that the coordinator did not sign.",
        timeout=UNLOCK_SECONDS * 1000,
    )
    expect(page.locator("#evidence")).to_be_hidden()
    page.close()


NAMES = [
    "march.mp4",
    "vigilia en el centro.jpg",
    "../../.bashrc",
    "..\\..\\boot.ini",
    ".hidden",
    "evil\x1b[2Jname\u202etxt.exe",
    "line\nbreak\ttab.txt",
    "..",
    "",
    "é" * 101,
]


def test_file_names_from_manifests_are_cleaned_as_the_cli_cleans_them(page: Page) -> None:
    cleaned = page.evaluate(
        """async (names) => {
            const { safeName } = await import("/static/js/evidence.js");
            return names.map((name) => safeName(name, "fallback"));
        }""",
        NAMES,
    )
    assert cleaned == [safe_name(name, "fallback") for name in NAMES]
