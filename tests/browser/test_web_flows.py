"""The organizer's main flow in Chromium against a real server, in English and in Spanish: log
in with the Secret Key, log an incident with a file encrypted in the browser, find it on its
page and in the list. Another group's organizer and an attorney without a grant get the
not-found page for its address. Screenshots at phone and desktop width are kept as artifacts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from casebook.vocabulary import vocabularies
from tests.browser.web_app import (
    LOGIN_SECONDS,
    Site,
    choose_language,
    demo_email,
    log_in,
    new_context,
    page_locale,
    screenshots,
)
from tests.cli.evidence_scenario import Person, sample
from tests.conftest import PASSWORD

TACTIC = "arrest-at-check-in"

# What the organizer reads and clicks, written out in each language (not looked up in the
# catalogue, so an untranslated label fails here).
TEXTS = {
    "en": {
        "Email": "Email",
        "Password": "Password",
        "Secret Key": "Secret Key",
        "Log in": "Log in",
        "Log an incident": "Log an incident",
        "Date": "Date",
        "Narrative": "What happened, in your words",
        "Files": "Evidence files (optional)",
        "Save": "Save incident",
        "Incidents": "Incidents",
        "Incident of": "Incident of ",
        "Evidence": "Evidence",
        "One attachment": "1 encrypted attachment.",
        "Not found": "Not found",
    },
    "es": {
        "Email": "Correo electrónico",
        "Password": "Contraseña",
        "Secret Key": "Clave Secreta",
        "Log in": "Iniciar sesión",
        "Log an incident": "Registrar un incidente",
        "Date": "Fecha",
        "Narrative": "Qué pasó, en tus palabras",
        "Files": "Archivos de evidencia (opcional)",
        "Save": "Guardar el incidente",
        "Incidents": "Incidentes",
        "Incident of": "Incidente del ",
        "Evidence": "Evidencia",
        "One attachment": "1 adjunto cifrado.",
        "Not found": "No encontrado",
    },
}
INCIDENT_PATH = re.compile(r"/incidents/([0-9a-f-]{36})$")


@dataclass(frozen=True)
class Logged:
    """An incident an organizer logged through the pages."""

    incident_id: str
    narrative: str
    locale: str


def log_in_with_labels(page: Page, site: Site, person: Person, texts: dict[str, str]) -> None:
    page.goto(f"{site.url}/login")
    expect(page).to_have_title(f"{texts['Log in']} · Casebook")
    page.get_by_label(texts["Email"], exact=True).fill(person.email)
    page.get_by_label(texts["Password"], exact=True).fill(PASSWORD)
    page.get_by_label(texts["Secret Key"], exact=True).fill(site.secret_key(person))
    page.get_by_role("button", name=texts["Log in"], exact=True).click()
    page.wait_for_url(f"{site.url}/", timeout=LOGIN_SECONDS * 1000)


def log_incident(page: Page, site: Site, person: Person, locale: str, attachment: Path) -> Logged:
    """Log in, choose the language, and log an incident with one file from the dashboard."""
    texts = TEXTS[locale]
    log_in_with_labels(page, site, person, texts)
    choose_language(page, site.url, locale)
    page.goto(f"{site.url}/")
    screenshots(page, "dashboard")
    page.get_by_role("link", name=texts["Log an incident"], exact=True).click()
    expect(page).to_have_title(f"{texts['Log an incident']} · Casebook")
    screenshots(page, "incident-form")
    narrative = f"Two agents followed {person.name} from the check-in office ({locale})."
    page.get_by_label(texts["Date"], exact=True).fill("2025-02-03")
    tactic = vocabularies()["tactics"].terms[TACTIC].label(locale)
    page.get_by_label(tactic, exact=True).check()
    page.get_by_label(texts["Narrative"], exact=True).fill(narrative)
    files = page.get_by_label(texts["Files"], exact=True)
    expect(files).to_be_visible()
    files.set_input_files(attachment)
    page.get_by_role("button", name=texts["Save"], exact=True).click()
    page.wait_for_url(INCIDENT_PATH, timeout=60_000)
    match = INCIDENT_PATH.search(page.url)
    assert match
    return Logged(match.group(1), narrative, locale)


@pytest.fixture(scope="module")
def flows(
    browser: Browser, site: Site, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[Logged, Page]]]:
    """Beto logs an incident in English, Luz in Spanish, each in a browser of their own; their
    pages stay open on the new incident."""
    folder = tmp_path_factory.mktemp("attachments")
    logged: dict[str, tuple[Logged, Page]] = {}
    contexts = []
    for locale, person in (("en", site.beto), ("es", site.luz)):
        context = new_context(browser, locale)
        contexts.append(context)
        page = context.new_page()
        attachment = folder / f"{person.name}-citatorio.pdf"
        sample(attachment, 5000)
        logged[locale] = (log_incident(page, site, person, locale, attachment), page)
    yield logged
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale", ["en", "es"])
def test_an_organizer_logs_an_incident_with_a_file_and_finds_it_listed(
    flows: dict[str, tuple[Logged, Page]], site: Site, locale: str
) -> None:
    logged, page = flows[locale]
    texts = TEXTS[locale]
    assert page_locale(page) == locale
    expect(page.locator("h1")).to_contain_text(texts["Incident of"])
    narrative = page.get_by_role("region", name=texts["Narrative"], exact=True)
    expect(narrative).to_contain_text(logged.narrative)
    tactic = vocabularies()["tactics"].terms[TACTIC].label(locale)
    expect(page.get_by_role("main").get_by_text(tactic, exact=True)).to_be_visible()
    evidence = page.get_by_role("region", name=texts["Evidence"], exact=True)
    expect(evidence).to_contain_text(texts["One attachment"])
    screenshots(page, "incident")
    page.get_by_role("navigation").get_by_role("link", name=texts["Incidents"], exact=True).click()
    expect(page).to_have_title(f"{texts['Incidents']} · Casebook")
    expect(page.locator(f'a[href="/incidents/{logged.incident_id}"]')).to_have_count(1)


@pytest.mark.parametrize(
    ("account", "locale"),
    [("organizer.portland", "en"), ("attorney", "es")],
    ids=["organizer-of-another-group", "attorney-without-a-grant"],
)
def test_others_get_the_not_found_page_for_the_incident(
    browser: Browser, site: Site, flows: dict[str, tuple[Logged, Page]], account: str, locale: str
) -> None:
    context = new_context(browser, locale)
    try:
        page = context.new_page()
        log_in(page, site.url, demo_email(account))
        choose_language(page, site.url, locale)
        for logged, _ in flows.values():
            response = page.goto(f"{site.url}/incidents/{logged.incident_id}")
            assert response is not None
            assert response.status == 404
            expect(page.locator("h1")).to_have_text(TEXTS[locale]["Not found"])
            expect(page.get_by_text(logged.narrative)).to_have_count(0)
        screenshots(page, "not-found")
    finally:
        context.close()
