"""Shared pieces of the browser tests of the web app: a server holding the demo data plus one
group whose organizers have keys and an evidence vault, logging in and choosing the language
through the pages, screenshots, and the check that no English string is left on a Spanish
page."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from casebook.config import REPO_ROOT
from casebook.crypto.kdf import format_secret_key
from casebook.demo.seed import DEMO_PASSWORD, EMAIL_DOMAIN, seed_demo
from casebook.runtime import Runtime
from casebook.vocabulary import vocabularies
from casebook.web.i18n import catalogue_path
from tests.cli.conftest import LiveServer, call
from tests.cli.evidence_scenario import Person
from tests.conftest import PASSWORD, World

PHONE = ViewportSize(width=360, height=800)
DESKTOP = ViewportSize(width=1280, height=900)
LOGIN_SECONDS = 60
DEMO_INCIDENTS = 200


def demo_email(local: str) -> str:
    """A demo account's email: `admin`, `organizer.seattle`, `attorney`, `researcher`..."""
    return f"{local}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Site:
    """The demo data, plus Colectiva Sur: Rosa coordinates it and its vault; Beto (English)
    and Luz (Spanish) are members who may add evidence. No demo account belongs to it or
    holds a grant for it."""

    server: LiveServer
    group_id: str
    rosa: Person
    beto: Person
    luz: Person

    @property
    def url(self) -> str:
        return self.server.url

    def secret_key(self, person: Person) -> str:
        """The Secret Key from the person's emergency kit, as they would type it."""
        return format_secret_key(person.secret_key(self.url))


def build_site(server: LiveServer, homes: Path) -> Site:
    """Fill the server's database with demo data and Colectiva Sur, log its organizers in with
    the command line (which sets up their keys) and create the group's vault. Runs asyncio:
    call it on a thread where Playwright's event loop is not running."""

    async def build(runtime: Runtime) -> tuple[str, dict[str, Person]]:
        await seed_demo(runtime, incidents=DEMO_INCIDENTS)
        world = World(runtime)
        group = await world.group("Colectiva Sur")
        roles = {"rosa": "coordinator", "beto": "member", "luz": "member"}
        people = {}
        for name, role in roles.items():
            account = await world.account(
                "organizer", groups={group: role}, email=f"{name}@sur.example.org"
            )
            people[name] = Person(name, account.user.email, str(account.id), homes / name)
        return str(group.id), people

    group_id, people = call(server.settings, build)
    for person in people.values():
        person.ok(["login", "--server", server.url, "--email", person.email], PASSWORD, "")
    rosa, beto, luz = people["rosa"], people["beto"], people["luz"]
    writers = ["--writer", beto.user_id, "--writer", luz.user_id]
    rosa.unlocked(["vault", "create", group_id, "--single-reader", *writers])
    return Site(server, group_id, rosa, beto, luz)


def log_in(page: Page, url: str, email: str) -> None:
    """Log a demo account in on /login (by the fields' ids, whatever the page's language; demo
    accounts have no keys, so the Secret Key stays empty) and wait for the dashboard."""
    page.goto(f"{url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#login-button").click()
    page.wait_for_url(f"{url}/", timeout=LOGIN_SECONDS * 1000)


def new_context(browser: Browser, locale: str = "en") -> BrowserContext:
    """A fresh browser profile on a phone-sized screen, its browser set to `locale`."""
    context = browser.new_context(viewport=PHONE, locale="es-419" if locale == "es" else "en-US")
    return context


def choose_language(page: Page, url: str, locale: str) -> None:
    """Choose the language of the pages on /account, as the person would."""
    page.goto(f"{url}/account")
    page.locator(f"#locale-{locale}").check()
    page.locator('form[action="/account"] button[type="submit"]').click()
    page.wait_for_url(f"{url}/account?saved=1")
    assert page_locale(page) == locale


def page_locale(page: Page) -> str:
    """The language the open page is in (its <html lang>)."""
    locale: str = page.evaluate("document.documentElement.lang")
    return locale


# Screenshots -------------------------------------------------------------------------------


def artifacts_dir() -> Path:
    configured = os.environ.get("CASEBOOK_TEST_ARTIFACTS")
    folder = Path(configured) if configured else REPO_ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    overflow: int = page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )
    return overflow


def screenshots(page: Page, name: str) -> None:
    """Full-page screenshots of the open page at phone and desktop width, named after the page,
    the width and the page's language; at phone width nothing may scroll sideways."""
    locale = page_locale(page)
    original = page.viewport_size
    try:
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            width = size["width"]
            page.screenshot(path=artifacts_dir() / f"{name}-{width}px-{locale}.png", full_page=True)
            if size is PHONE:
                assert horizontal_overflow(page) == 0, f"{page.url} scrolls sideways at {width} px"
    finally:
        if original:
            page.set_viewport_size(original)


# Missing translations ----------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

# Every text a person can read or hear on the page: text nodes (and the text of elements that
# mix text and markup, so "Since <time>…</time>" is seen whole), the title, placeholders,
# accessible names, button values and the translated messages kept for the scripts. Text
# inside an element marked with another language than the page's (lang="…") is left out.
PAGE_TEXTS = """() => {
  const pageLang = document.documentElement.lang;
  const found = new Set();
  const norm = (s) => (s || "").replace(/\\s+/g, " ").trim();
  const foreign = (el) => {
    const marked = el.closest("[lang]");
    return marked !== null && marked.lang !== pageLang;
  };
  const add = (text, el) => { const t = norm(text); if (t && !foreign(el)) found.add(t); };
  add(document.title, document.documentElement);
  const skipped = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  for (const el of document.querySelectorAll("*")) {
    if (skipped.has(el.tagName)) continue;
    for (const name of ["placeholder", "aria-label", "title", "alt"]) {
      if (el.hasAttribute(name)) add(el.getAttribute(name), el);
    }
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)) {
      add(el.value, el);
    }
    if (el.id === "messages" || el.classList.contains("messages")) {
      for (const attribute of el.attributes) {
        if (attribute.name.startsWith("data-")) add(attribute.value, el);
      }
    }
    let text = false, markup = false;
    for (const node of el.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        add(node.nodeValue, el);
        text ||= norm(node.nodeValue) !== "";
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        markup = true;
      }
    }
    if (text && markup && el.textContent.length <= 300) add(el.textContent, el);
  }
  return [...found];
}"""


@dataclass(frozen=True)
class EnglishText:
    """English strings that have a different Spanish translation: on a Spanish page, each is a
    missing translation. Strings of three words or more are also found inside longer texts."""

    exact: frozenset[str]
    contained: tuple[str, ...]
    patterns: tuple[tuple[str, re.Pattern[str], bool], ...]  # (msgid, pattern, contained)

    def found_in(self, texts: list[str]) -> list[str]:
        """The English strings that occur in `texts`."""
        hits = {text for text in texts if text in self.exact}
        hits |= {msgid for msgid in self.contained for text in texts if msgid in text}
        for msgid, pattern, contained in self.patterns:
            match = pattern.search if contained else pattern.fullmatch
            hits |= {msgid for text in texts if match(text)}
        return sorted(hits)


def _forms(text: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """A catalogue entry's singular and plural forms (one form when it has no plural)."""
    return [text] if isinstance(text, str) else list(text or [])


def _words(msgid: str) -> int:
    return len(PLACEHOLDER.sub("", msgid).split())


def _pattern(msgid: str) -> re.Pattern[str]:
    """`msgid` with each placeholder matching any text."""
    pieces = PLACEHOLDER.split(msgid.replace("%%", "%"))
    return re.compile(".+?".join(re.escape(piece) for piece in pieces))


@cache
def english_text() -> EnglishText:
    """The catalogue's msgids whose Spanish differs (or is missing), and the English labels and
    descriptions of vocabulary terms that differ from their Spanish ones."""
    with catalogue_path("es").open("rb") as po:
        catalogue = read_po(po, locale="es")
    english: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or [])
        )
        english |= {msgid for msgid in ids if msgid not in strings}
    exact = {m for m in english if not PLACEHOLDER.search(m)}
    patterns = tuple((m, _pattern(m), _words(m) >= 3) for m in english if PLACEHOLDER.search(m))
    contained = tuple(m for m in exact if _words(m) >= 3)
    for vocabulary in vocabularies().values():
        for term in vocabulary.terms.values():
            for texts in (term.labels, term.descriptions):
                if texts.get("en") and texts.get("en") != texts.get("es"):
                    exact.add(texts["en"])
    return EnglishText(frozenset(exact), contained, patterns)


def untranslated(page: Page) -> list[str]:
    """English strings left on the open (Spanish) page."""
    texts: list[str] = page.evaluate(PAGE_TEXTS)
    return english_text().found_in(texts)
