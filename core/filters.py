"""The one filter state of the app (year, forum, municipality, owner type,
as-of date), its URL query string, and the SQL conditions it stands for.

The conditions are pure functions returning SQL text built from fixed
pieces that name parameters (``$year``, ``$forum``, ``$knr``, ``$owner_type``,
``$as_of``); the values travel only as parameters (``Filters.sql_params``),
so anything a browser sends becomes data, never code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

OWNER_TYPES = ("municipality", "county_authority", "private")

# Readable keys for the URL: ?aar=2018&forum=follo&kommune=0213
QUERY_KEYS = {
    "year": "aar",
    "forum": "forum",
    "municipality": "kommune",
    "owner_type": "eiertype",
    "as_of": "dato",
}

_SLUG = re.compile(r"[a-z0-9-]{2,40}")
_KNR = re.compile(r"[0-9]{4}")


class FilterError(ValueError):
    """A filter value that is not valid; the message is Norwegian."""


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    forum: str | None = None
    municipality: str | None = None
    owner_type: str | None = None
    as_of: dt.date | None = None

    def __post_init__(self) -> None:
        if self.year is not None and not 2017 <= self.year <= 2100:
            raise FilterError(f"ugyldig år: {self.year}")
        if self.forum is not None and not _SLUG.fullmatch(self.forum):
            raise FilterError(f"ugyldig forum: {self.forum!r}")
        if self.municipality is not None and not _KNR.fullmatch(self.municipality):
            raise FilterError(f"ugyldig kommunenummer: {self.municipality!r}")
        if self.owner_type is not None and self.owner_type not in OWNER_TYPES:
            raise FilterError(f"ugyldig skoleeiertype: {self.owner_type!r}")

    @classmethod
    def parse(
        cls,
        *,
        year: str | int | None = None,
        forum: str | None = None,
        municipality: str | None = None,
        owner_type: str | None = None,
        as_of: str | dt.date | None = None,
    ) -> Filters:
        """Build from text (CLI options, URL values); blank means no filter."""

        def blank(value: object) -> bool:
            return value is None or (isinstance(value, str) and not value.strip())

        try:
            parsed_year = None if blank(year) else int(year)  # type: ignore[arg-type]
        except ValueError:
            raise FilterError(f"ugyldig år: {year!r}") from None
        if blank(as_of):
            parsed_as_of = None
        elif isinstance(as_of, dt.date):
            parsed_as_of = as_of
        else:
            try:
                parsed_as_of = dt.date.fromisoformat(str(as_of).strip())
            except ValueError:
                raise FilterError(f"ugyldig dato: {as_of!r}; skriv ÅÅÅÅ-MM-DD") from None
        return cls(
            year=parsed_year,
            forum=None if blank(forum) else str(forum).strip(),
            municipality=None if blank(municipality) else str(municipality).strip(),
            owner_type=None if blank(owner_type) else str(owner_type).strip(),
            as_of=parsed_as_of,
        )

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        return cls.parse(**{name: params.get(key) for name, key in QUERY_KEYS.items()})

    def to_query(self) -> str:
        pairs = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                pairs.append((QUERY_KEYS[f.name], str(value)))
        return urlencode(pairs)

    def with_as_of(self, as_of: dt.date) -> Filters:
        return replace(self, as_of=as_of)

    def sql_params(self) -> dict[str, object]:
        """The named parameters every condition below refers to."""
        return {
            "year": self.year,
            "forum": self.forum,
            "knr": self.municipality,
            "owner_type": self.owner_type,
            "as_of": self.as_of,
        }

    @property
    def selects_owners(self) -> bool:
        """Whether it selects owners by what they are (municipality, type),
        not only by the forum they belong to in a year."""
        return self.municipality is not None or self.owner_type is not None


def municipality_condition(f: Filters, column: str) -> str:
    """``column`` (a municipality number) is the chosen municipality's number
    or one related to it by the reforms (the fact ``related``)."""
    if f.municipality is None:
        return "TRUE"
    return f"{column} IN (SELECT related FROM fact_related WHERE knr = $knr)"


def owner_condition(f: Filters, owner_type: str, knr: str) -> str:
    """The owner filters (type, municipality) on a row's owner, given the SQL
    expressions of its type and municipality number."""
    return combine(
        "TRUE" if f.owner_type is None else f"{owner_type} = $owner_type",
        municipality_condition(f, knr),
    )


def year_condition(f: Filters, column: str) -> str:
    return "TRUE" if f.year is None else f"{column} = $year"


def forum_condition(f: Filters, column: str) -> str:
    return "TRUE" if f.forum is None else f"{column} = $forum"


def combine(*conditions: str) -> str:
    return " AND ".join(f"({c})" for c in conditions if c != "TRUE") or "TRUE"
