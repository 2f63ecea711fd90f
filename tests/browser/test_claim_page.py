"""The claim page in Chromium, as the demo attorney on a phone-sized screen: the demo claim's
timeline and chronology, exhibits added, reordered by dragging and by the buttons, and WCAG AA
in English and Spanish."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from casebook.claims.models import ClaimAction
from casebook.db import transaction
from casebook.evidence.models import Vault
from casebook.incidents.models import Incident
from casebook.runtime import Runtime
from tests.browser.test_accessibility import violations
from tests.browser.web_app import (
    Site,
    choose_language,
    demo_email,
    horizontal_overflow,
    log_in,
    new_context,
)
from tests.claims.scene import complete_attachment
from tests.cli.conftest import call


def add_evidence(site: Site, count: int) -> None:
    """Complete attachment rows on the demo claim's first adverse action."""

    async def work(runtime: Runtime) -> None:
        async with transaction(runtime.sessions) as session:
            incident = await session.scalar(
                select(Incident).join(ClaimAction).order_by(Incident.occurred_on).limit(1)
            )
            assert incident is not None
            vault = await session.scalar(select(Vault).where(Vault.group_id == incident.group_id))
            if vault is None:
                vault = Vault(id=uuid.uuid4(), group_id=incident.group_id)
                session.add(vault)
                await session.flush()
            for _ in range(count):
                assert incident.created_by is not None
                session.add(complete_attachment(incident.id, vault.id, incident.created_by))

    with ThreadPoolExecutor(max_workers=1) as pool:  # asyncio beside Playwright's loop
        pool.submit(call, site.server.settings, work).result()


@pytest.fixture(scope="module")
def attorney(browser: Browser, site: Site) -> Iterator[Page]:
    context = new_context(browser, "en")
    page = context.new_page()
    log_in(page, site.url, demo_email("attorney"))
    page.goto(f"{site.url}/claims")
    page.locator("main ul.records a").first.click()
    page.wait_for_url(f"{site.url}/claims/*")
    yield page
    context.close()


def labels(page: Page) -> list[str]:
    return page.locator("#exhibits-list .exhibit-label").all_inner_texts()


def descriptions(page: Page) -> list[str]:
    return [
        field.input_value()
        for field in page.locator("#exhibits-list input[name=description]").all()
    ]


def test_the_demo_claim_shows_its_timeline_and_chronology(attorney: Page) -> None:
    assert attorney.locator(".claim-timeline svg circle").count() > 0
    assert attorney.locator(".claim-timeline svg rect").count() > 0
    rows = attorney.locator("#chronology-heading ~ table tbody tr")
    assert (
        rows.count()
        == attorney.locator(".claim-timeline svg circle, .claim-timeline svg rect").count()
    )
    assert attorney.locator(".claim-action form").count() > 0
    assert horizontal_overflow(attorney) == 0


def test_exhibits_are_added_then_reordered_by_dragging_and_by_buttons(
    attorney: Page, site: Site
) -> None:
    add_evidence(site, 2)
    attorney.reload()
    for description in ("Photo of the unmarked car", "Video of the arrest"):
        attorney.locator("#add_attachment").select_option(index=1)
        attorney.locator("#add_description").fill(description)
        attorney.locator('button[value="add"]').click()
        attorney.wait_for_load_state()
    assert labels(attorney) == ["A", "B"]
    assert descriptions(attorney) == ["Photo of the unmarked car", "Video of the arrest"]

    items = attorney.locator("#exhibits-list [data-exhibit]")
    with attorney.expect_navigation():
        items.nth(1).drag_to(items.nth(0), target_position={"x": 5, "y": 2})
    assert descriptions(attorney) == ["Video of the arrest", "Photo of the unmarked car"]
    assert labels(attorney) == ["A", "B"], "labels follow the order"

    attorney.locator('#exhibits-list button[value^="move-down:"]').first.click()
    attorney.wait_for_load_state()
    assert descriptions(attorney) == ["Photo of the unmarked car", "Video of the arrest"]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_claim_page_meets_wcag_aa(browser: Browser, site: Site, locale: str) -> None:
    context = new_context(browser, locale)
    page = context.new_page()
    log_in(page, site.url, demo_email("attorney"))
    choose_language(page, site.url, locale)
    page.goto(f"{site.url}/claims")
    assert violations(page) == [], page.url
    page.locator("main ul.records a").first.click()
    page.wait_for_load_state()
    assert violations(page) == [], page.url
    page.goto(f"{site.url}/claims/new")
    assert violations(page) == [], page.url
    context.close()
