"""Controlled vocabularies: versioned TOML files with stable ids and translated labels."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

LOCALES = ("en", "es")
DEFAULT_LOCALE = "en"
DATA_DIR = Path(__file__).parent / "data"
_ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_TEXT_KEYS = frozenset({"id", "label", "description"})


class VocabularyError(Exception):
    """A vocabulary file is malformed."""


@dataclass(frozen=True)
class Term:
    id: str
    labels: Mapping[str, str]
    descriptions: Mapping[str, str]
    attributes: Mapping[str, object]

    def label(self, locale: str) -> str:
        return self.labels.get(locale, self.labels[DEFAULT_LOCALE])


@dataclass(frozen=True)
class Vocabulary:
    name: str
    version: int
    terms: Mapping[str, Term]

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.terms

    def ids(self) -> tuple[str, ...]:
        return tuple(self.terms)

    def label(self, term_id: str, locale: str) -> str:
        """The label of `term_id` in `locale`; the id itself for a term this version lacks."""
        term = self.terms.get(term_id)
        return term.label(locale) if term is not None else term_id


def load_vocabulary(path: Path) -> Vocabulary:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: cannot read: {exc}") from exc
    if data.get("vocabulary") != path.stem:
        raise VocabularyError(
            f"{path}: vocabulary name {data.get('vocabulary')!r} != {path.stem!r}"
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise VocabularyError(f"{path}: version must be an integer >= 1, got {version!r}")
    raw_terms = data.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise VocabularyError(f"{path}: needs at least one [[terms]] table")
    terms: dict[str, Term] = {}
    for index, raw in enumerate(raw_terms):
        term = _parse_term(path, index, raw)
        if term.id in terms:
            raise VocabularyError(f"{path}: term {term.id!r}: duplicate id")
        terms[term.id] = term
    return Vocabulary(path.stem, version, MappingProxyType(terms))


def _parse_term(path: Path, index: int, raw: object) -> Term:
    if not isinstance(raw, dict):
        raise VocabularyError(f"{path}: term #{index + 1}: not a table")
    term_id = raw.get("id")
    if not isinstance(term_id, str) or not _ID_PATTERN.fullmatch(term_id):
        raise VocabularyError(
            f"{path}: term #{index + 1} {term_id!r}: id must be lowercase kebab-case"
        )
    where = f"{path}: term {term_id!r}"
    attributes = {key: value for key, value in raw.items() if key not in _TEXT_KEYS}
    return Term(
        id=term_id,
        labels=_localized(where, "label", raw.get("label")),
        descriptions=_localized(where, "description", raw.get("description")),
        attributes=MappingProxyType(attributes),
    )


def _localized(where: str, key: str, value: object) -> Mapping[str, str]:
    if not isinstance(value, dict):
        raise VocabularyError(f"{where}: {key} must be a table of locale = text")
    for locale in LOCALES:
        text = value.get(locale)
        if not isinstance(text, str) or not text.strip():
            raise VocabularyError(f"{where}: {key} missing or empty for locale {locale!r}")
    if not all(isinstance(text, str) for text in value.values()):
        raise VocabularyError(f"{where}: {key} values must be text")
    return MappingProxyType(dict(value))


@functools.cache
def vocabularies() -> Mapping[str, Vocabulary]:
    loaded = (load_vocabulary(path) for path in sorted(DATA_DIR.glob("*.toml")))
    return MappingProxyType({vocabulary.name: vocabulary for vocabulary in loaded})
