"""What every rule of the scheme shares: the statuses, the rules' names, the
columns of a rule's row, the ``Inputs`` the rules read and the helpers that
make a row (core.rules.compliance has the rules themselves)."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads with the first frame, not with the app
    import pandas as pd


OK, BREACH, WARNING, NOT_APPLICABLE = "ok", "breach", "warning", "not_applicable"
STATUSES = (BREACH, WARNING, OK, NOT_APPLICABLE)

RULES: dict[str, str] = {
    "R1": "Egenfinansiering",
    "R2": "Gyldig mottaker",
    "R3": "Deltakelse",
    "R4": "Årets omfang",
    "R5": "Frist for behovsmelding",
    "R6": "Bekreftet bruk",
    "R7": "Statusoppdateringer",
    "R8": "Skolebasert",
    "R9": "Langsiktighet",
    "R10": "Forumets vedtak",
}

COLUMNS = [
    "year",
    "rule_id",
    "subject_type",
    "subject_id",
    "subject_name",
    "forum_id",
    "owner_id",
    "status",
    "measured",
    "required",
    "unit",
    "explanation",
]

# Indicators (R8, R9) warn below this share; DOMAIN.md says "mainly".
MAIN_SHARE = Decimal("0.5000")


@dataclass(frozen=True)
class Inputs:
    """What the rules read, as of one date."""

    as_of: dt.date
    years: pd.DataFrame  # scheme_year rows of the region(s)
    awards: pd.DataFrame  # one row per award, with recipient and forum facts
    owners_year: pd.DataFrame  # owner-year: fte in scope, member forum, type, name
    cofinancing: pd.DataFrame  # owner-year: cash, in_kind
    needs: pd.DataFrame  # needs reports
    confirmations: pd.DataFrame  # recipient-year: received_date, used, repaid
    projects: pd.DataFrame  # projects with their latest status as of the date

    @cached_property
    def parameters(self) -> dict[tuple[int, str], dict[str, Any]]:
        return {(r["year"], r["region_id"]): r for r in self.years.to_dict("records")}

    @cached_property
    def owner_names(self) -> dict[str, str]:
        return dict(zip(self.owners_year["owner_id"], self.owners_year["owner_name"], strict=False))


Rule = Callable[[Inputs], list[dict[str, Any]]]


def rule(judge: Callable[[Inputs], Iterator[dict[str, Any]]]) -> Rule:
    """A rule written as a generator of its rows, called for the list of them."""

    @wraps(judge)
    def rows(inputs: Inputs) -> list[dict[str, Any]]:
        return list(judge(inputs))

    return rows


def rule_row(
    year: int | None,
    rule_id: str,
    subject: tuple[str, str, str],
    status: str,
    measure: tuple[Any, Any, str],
    explanation: str,
    *,
    forum_id: str | None = None,
    owner_id: str | None = None,
) -> dict[str, Any]:
    """One rule's judgement of one subject: ``subject`` is its type, id and
    name (owner, forum, award, project); ``measure`` what was measured,
    what is required and the unit they are in."""
    subject_type, subject_id, subject_name = subject
    measured, required, unit = measure
    return {
        "year": year,
        "rule_id": rule_id,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "subject_name": subject_name,
        "forum_id": forum_id,
        "owner_id": owner_id,
        "status": status,
        "measured": plain_text(measured),
        "required": plain_text(required),
        "unit": unit,
        "explanation": explanation,
    }


def plain_text(value: Any) -> str | None:
    """Measured and required values as plain text: 0.2100, 2018-07-01, 48300."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def share_of(numerator: int, denominator: int) -> Decimal:
    if denominator == 0:
        return Decimal("0.0000")
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def year_params(inputs: Inputs, year: int, region_id: str) -> dict[str, Any]:
    """The scheme year's parameters (a dict lookup: rules call this per row)."""
    return inputs.parameters[(year, region_id)]


def days_text(count: int) -> str:
    return f"{count} dag" if count == 1 else f"{count} dager"


def is_null(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def tuples_of(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as named tuples (as ``itertuples``), from whole
    columns: iterating Arrow-backed columns value by value was a fifth of
    the rules' time."""
    row = namedtuple("Row", frame.columns)  # type: ignore[misc]
    return map(row._make, zip(*(column_values(frame[c]) for c in frame.columns), strict=True))


def column_values(column: pd.Series) -> list[Any]:
    """A column's values; DECIMAL (an Arrow column, core.data.store) as Decimal
    with None for no value, as the rules compare it (tolist() gives NA)."""
    import pandas as pd

    if isinstance(column.dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.Array.from_pandas(column.array).to_pylist()
    return column.tolist()
