"""The message catalogs: nb (the source), nn and en have the same keys, keep
nb's placeholders, and are actually translated; the translator looks keys up
with a fallback to nb."""

from __future__ import annotations

import json
import re
import string

import pytest

from dashboard.i18n import DEFAULT, HERE, LANGUAGES, translator

TRANSLATIONS = [lang for lang in LANGUAGES if lang != DEFAULT]

# Values that are codes or numbers, the same in every language ("OK", "CSV", "R1").
CODE = re.compile(r"[\W\d_]*|[A-Z0-9]+")


def _load(lang: str) -> dict[str, str]:
    # Read the files afresh rather than through the cached dashboard.i18n.catalog.
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _is_code(text: str) -> bool:
    return CODE.fullmatch(text.strip()) is not None


def _translated_share(nb: dict[str, str], other: dict[str, str], keys: list[str]) -> float:
    return sum(other[k] != nb[k] for k in keys) / len(keys)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, dict[str, str]]:
    return {lang: _load(lang) for lang in LANGUAGES}


def test_languages_are_nb_nn_en() -> None:
    assert DEFAULT == "nb"
    assert set(LANGUAGES) == {"nb", "nn", "en"}


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_catalog_has_the_same_keys_as_nb(catalogs: dict[str, dict[str, str]], lang: str) -> None:
    nb, other = catalogs[DEFAULT], catalogs[lang]
    assert sorted(set(nb) - set(other)) == [], f"missing in {lang}"
    assert sorted(set(other) - set(nb)) == [], f"not in nb, but in {lang}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_value_is_a_non_empty_string(catalogs: dict[str, dict[str, str]], lang: str) -> None:
    empty = [k for k, v in catalogs[lang].items() if not isinstance(v, str) or not v.strip()]
    assert empty == []


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_placeholders_match_nb(catalogs: dict[str, dict[str, str]], lang: str) -> None:
    nb, other = catalogs[DEFAULT], catalogs[lang]
    wrong = {
        key: (sorted(_placeholders(nb[key])), sorted(_placeholders(other[key])))
        for key in nb.keys() & other.keys()
        if _placeholders(nb[key]) != _placeholders(other[key])
    }
    assert wrong == {}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_catalog_file_is_in_the_canonical_format(lang: str) -> None:
    text = (HERE / f"{lang}.json").read_text(encoding="utf-8")
    canonical = json.dumps(json.loads(text), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert text == canonical


def test_english_is_translated(catalogs: dict[str, dict[str, str]]) -> None:
    nb, en = catalogs[DEFAULT], catalogs["en"]
    keys = [k for k, v in nb.items() if not _is_code(v)]
    assert _translated_share(nb, en, keys) >= 0.9


def test_nynorsk_is_translated(catalogs: dict[str, dict[str, str]]) -> None:
    """Nynorsk shares many short labels with bokmål ("Status", "Tildelt (kr)",
    "Kommune", "Fordeling"), so a 90 % bar over every key would force
    unnatural nynorsk. The bar is 90 % for sentences (six words or more) and
    half of all the other keys."""
    nb, nn = catalogs[DEFAULT], catalogs["nn"]
    keys = [k for k, v in nb.items() if not _is_code(v)]
    sentences = [k for k in keys if len(nb[k].split()) >= 6]
    assert _translated_share(nb, nn, sentences) >= 0.9
    assert _translated_share(nb, nn, keys) >= 0.5


def test_translator_english() -> None:
    assert translator("en")("nav.overview") == "Overview"


def test_translator_nynorsk() -> None:
    tr = translator("nn")
    assert tr("status.breach") == "Brot"
    assert tr("status.warning") == "Åtvaring"
    assert tr("nav.overview") == "Oversyn"


def test_translator_formats_placeholders() -> None:
    text = translator("en")("footer.version", version="7", time="2024-05-01 12:00")
    assert text == "Data version 7, published 2024-05-01 12:00"


@pytest.mark.parametrize("lang", ["de", "", None, "NB"])
def test_unknown_language_falls_back_to_nb(catalogs: dict[str, dict[str, str]], lang) -> None:
    tr = translator(lang)
    assert tr("nav.overview") == catalogs[DEFAULT]["nav.overview"] == "Oversikt"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_missing_key_raises_key_error(lang: str) -> None:
    with pytest.raises(KeyError):
        translator(lang)("no.such.key")
