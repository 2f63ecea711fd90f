"""A crawl of the pages per role, in Chromium on a phone-sized screen: each demo account logs in,
chooses its language on /account, then follows every link it is shown (breadth first, a few
URLs per kind of page). No page may fail, log a script error, scroll sideways or, in Spanish,
show an English string of the catalogue or an English vocabulary label."""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page

from casebook.web.i18n import gettext_for
from tests.browser.web_app import (
    PHONE,
    Site,
    choose_language,
    demo_email,
    horizontal_overflow,
    log_in,
    new_context,
    untranslated,
)

SKIPPED = ("/static/", "/schema", "/api/", "/logout", "/login")
PER_KIND = 3
MOST_PAGES = 150
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")
FAILED_LOAD = "Failed to load resource: the server responded with a status of 4"
FAILED = {"en": "Something went wrong", "es": gettext_for("es")("Something went wrong")}


def kind(url: str) -> str:
    """The kind of page a URL opens: its path with ids replaced, and its query's names."""
    parts = urlsplit(url)
    path = NUMBER.sub("{n}", UUID.sub("{id}", parts.path))
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(names) if names else "")


def followed(url: str, origin: str) -> bool:
    path = urlsplit(url).path
    return url.startswith(origin + "/") and not path.startswith(SKIPPED)


@dataclass
class Crawl:
    page: Page
    origin: str
    locale: str
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        """Errors logged on the page, except Chromium's note that the page itself came with an
        error status (a form shown again with its field messages answers 422)."""
        document = message.text.startswith(FAILED_LOAD) and message.location["url"] == self.page.url
        if message.type == "error" and not document:
            self.errors.append(f"console error: {message.text}")

    def run(self) -> None:
        """Breadth first from the dashboard, at most PER_KIND URLs of each kind."""
        queue, seen, kinds = deque([f"{self.origin}/"]), {f"{self.origin}/"}, Counter[str]()
        while queue and len(self.visited) < MOST_PAGES:
            url = queue.popleft()
            if kinds[kind(url)] >= PER_KIND:
                continue
            kinds[kind(url)] += 1
            for link in self.visit(url):
                if link not in seen and followed(link, self.origin):
                    seen.add(link)
                    queue.append(link)

    def visit(self, url: str) -> list[str]:
        """Open `url`, note what is wrong with it, and return its links."""
        self.visited.append(url)
        self.errors.clear()
        try:
            response = self.page.goto(url)
        except Error as error:
            self.problems.append(f"{url}: did not load: {error.message}")
            return []
        status = response.status if response else 0
        if status >= 400:
            self.problems.append(f"{url}: status {status}")
        for problem in self.check():
            self.problems.append(f"{url}: {problem}")
        links: list[str] = self.page.eval_on_selector_all(
            "a[href]", "links => links.map((a) => a.href)"
        )
        return [urldefrag(link).url for link in links]

    def check(self) -> Iterator[str]:
        page = self.page
        if urlsplit(page.url).path == "/login":
            yield "the link led to the login page: the session ended"
        headings = page.locator("h1").all_inner_texts()
        if FAILED[self.locale] in headings or FAILED["en"] in headings:
            yield "the 'Something went wrong' page"
        yield from self.errors
        if overflow := horizontal_overflow(page):
            yield f"scrolls sideways by {overflow} px at {PHONE['width']} px"
        if self.locale == "es":
            yield from (f"English text on a Spanish page: {text!r}" for text in untranslated(page))


ROLES = [
    pytest.param("organizer.seattle", "es", id="organizer-es"),
    pytest.param("organizer.tacoma", "en", id="organizer-en"),
    pytest.param("attorney", "es", id="attorney-es"),
    pytest.param("admin", "es", id="admin-es"),
    pytest.param("researcher", "es", id="researcher-es"),
]


@pytest.mark.parametrize(("account", "locale"), ROLES)
def test_every_page_a_role_reaches_works_and_is_translated(
    browser: Browser, site: Site, account: str, locale: str
) -> None:
    context = new_context(browser, locale)
    try:
        page = context.new_page()
        log_in(page, site.url, demo_email(account))
        choose_language(page, site.url, locale)
        crawl = Crawl(page, site.url, locale)
        started = time.monotonic()
        crawl.run()
        seconds = time.monotonic() - started
    finally:
        context.close()
    kinds = len({kind(url) for url in crawl.visited})
    print(f"{account} ({locale}): {len(crawl.visited)} pages of {kinds} kinds in {seconds:.1f} s")
    assert not crawl.problems, "\n".join(crawl.problems)
    assert len(crawl.visited) > 1, "the dashboard links to no page"


FORMS = ["/incidents/new", "/people/new", "/activities/new"]


def test_forms_sent_empty_answer_with_field_messages_in_spanish(
    browser: Browser, site: Site
) -> None:
    """The crawl only reads pages; the field messages appear when a form is sent. Yakima's
    organizer (Spanish in the demo data) sends each new-record form empty."""
    context = new_context(browser, "es")
    try:
        page = context.new_page()
        log_in(page, site.url, demo_email("organizer.yakima"))
        choose_language(page, site.url, "es")
        crawl = Crawl(page, site.url, "es")
        for path in FORMS:
            page.goto(f"{site.url}{path}")
            crawl.errors.clear()
            page.locator("main form[method=post] button[type=submit]").click()
            page.locator("#error-summary").wait_for()
            crawl.problems += [f"{path}, sent empty: {problem}" for problem in crawl.check()]
    finally:
        context.close()
    assert not crawl.problems, "\n".join(crawl.problems)
