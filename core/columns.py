"""Every export column's header and definition, in Norwegian (bokmål) and English.

The views (``core.views``) name their columns in snake_case, which is what the
``csv`` dialect writes. People who read the exports in a spreadsheet see a
header instead, and the snapshot ZIP's LESMEG.txt explains each column; both
come from ``COLUMNS`` here, so a column is named and defined in one place.

The texts are data, not code: they live in ``columns.toml`` next to this
module (one table per column, in the order a reader meets them; its comment
header says how a definition is written), read once at import. A table with a
missing or unknown key fails the import, since ``Column`` takes exactly the
four texts. Norwegian headers are unique within every view
(tests/export/test_columns.py), since a spreadsheet user tells the columns apart
by their headers alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

COLUMNS_PATH = Path(__file__).with_name("columns.toml")


@dataclass(frozen=True)
class Column:
    """One export column: its header and definition in each language."""

    nb: str  # header in Norwegian (bokmål), e.g. "Tildelt (kr)"
    en: str  # header in English, e.g. "Awarded (NOK)"
    definition_nb: str  # one or two sentences in bokmål a leader understands
    definition_en: str  # the same in English


# tomllib keeps the file's order, so COLUMNS is ordered as columns.toml is.
COLUMNS: dict[str, Column] = {
    name: Column(**texts)
    for name, texts in tomllib.loads(COLUMNS_PATH.read_text(encoding="utf-8")).items()
}


LANGUAGES = ("nb", "en")


def header(column: str, lang: str) -> str:
    """The header of ``column`` in ``lang`` ("nb" or "en").

    Raises KeyError for a column that is not in ``COLUMNS`` and ValueError for
    another language."""
    entry = COLUMNS[column]
    if lang == "nb":
        return entry.nb
    if lang == "en":
        return entry.en
    raise ValueError(f"unknown language {lang!r}; use one of {LANGUAGES}")
