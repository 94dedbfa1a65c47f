"""core.columns: every column of every export view has a header and a
definition in both languages, and a view's Norwegian headers tell its columns
apart (an Excel user sees only the headers)."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from core import columns, views
from core.data.store import Store
from core.filters import Filters
from core.views import VIEWS


@pytest.fixture(scope="module")
def view_columns(demo_folder: Path) -> dict[str, list[str]]:
    """The column names of every view, built on the demo database."""
    with Store(demo_folder / "dekomp.duckdb").snapshot() as snap:
        return {name: list(views.frame(snap, name, Filters()).columns) for name in VIEWS}


def test_every_view_is_built_with_columns(view_columns: dict[str, list[str]]) -> None:
    assert set(view_columns) == set(VIEWS)
    assert all(view_columns.values())


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_column_has_four_texts(view: str, view_columns: dict[str, list[str]]) -> None:
    missing = [c for c in view_columns[view] if c not in columns.COLUMNS]
    assert missing == []
    for name in view_columns[view]:
        column = columns.COLUMNS[name]
        texts = (column.nb, column.en, column.definition_nb, column.definition_en)
        assert all(t.strip() == t and t for t in texts), name


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_headers_are_unique_within_a_view(
    view: str, lang: str, view_columns: dict[str, list[str]]
) -> None:
    headers = Counter(columns.header(c, lang).casefold() for c in view_columns[view])
    assert [h for h, n in headers.items() if n > 1] == []


def test_no_column_is_left_over(view_columns: dict[str, list[str]]) -> None:
    """COLUMNS holds the views' columns and nothing else."""
    used = {c for cols in view_columns.values() for c in cols}
    assert set(columns.COLUMNS) == used


def test_toml_tables_hold_exactly_the_four_texts() -> None:
    """columns.toml: every table has nb, en, definition_nb and definition_en as
    non-empty strings and nothing else, and COLUMNS follows the file's order."""
    data = tomllib.loads(columns.COLUMNS_PATH.read_text(encoding="utf-8"))
    assert list(data) == list(columns.COLUMNS)
    for name, texts in data.items():
        assert list(texts) == ["nb", "en", "definition_nb", "definition_en"], name
        assert all(isinstance(t, str) and t for t in texts.values()), name
        assert columns.COLUMNS[name] == columns.Column(**texts)


def test_toml_ships_with_the_package() -> None:
    """pyproject.toml lists columns.toml as package data, or an installed
    package would fail at import."""
    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    package_data = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert columns.COLUMNS_PATH.name in package_data["package-data"]["core"]


def test_header() -> None:
    assert columns.header("awarded_nok", "nb") == "Tildelt (kr)"
    assert columns.header("awarded_nok", "en") == "Awarded (NOK)"
    assert columns.header("teacher_fte", "nb") == "Lærerårsverk"


def test_unknown_column_raises_key_error() -> None:
    with pytest.raises(KeyError):
        columns.header("no_such_column", "nb")


def test_unknown_language_raises_value_error() -> None:
    with pytest.raises(ValueError, match="nn"):
        columns.header("awarded_nok", "nn")
