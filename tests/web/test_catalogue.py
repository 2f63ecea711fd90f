"""The Spanish catalogue is complete and every template's text goes through it.

Two ways a page could show English to a Spanish reader: a marked string without a translation
(the catalogue is out of date), or text that was never marked. The first is caught by
extracting the marked strings the way scripts/translations does; the second by reading every
template for text outside Jinja2's translation calls."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from casebook.config import REPO_ROOT
from casebook.web.i18n import catalogue_path

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "FieldError": (2,),
    "single": (2,),
}
METHODS = [
    ("casebook/**.py", "python"),
    ("templates/**.html", "jinja2"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
TEMPLATES = REPO_ROOT / "templates"
# Text a template may show untranslated: the product's name and each language's own name.
UNTRANSLATED_ON_PURPOSE = ("Casebook", "English", "Español")
VISIBLE_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "label"})
# Commands and values shown as typed, the same in every language.
LITERAL_ELEMENTS = frozenset({"code", "kbd", "samp"})
# A template fragment that renders attributes for a tag of another template: name="value".
ATTRIBUTE = re.compile(r'[\w:-]+="[^"]*"')


def marked_strings() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        REPO_ROOT, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    with catalogue_path("es").open("rb") as po:
        return read_po(po, locale="es")


def test_every_marked_string_has_a_spanish_translation(spanish: Catalog) -> None:
    untranslated = []
    for message_id in sorted(marked_strings()):
        entry = spanish.get(message_id)
        strings = entry.string if entry is not None else ""
        forms = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(forms):
            untranslated.append(message_id)
    assert not untranslated, f"run scripts/translations and translate: {untranslated}"


def test_the_catalogue_holds_no_stale_strings(spanish: Catalog) -> None:
    stale = {entry.id if isinstance(entry.id, str) else entry.id[0] for entry in spanish}
    stale -= marked_strings() | {""}
    assert not stale, f"no longer used (scripts/translations drops them): {sorted(stale)}"


def test_translations_keep_every_placeholder(spanish: Catalog) -> None:
    problems = [(entry.id, errors) for entry, errors in spanish.check() if errors]
    assert not problems


class _VisibleText(HTMLParser):
    """Collects text a reader would see: text between tags (except commands in <code>) and the
    attributes shown as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.literal_depth = 0

    def handle_data(self, data: str) -> None:
        if not self.literal_depth:
            self.texts.append(ATTRIBUTE.sub(" ", data))

    def handle_endtag(self, tag: str) -> None:
        if tag in LITERAL_ELEMENTS:
            self.literal_depth = max(0, self.literal_depth - 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LITERAL_ELEMENTS:
            self.literal_depth += 1
        shown = dict(attrs)
        self.texts += [v or "" for k, v in attrs if k in VISIBLE_ATTRIBUTES]
        if tag == "input" and shown.get("type") in ("submit", "button"):
            self.texts.append(shown.get("value") or "")


def untranslated_text(source: str) -> list[str]:
    """Words of `source` (a template) that would reach the page without a translation."""
    source = re.sub(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}|{{.*?}}|{%.*?%}", " ", source, flags=re.S)
    parser = _VisibleText()
    parser.feed(source)
    found = []
    for text in parser.texts:
        for allowed in UNTRANSLATED_ON_PURPOSE:
            text = text.replace(allowed, "")
        if re.search(r"[^\W\d_]", text):
            found.append(text.strip())
    return found


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_show_no_text_outside_translations(template: Path) -> None:
    assert untranslated_text(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<p>{{ _("Saved.") }}</p>', []),
        ("<p>Saved.</p>", ["Saved."]),
        ('<input placeholder="Search">', ["Search"]),
        ("<button aria-label=\"{{ _('Close') }}\">&times;</button>", []),
        ("<h1>{% trans %}Hello {{ name }}{% endtrans %}</h1>", []),
        ("<title>{% block title %}Casebook{% endblock %}</title>", []),
        ("{# a comment with words #}<br>", []),
        ("<td>{{ count }} incidents</td>", ["incidents"]),
        ("data-ready=\"{{ _('Ready.') }}\"", []),
        ("<p><code>casebook login</code> then</p>", ["then"]),
    ],
)
def test_the_template_check_finds_unmarked_text(source: str, expected: list[str]) -> None:
    assert untranslated_text(source) == expected
