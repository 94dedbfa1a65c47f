"""What is wrong with an imported file, and how it is told: one ``Problem``
per cell, row or file, under one of the ``RULES``; and a report that stays
readable when every row of a million-row file is wrong.

The command line prints ``report_lines`` and writes every problem as CSV for
Excel (``core.export.write_problems``); the dashboard's upload page will show
and offer the same.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Human names of the rules, used in error reports and in docs/import-formats.md.
RULES: dict[str, str] = {
    "required": "påkrevd verdi",
    "integer": "heltall",
    "decimal": "tall",
    "money": "hele kroner",
    "date": "dato",
    "year": "årstall",
    "range": "gyldig område",
    "format": "format",
    "ambiguous": "entydig skrivemåte",
    "choice": "tillatt verdi",
    "formula": "ingen formler",
    "boolean": "ja/nei",
    "one_of": "én av kolonnene",
    "unknown_column": "ukjent kolonne",
    "missing_column": "påkrevd kolonne",
    "duplicate": "ingen duplikater",
    "exists": "finnes allerede",
    "reference": "kjent referanse",
    "consistent": "samme verdi som før",
    "municipality_year": "kommunen finnes det året",
    "owner_active": "skoleeieren finnes det året",
    "one_owner": "én skoleeier om gangen",
    "change": "rimelig endring fra året før",
    "file": "lesbar fil",
    "database": "databasens regler",
}

SHOWN_IN_FULL = 50  # problems printed line by line before the summary
MAX_GROUPS = 100  # summary lines at most; the rest are counted in one line


@dataclass(frozen=True)
class Problem:
    """One thing wrong with (or, as a warning, worth a second look in) an
    imported file, for the adviser to fix."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = [printable(self.file)]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{printable(self.column)}»")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where.append(f"verdi «{printable(shown)}»")
        return f"{', '.join(where)}: {printable(self.message)} (regel: {self.rule_name})"

    @property
    def rule_name(self) -> str:
        """The rule in Norwegian, as reports name it."""
        return rule_name(self.rule)


class ImportRejected(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} feil")
        self.problems = list(problems)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Control characters as \\xNN: a value must not drive the terminal
    (an ESC sequence) or hide behind a NUL."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def rule_name(rule: str) -> str:
    return RULES.get(rule, rule)


def count(number: int) -> str:
    """20000 -> 20 000 (a plain space: terminals and logs)."""
    return f"{number:,}".replace(",", " ")


@dataclass(frozen=True)
class Group:
    """The problems of one file, column and rule."""

    file: str
    column: str | None
    rule: str
    count: int
    rows: int  # how many of them name a row
    message: str  # the most common message
    messages: int  # how many different messages

    def __str__(self) -> str:
        where = [printable(self.file)]
        if self.column:
            where.append(f"kolonne «{printable(self.column)}»")
        where.append(f"regel «{rule_name(self.rule)}»")
        unit = "rader" if self.rows == self.count else "feil"
        if self.count == 1:
            unit = "rad" if self.rows else "feil"
        example = "for eksempel: " if self.messages > 1 else ""
        return f"{', '.join(where)}: {count(self.count)} {unit}: {example}{printable(self.message)}"


def groups(problems: Iterable[Problem]) -> list[Group]:
    """The problems counted per file, column and rule, largest group first
    (then in the order they were found)."""
    found: dict[tuple[str, str | None, str], list[Problem]] = {}
    for problem in problems:
        found.setdefault((problem.file, problem.column, problem.rule), []).append(problem)
    result = []
    for (file, column, rule), members in found.items():
        messages = Counter(p.message for p in members)
        result.append(
            Group(
                file,
                column,
                rule,
                len(members),
                sum(p.row is not None for p in members),
                messages.most_common(1)[0][0],
                len(messages),
            )
        )
    return sorted(result, key=lambda g: -g.count)


def report_lines(
    problems: Sequence[Problem],
    *,
    noun: str = "feil",
    shown: int = SHOWN_IN_FULL,
    max_groups: int = MAX_GROUPS,
) -> list[str]:
    """The first ``shown`` problems in full; beyond that, a line per file,
    column and rule with its count. At most shown + max_groups + 2 lines, for
    any number of problems. ``noun``: what they are ("feil", "advarsler")."""
    lines = [str(p) for p in problems[:shown]]
    if len(problems) <= shown:
        return lines
    lines.append(
        f"… og {count(len(problems) - shown)} {noun} til. Alle {count(len(problems))} "
        f"{noun}, per kolonne og regel:"
    )
    summary = groups(problems)
    lines.extend(str(g) for g in summary[:max_groups])
    if len(summary) > max_groups:
        rest = summary[max_groups:]
        lines.append(
            f"… og {count(sum(g.count for g in rest))} {noun} i {count(len(rest))} andre "
            "kombinasjoner av kolonne og regel"
        )
    return lines
