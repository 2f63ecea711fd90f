"""Translations of the web pages: English is the source language, Spanish comes from the Babel
catalogue in casebook/web/locale/es/LC_MESSAGES/messages.po.

The catalogue is read and compiled in memory at start-up, so there is no compiled `.mo` file to
build or keep in step. Strings are marked in templates with Jinja2's i18n extension
(`{% trans %}`, `_()`) and in Python with `_()` on a translator or `N_()` where the text is only
a message id to be translated later; `pybabel extract` (see babel.cfg) collects both."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from casebook.vocabulary import DEFAULT_LOCALE, LOCALES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The translations for `locale` (English, the source language, needs none)."""
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    with catalogue_path(locale).open("rb") as po:
        catalogue = read_po(po, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext_for(locale: str) -> Callable[[str], str]:
    return translations(locale).gettext


def supported(locale: str | None) -> str | None:
    """`locale` if Casebook speaks it (a region such as es-MX counts as es), else None."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].strip().lower()
    return language if language in LOCALES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most (RFC 9110 quality values), if any."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, parameters = item.partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        language = supported(tag.strip())
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None
