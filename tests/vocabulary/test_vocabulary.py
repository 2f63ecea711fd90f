import re
import tomllib
from pathlib import Path

import pytest

from casebook.vocabulary import (
    DATA_DIR,
    LOCALES,
    VocabularyError,
    load_vocabulary,
    vocabularies,
)

EXPECTED_NAMES = {
    "tactics",
    "agencies",
    "activity_kinds",
    "involvement_roles",
    "source_kinds",
    "verification_statuses",
    "workflow_statuses",
}
ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
TACTIC_CATEGORIES = {"arrest", "adverse-action", "surveillance"}
STAGES = {"surveillance", "contact", "arrest", "detention", "proceedings"}
DATA_FILES = sorted(DATA_DIR.glob("*.toml"))

VALID_TERM = """
[[terms]]
id = "{id}"
label = {{ en = "English", es = "Español" }}
description = {{ en = "A sentence.", es = "Una oración." }}
"""


def write_vocabulary(directory: Path, stem: str, body: str, name: str | None = None) -> Path:
    path = directory / f"{stem}.toml"
    path.write_text(f'vocabulary = "{name or stem}"\nversion = 1\n{body}', encoding="utf-8")
    return path


def raise_message(path: Path) -> str:
    with pytest.raises(VocabularyError) as excinfo:
        load_vocabulary(path)
    return str(excinfo.value)


def test_data_directory_holds_exactly_the_expected_vocabularies() -> None:
    assert {path.stem for path in DATA_FILES} == EXPECTED_NAMES
    assert set(vocabularies()) == EXPECTED_NAMES


def test_every_file_loads_with_a_positive_version_and_terms() -> None:
    for path in DATA_FILES:
        vocabulary = load_vocabulary(path)
        assert vocabulary.name == path.stem
        assert vocabulary.version >= 1
        assert vocabulary.terms


def test_every_term_has_label_and_description_in_every_locale() -> None:
    assert set(LOCALES) == {"en", "es"}
    for vocabulary in vocabularies().values():
        for term in vocabulary.terms.values():
            for locale in LOCALES:
                assert term.labels[locale].strip(), (vocabulary.name, term.id, locale)
                assert term.descriptions[locale].strip(), (vocabulary.name, term.id, locale)
            assert term.descriptions["en"] != term.descriptions["es"], (vocabulary.name, term.id)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.stem)
def test_ids_in_the_raw_file_are_unique_and_well_formed(path: Path) -> None:
    raw_ids = [term["id"] for term in tomllib.loads(path.read_text(encoding="utf-8"))["terms"]]
    assert len(raw_ids) == len(set(raw_ids))
    for term_id in raw_ids:
        assert ID_PATTERN.fullmatch(term_id), term_id


def test_tactics_have_a_valid_category_and_stage() -> None:
    tactics = vocabularies()["tactics"]
    for term in tactics.terms.values():
        assert term.attributes["category"] in TACTIC_CATEGORIES, term.id
        assert term.attributes["stage"] in STAGES, term.id
    assert {term.attributes["category"] for term in tactics.terms.values()} == TACTIC_CATEGORIES
    assert {term.attributes["stage"] for term in tactics.terms.values()} == STAGES


def test_tactics_cover_the_design_seed() -> None:
    tactics = vocabularies()["tactics"]
    for term_id in ("arrest-at-home", "collateral-arrest", "notice-to-appear", "face-recognition"):
        assert term_id in tactics
    assert (
        tactics.terms["notice-to-appear"]
        .label("es")
        .startswith("Notificación de comparecencia (NTA)")
    )
    assert tactics.terms["fast-transfer-to-distant-facility"].attributes["stage"] == "detention"
    assert len(tactics.ids()) >= 30


def test_only_civil_disobedience_is_flagged_for_review() -> None:
    activity_kinds = vocabularies()["activity_kinds"]
    flagged = [term.id for term in activity_kinds.terms.values() if "review" in term.attributes]
    assert flagged == ["civil-disobedience"]
    assert activity_kinds.terms["civil-disobedience"].attributes["review"] is True


def test_small_vocabularies_keep_their_ids_and_file_order() -> None:
    loaded = vocabularies()
    assert loaded["workflow_statuses"].ids() == ("draft", "submitted", "in-review", "closed")
    assert loaded["involvement_roles"].ids() == ("target", "family-member", "witness", "bystander")
    assert loaded["verification_statuses"].ids() == (
        "unverified",
        "corroborated",
        "verified",
        "disputed",
    )
    assert loaded["source_kinds"].ids() == (
        "first-hand",
        "witness",
        "government-record",
        "court-filing",
        "press",
    )
    assert "unknown" in loaded["agencies"]
    assert "ice-ero" in loaded["agencies"]


def test_label_falls_back_to_english_for_an_unknown_locale() -> None:
    term = vocabularies()["workflow_statuses"].terms["draft"]
    assert term.label("es") == "Borrador"
    assert term.label("en") == "Draft"
    assert term.label("fr") == "Draft"


def test_contains_accepts_known_ids_only() -> None:
    workflow = vocabularies()["workflow_statuses"]
    assert "draft" in workflow
    assert "archived" not in workflow
    assert 3 not in workflow


def test_vocabularies_is_cached() -> None:
    assert vocabularies() is vocabularies()


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    body = VALID_TERM.format(id="first") + VALID_TERM.format(id="second") + 'stage = "contact"\n'
    vocabulary = load_vocabulary(write_vocabulary(tmp_path, "sample", body))
    assert vocabulary.name == "sample"
    assert vocabulary.version == 1
    assert vocabulary.ids() == ("first", "second")
    assert vocabulary.terms["second"].attributes == {"stage": "contact"}
    assert vocabulary.terms["first"].attributes == {}


def test_rejects_a_duplicate_id(tmp_path: Path) -> None:
    body = VALID_TERM.format(id="twice") + VALID_TERM.format(id="twice")
    path = write_vocabulary(tmp_path, "sample", body)
    message = raise_message(path)
    assert "twice" in message
    assert "duplicate" in message
    assert str(path) in message


def test_rejects_a_missing_spanish_label(tmp_path: Path) -> None:
    body = VALID_TERM.format(id="no-spanish").replace(', es = "Español"', "")
    path = write_vocabulary(tmp_path, "sample", body)
    message = raise_message(path)
    assert "no-spanish" in message
    assert "'es'" in message
    assert "label" in message


def test_rejects_an_empty_spanish_description(tmp_path: Path) -> None:
    body = VALID_TERM.format(id="blank").replace('es = "Una oración."', 'es = "  "')
    message = raise_message(write_vocabulary(tmp_path, "sample", body))
    assert "blank" in message
    assert "description" in message


@pytest.mark.parametrize(
    "bad_id", ["Bad-Id", "under_score", "trailing-", "-leading", "dou--ble", "ñandú"]
)
def test_rejects_a_malformed_id(tmp_path: Path, bad_id: str) -> None:
    path = write_vocabulary(tmp_path, "sample", VALID_TERM.format(id=bad_id))
    assert bad_id in raise_message(path)


def test_rejects_a_name_that_differs_from_the_file_stem(tmp_path: Path) -> None:
    path = write_vocabulary(tmp_path, "tactics", VALID_TERM.format(id="fine"), name="agencies")
    message = raise_message(path)
    assert "agencies" in message
    assert str(path) in message


@pytest.mark.parametrize("version", ["0", "-1", '"1"', "1.0", "true"])
def test_rejects_a_version_that_is_not_a_positive_integer(tmp_path: Path, version: str) -> None:
    path = tmp_path / "sample.toml"
    path.write_text(f'vocabulary = "sample"\nversion = {version}\n' + VALID_TERM.format(id="x"))
    assert "version" in raise_message(path)


def test_rejects_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "sample.toml"
    path.write_text('vocabulary = "sample"\nversion = \n', encoding="utf-8")
    assert str(path) in raise_message(path)
