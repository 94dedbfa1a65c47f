"""core.data.problems: a report that stays readable however many rows are wrong
(the first 50 in full, then counts per file, column and rule); and every
problem as a CSV file for Norwegian Excel (core.export.write_problems)."""

from __future__ import annotations

import csv
import io

from core.data.problems import Problem, groups, report_lines
from core.export import write_problems


def negative(row: int) -> Problem:
    return Problem("fte.csv", row, "fte", f"-{row}", "range", "lærerårsverk kan ikke være negativt")


def test_few_problems_are_all_shown_in_full() -> None:
    problems = [negative(r) for r in range(2, 12)]
    assert report_lines(problems) == [str(p) for p in problems]
    assert report_lines(problems)[0] == (
        "fte.csv, rad 2, kolonne «fte», verdi «-2»: lærerårsverk kan ikke være negativt "
        "(regel: gyldig område)"
    )


def test_twenty_thousand_problems_make_fifty_lines_and_a_summary() -> None:
    problems = [negative(r) for r in range(2, 20_002)]
    lines = report_lines(problems)
    assert lines[:50] == [str(p) for p in problems[:50]]
    assert lines[50:] == [
        "… og 19 950 feil til. Alle 20 000 feil, per kolonne og regel:",
        "fte.csv, kolonne «fte», regel «gyldig område»: 20 000 rader: "
        "lærerårsverk kan ikke være negativt",
    ]


def test_the_summary_counts_each_column_and_rule_largest_first() -> None:
    problems = [
        *[negative(r) for r in range(2, 62)],
        *[
            Problem("fte.csv", r, "year", "1999", "year", "årstallet må være mellom 2017 og 2050")
            for r in range(2, 102)
        ],
        Problem("fte.csv", 5, "owner_id", "1", "format", "organisasjonsnummer skal ha ni sifre"),
        Problem(
            "fte.csv", 6, "owner_id", "2", "format", "organisasjonsnummeret har feil kontrollsiffer"
        ),
        Problem("fte.csv", 7, "owner_id", "3", "format", "organisasjonsnummer skal ha ni sifre"),
    ]
    summary = report_lines(problems)[51:]
    assert summary == [
        "fte.csv, kolonne «year», regel «årstall»: 100 rader: "
        "årstallet må være mellom 2017 og 2050",
        "fte.csv, kolonne «fte», regel «gyldig område»: 60 rader: "
        "lærerårsverk kan ikke være negativt",
        "fte.csv, kolonne «owner_id», regel «format»: 3 rader: for eksempel: "
        "organisasjonsnummer skal ha ni sifre",
    ]
    assert sum(g.count for g in groups(problems)) == len(problems)


def test_the_report_is_bounded_for_any_mix_of_columns_and_rules() -> None:
    problems = [
        Problem("x.csv", 1, f"kolonne {i}", None, "unknown_column", "ukjent kolonne")
        for i in range(300)
    ]
    lines = report_lines(problems)
    assert len(lines) == 50 + 1 + 100 + 1
    assert lines[-1] == "… og 200 feil i 200 andre kombinasjoner av kolonne og regel"


def test_warnings_are_counted_as_warnings() -> None:
    problems = [negative(r) for r in range(2, 60)]
    assert report_lines(problems, noun="advarsler")[50].startswith("… og 8 advarsler til.")


def test_every_problem_goes_to_the_csv_for_excel() -> None:
    problems = [
        negative(2),
        Problem("fte.csv", 3, "fte", "=cmd|' /C calc'!A0", "formula", "er en formel"),
        Problem("fte.csv", None, None, None, "file", "filen er tom"),
        Problem("u.csv", 4, "Beløp (kr)", "450.000", "ambiguous", "tvetydig"),
        Problem("u.csv", 5, "Utbetalt", "03/02/2019", "ambiguous", "tvetydig"),
        Problem("u.csv", 6, "Tildelings-id", "T2018-999", "reference", "ukjent tildeling"),
    ]
    out = io.BytesIO()
    assert write_problems(problems, out) == 6
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 7
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [
        ["Fil", "Rad", "Kolonne", "Verdi", "Regel", "Melding"],
        ["fte.csv", "2", "fte", "'-2", "gyldig område", "lærerårsverk kan ikke være negativt"],
        ["fte.csv", "3", "fte", "'=cmd|' /C calc'!A0", "ingen formler", "er en formel"],
        ["fte.csv", "", "", "", "lesbar fil", "filen er tom"],
        # What a spreadsheet would read as a number or a date keeps a ': 450,
        # 3 February and 2 March are the misreadings being reported.
        ["u.csv", "4", "Beløp (kr)", "'450.000", "entydig skrivemåte", "tvetydig"],
        ["u.csv", "5", "Utbetalt", "'03/02/2019", "entydig skrivemåte", "tvetydig"],
        ["u.csv", "6", "Tildelings-id", "T2018-999", "kjent referanse", "ukjent tildeling"],
    ]
