"""The column headers an import file may have: each kind's English key (the
model's field name, ``core.data.kinds``) and its Norwegian headers.

An adviser writes the headers in Norwegian, or keeps the ones an export in
the Excel dialect wrote (``core.columns``), or copies a template; a program
writes the English keys. All are accepted, in any case and with any spacing
or punctuation: ``Org.nr.``, ``org nr``, ``ORGNR`` and ``orgnr`` are one
header. The first Norwegian header of a column is the one the templates
write (``core.export.templates``); docs/import-formats.md lists them with their keys.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from core.columns import COLUMNS
from core.data.kinds import KINDS

# Norwegian headers per column key, the template's first; the same in every
# kind unless BY_KIND says otherwise (data: headers.toml).
HEADERS_PATH = Path(__file__).with_name("headers.toml")
_HEADERS = tomllib.loads(HEADERS_PATH.read_text(encoding="utf-8"))
COMMON: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _HEADERS["common"].items()}
BY_KIND: dict[tuple[str, str], tuple[str, ...]] = {
    (kind, column): tuple(names)
    for kind, columns in _HEADERS["by_kind"].items()
    for column, names in columns.items()
}


def normal(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", header.casefold())


def norwegian(kind: str, column: str) -> tuple[str, ...]:
    """The Norwegian headers of ``column`` in ``kind``, the template's first,
    then the header the Excel dialect exports the same column under."""
    names = BY_KIND.get((kind, column)) or COMMON[column]
    exported = COLUMNS[column].nb if column in COLUMNS else None
    return names + ((exported,) if exported and normal(exported) not in map(normal, names) else ())


def template_header(kind: str, column: str) -> str:
    return norwegian(kind, column)[0]


@cache
def _lookup(kind: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in KINDS[kind].columns:
        for name in (column, *norwegian(kind, column)):
            other = found.setdefault(normal(name), column)
            if other != column:
                raise ValueError(f"{kind}: «{name}» names both {other} and {column}")
    return found


def column_of(kind: str, header: str) -> str | None:
    """The key of the column that ``header`` names in ``kind``, or None."""
    return _lookup(kind).get(normal(header))


def described(kind: str, column: str) -> str:
    """«Lærerårsverk» (fte): how messages name a column."""
    return f"«{template_header(kind, column)}» ({column})"
