"""The Jinja2 environment of the pages: translations through the i18n extension, dates in the
page's language, vocabulary labels, and script tags with Subresource Integrity."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, format_skeleton
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine

from casebook.config import REPO_ROOT
from casebook.vocabulary import vocabularies
from casebook.web.i18n import translations
from casebook.web.integrity import script_tags, stylesheet_tag

# How a date is shown for each precision an incident's date can have.
DATE_SKELETONS = {"year": "y", "month": "yMMMM"}


@pass_context
def gettext(context: Context, message: str) -> str:
    return translations(context["locale"]).gettext(message)


@pass_context
def ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return translations(context["locale"]).ngettext(singular, plural, count)


@pass_context
def date_filter(context: Context, value: date | None, precision: str = "day") -> str:
    """`value` as people write dates in the page's language, to the precision it is known."""
    if value is None:
        return ""
    skeleton = DATE_SKELETONS.get(precision)
    if skeleton is not None:
        return format_skeleton(skeleton, value, locale=context["locale"])
    return format_date(value, format="medium", locale=context["locale"])


@pass_context
def datetime_filter(context: Context, value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="medium", tzinfo=None, locale=context["locale"])


@pass_context
def label(context: Context, term_id: str, vocabulary: str) -> str:
    """The label of a vocabulary term in the page's language (the id if the term is unknown)."""
    return vocabularies()[vocabulary].label(term_id, context["locale"])


def configure(engine: JinjaTemplateEngine) -> None:
    configure_environment(engine.engine)


def configure_environment(environment: Environment) -> None:
    """Translations, date and label filters and the page globals, on any Jinja2 environment
    (the pages' and the one documents such as reports are rendered with)."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, newstyle=True
    )
    environment.filters.update(date=date_filter, datetime=datetime_filter, label=label)
    environment.globals.update(
        scripts=script_tags, stylesheet=stylesheet_tag, vocabulary=_vocabulary_terms
    )


@functools.cache
def document_environment() -> Environment:
    """The pages' Jinja2 setup (translations, date and label filters) outside a web request,
    for documents such as reports and claim packets."""
    templates = Environment(loader=FileSystemLoader(REPO_ROOT / "templates"), autoescape=True)
    configure_environment(templates)
    return templates


def _vocabulary_terms(name: str) -> Any:
    return vocabularies()[name].terms.values()
