"""Accessibility of the main pages, checked in Chromium by axe-core (installed by `npm ci` from
package-lock.json) against WCAG 2.1 A and AA: every field labelled, sufficient contrast, names
for links and buttons, landmarks, valid ARIA. On a 360 px wide screen, in English and Spanish,
and for a form shown again with its errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from casebook.config import REPO_ROOT
from casebook.demo.seed import DEMO_PASSWORD
from tests.browser.web_app import Site, choose_language, demo_email, log_in, new_context

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ORGANIZER_PAGES = [
    "/",
    "/incidents",
    "/incidents/new",
    "/people",
    "/activities",
    "/groups",
    "/account",
    "/reports",
    "/reports?show=1",
]
RESEARCHER_PAGES = ["/reports", "/reports?show=1"]
ADMIN_PAGES = ["/admin", "/admin/users", "/admin/invitations", "/admin/groups", "/admin/audit"]


def violations(page: Page) -> list[str]:
    """axe-core's findings on the open page, one line each: rule, impact, first element."""
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy (which
    # rightly refuses injected scripts) does not stop the checker.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, html: v.nodes[0].html,"
        " count: v.nodes.length}))",
        WCAG,
    )
    return [f"{v['id']} ({v['impact']}, {v['count']}x): {v['html'][:160]}" for v in found]


def first_link(page: Page, prefix: str) -> str:
    """The first link on the open page to a record under `prefix` (e.g. /people/)."""
    href = page.eval_on_selector_all(
        "main a[href]",
        "(links, prefix) => links.map(a => a.getAttribute('href'))"
        ".find(h => h.startsWith(prefix) && /[0-9a-f-]{36}$/.test(h))",
        prefix,
    )
    assert href, f"no link to {prefix}… on {page.url}"
    return str(href)


@pytest.fixture(scope="module", params=["en", "es"])
def organizer(request: pytest.FixtureRequest, browser: Browser, site: Site) -> Iterator[Page]:
    context = new_context(browser, request.param)
    page = context.new_page()
    log_in(page, site.url, demo_email("organizer.seattle"))
    choose_language(page, site.url, request.param)
    yield page
    context.close()


def test_the_login_page_meets_wcag_aa(browser: Browser, site: Site) -> None:
    context = new_context(browser, "es")
    page = context.new_page()
    page.goto(f"{site.url}/login")
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize("path", ORGANIZER_PAGES)
def test_organizer_pages_meet_wcag_aa(organizer: Page, site: Site, path: str) -> None:
    organizer.goto(site.url + path)
    assert violations(organizer) == [], organizer.url


@pytest.mark.parametrize("listing", ["/incidents", "/people", "/activities", "/groups"])
def test_record_pages_meet_wcag_aa(organizer: Page, site: Site, listing: str) -> None:
    organizer.goto(site.url + listing)
    organizer.goto(site.url + first_link(organizer, listing + "/"))
    assert violations(organizer) == [], organizer.url


def test_a_form_shown_again_with_errors_meets_wcag_aa(organizer: Page, site: Site) -> None:
    organizer.goto(f"{site.url}/incidents/new")
    organizer.locator("#incident-form button[type=submit]").last.click()
    organizer.wait_for_load_state()
    assert organizer.locator(".field-error").count() > 0
    assert violations(organizer) == [], organizer.url


@pytest.mark.parametrize(
    ("account", "path"),
    [("admin", path) for path in ADMIN_PAGES] + [("researcher", path) for path in RESEARCHER_PAGES],
)
def test_admin_and_researcher_pages_meet_wcag_aa(
    browser: Browser, site: Site, account: str, path: str
) -> None:
    context = new_context(browser, "en")
    page = context.new_page()
    log_in(page, site.url, demo_email(account))
    page.goto(site.url + path)
    assert violations(page) == [], page.url
    context.close()


def test_logging_in_and_moving_around_needs_only_the_keyboard(browser: Browser, site: Site) -> None:
    context = new_context(browser, "en")
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for field, text in [("email", demo_email("organizer.seattle")), ("password", DEMO_PASSWORD)]:
        while page.evaluate("document.activeElement.id") != field:
            page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "after the skip link, Tab moves into the page's content"
    context.close()
