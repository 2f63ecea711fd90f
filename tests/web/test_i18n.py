"""Choosing the language of a page and showing dates in it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine

from casebook.config import REPO_ROOT
from casebook.web.i18n import from_accept_language, supported, translations
from casebook.web.templating import configure


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-GB,es;q=0.5", "en"),
        ("fr-FR,es;q=0.3,en;q=0.2", "es"),
        ("es;q=0.1,en;q=0.9", "en"),
        ("en;q=0,es;q=0.5", "es"),
        ("es;q=0", None),
        ("fr, de", None),
        ("*", None),
        ("es;q=abc, en", "en"),
        ("", None),
        (None, None),
    ],
)
def test_the_browsers_preferred_supported_language_wins(
    header: str | None, expected: str | None
) -> None:
    assert from_accept_language(header) == expected


@given(st.text(max_size=200))
def test_any_accept_language_header_gives_a_supported_language_or_none(header: str) -> None:
    assert from_accept_language(header) in (None, "en", "es")


@pytest.mark.parametrize(
    ("tag", "expected"), [("es_MX", "es"), ("ES", "es"), ("en-US", "en"), ("pt-BR", None)]
)
def test_regional_variants_count_as_their_language(tag: str, expected: str | None) -> None:
    assert supported(tag) == expected


def test_spanish_translations_come_from_the_catalogue() -> None:
    assert translations("es").gettext("Log out") == "Cerrar sesión"
    assert translations("en").gettext("Log out") == "Log out"


def _environment() -> Environment:
    engine = JinjaTemplateEngine(directory=REPO_ROOT / "templates")
    configure(engine)
    return engine.engine


@pytest.mark.parametrize(
    ("locale", "precision", "expected"),
    [
        ("en", "day", "Mar 4, 2025"),
        ("es", "day", "4 mar 2025"),
        ("en", "month", "March 2025"),
        ("es", "month", "marzo de 2025"),
        ("es", "year", "2025"),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(
    locale: str, precision: str, expected: str
) -> None:
    template = _environment().from_string("{{ day | date(precision) }}")
    rendered = template.render(locale=locale, day=date(2025, 3, 4), precision=precision)
    assert rendered == expected


def test_placeholders_in_translated_text_are_escaped() -> None:
    template = _environment().from_string(
        "{{ _('Signed in as %(email)s (%(role)s).', email=e, role='x') }}"
    )
    rendered = template.render(locale="es", e="<b>@example.org")
    assert rendered == "Sesión iniciada como &lt;b&gt;@example.org (x)."
