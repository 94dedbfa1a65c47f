"""Cell parsers: what a valid cell is, and the Norwegian message for one that is not."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from core.data import parse as p


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("1\u2009234,5", Decimal("1234.5")),
        ("0,125", Decimal("0.125")),
        ("1234,567", Decimal("1234.567")),
        ("1 234,567", Decimal("1234.567")),
        (7, Decimal("7")),
        (2.5, Decimal("2.5")),
    ],
)
def test_decimal_accepts_norwegian_and_english_forms(raw: object, expected: Decimal) -> None:
    assert p.parse_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [("=1+1", "formula"), ("+1", "formula"), ("@SUM(A1)", "formula"), ("tolv", "decimal")],
)
def test_decimal_refuses_formulas_and_text(raw: str, rule: str) -> None:
    with pytest.raises(PydanticCustomError) as err:
        p.parse_decimal(raw)
    assert err.value.type == rule


def test_money_must_be_whole_non_negative_kroner() -> None:
    assert p.parse_money("39 700 000") == 39_700_000
    assert p.parse_money("425000,00") == 425_000
    with pytest.raises(PydanticCustomError, match="hele kroner"):
        p.parse_money("12,50")
    with pytest.raises(PydanticCustomError, match="negativt"):
        p.parse_money("-5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("30 %", Decimal("0.3000")), ("0,45", Decimal("0.4500")), ("1", Decimal("1.0000"))],
)
def test_share_reads_percent_and_fraction(raw: str, expected: Decimal) -> None:
    assert p.parse_share(raw) == expected


def test_share_out_of_range() -> None:
    with pytest.raises(PydanticCustomError, match="mellom 0 og 1"):
        p.parse_share("130 %")


@pytest.mark.parametrize(
    "raw",
    [
        "2018-07-01",
        "01.07.2018",
        "2018-07-01 00:00:00",
        dt.datetime(2018, 7, 1),
        dt.date(2018, 7, 1),
    ],
)
def test_date_forms(raw: object) -> None:
    assert p.parse_date(raw) == dt.date(2018, 7, 1)


def test_date_in_1899_is_not_plausible() -> None:
    with pytest.raises(PydanticCustomError) as err:
        p.parse_date("1899-12-31")
    assert err.value.type == "range"
    assert "troverdig" in err.value.message()


def test_knr_pads_a_leading_zero_lost_in_excel() -> None:
    assert p.parse_knr(213) == "0213"
    assert p.parse_knr("213") == "0213"
    assert p.parse_knr("3020") == "3020"
    with pytest.raises(PydanticCustomError, match="fire sifre"):
        p.parse_knr("30201")


def test_orgnr_check_digit() -> None:
    assert p.parse_orgnr("958 935 420") == "958935420"  # Oslo kommune
    with pytest.raises(PydanticCustomError, match="kontrollsiffer"):
        p.parse_orgnr("958935421")


@given(st.integers(min_value=10_000_000, max_value=99_999_999))
def test_orgnr_with_computed_check_digit_is_valid(first_eight: int) -> None:
    digits = str(first_eight)
    check = p.orgnr_check_digit(digits)
    if check is None:
        return  # no valid organisation number starts with these digits
    assert p.parse_orgnr(digits + str(check)) == digits + str(check)


def test_choice_takes_code_or_norwegian_label() -> None:
    parse = p.parse_choice(
        p.labels_for([("grunnskole", "compulsory"), ("videregående", "upper_secondary")])
    )
    assert parse("Grunnskole") == "compulsory"
    assert parse("upper_secondary") == "upper_secondary"
    with pytest.raises(PydanticCustomError, match="grunnskole, videregående"):
        parse("vgs")


def test_choice_list_joined_with_plus() -> None:
    parse = p.parse_choice_list(p.labels_for([("kommune", "municipality"), ("privat", "private")]))
    assert parse("kommune+privat") == ["municipality", "private"]
    assert parse("kommune + kommune") == ["municipality"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("ja", True), ("Nei", False), ("true", True), (0, False)]
)
def test_bool(raw: object, expected: bool) -> None:
    assert p.parse_bool(raw) is expected


def test_float_noise_of_excel_formulas_is_rounded_away() -> None:
    assert p.parse_decimal(0.1 + 0.2) == Decimal("0.3")
    assert p.parse_money(1234.0000000001) == 1234


# --- Money: what a Norwegian reader reads, or refused -----------------------

SPACES = [" ", "\u00a0", "\u2009", "\u202f"]  # space, no-break, thin, narrow no-break


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("450000", 450_000),
        ("450 000", 450_000),
        ("450\u00a0000", 450_000),
        ("450\u2009000", 450_000),
        ("450\u202f000", 450_000),
        ("450000,00", 450_000),
        ("450000.00", 450_000),
        ("450 000,0", 450_000),
        ("kr 450 000", 450_000),
        ("450 000 kr", 450_000),
        ("450 000,-", 450_000),
        ("NOK 39 700 000", 39_700_000),
        ("1 000", 1_000),
        ("0", 0),
        (450_000, 450_000),  # an .xlsx number cell
        (450_000.0, 450_000),
        (Decimal("450000"), 450_000),
    ],
)
def test_money_accepts_whole_kroner_written_without_ambiguity(raw: object, expected: int) -> None:
    assert p.parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule", "hint"),
    [
        ("450.000", "ambiguous", "skriv 450000 eller 450 000 for 450 000 kroner"),
        ("1,000", "ambiguous", "tusenskille (1 000 kr) eller desimaltegn (1 kr)"),
        ("1.000,5", "ambiguous", "1000,5 eller 1 000,5"),
        ("2.500.000", "ambiguous", "2500000 eller 2 500 000"),
        ("1,234,567", "ambiguous", "1234567 eller 1 234 567"),
        ("1,234.50", "ambiguous", "1234,50"),
        ("1'234'567", "ambiguous", "apostrof"),
        ("45 0000", "format", "grupper på tre sifre"),
        ("4,5E+05", "format", "vitenskapelig notasjon"),
        ("1e3", "format", "vitenskapelig notasjon"),
        ("'450000", "money", "apostrof"),
        ("12,50", "money", "hele kroner"),
        ("mye penger", "money", "ikke et beløp"),
        ("-5", "range", "negativt"),
        ("=1+1", "formula", "formel"),
        (True, "money", "ikke et beløp"),
    ],
)
def test_money_refuses_what_could_be_read_two_ways(raw: object, rule: str, hint: str) -> None:
    with pytest.raises(PydanticCustomError) as err:
        p.parse_money(raw)
    assert err.value.type == rule
    assert hint in err.value.message()


def _render(amount: int, space: str) -> str:
    return f"{amount:,}".replace(",", space)


@given(
    amount=st.integers(min_value=0, max_value=p.MAX_NOK),
    space=st.sampled_from(["", *SPACES]),
    decimals=st.sampled_from(["", ",00", ".00", ",0", ".0", ",-"]),
    affix=st.sampled_from([("", ""), ("kr ", ""), ("", " kr"), ("", "kr"), ("NOK ", "")]),
)
def test_money_written_any_plain_way_is_read_exactly(
    amount: int, space: str, decimals: str, affix: tuple[str, str]
) -> None:
    text = affix[0] + _render(amount, space) + decimals + affix[1]
    assert p.parse_money(text) == amount


@given(amount=st.integers(min_value=1000, max_value=p.MAX_NOK), mark=st.sampled_from(".,'"))
def test_money_grouped_by_point_comma_or_apostrophe_is_refused(amount: int, mark: str) -> None:
    """450.000 and 1,000: never stored, neither as 450 nor as 450 000."""
    with pytest.raises(PydanticCustomError) as err:
        p.parse_money(_render(amount, mark))
    assert err.value.type == "ambiguous"


def norwegian_reading(text: str) -> int | None:
    """How a Norwegian reader reads an amount: spaces group thousands (in
    threes), one comma or point marks decimals (øre). None where a reader
    could hesitate: a mark before exactly three digits, two marks."""
    core = re.sub(r"(?i)^(kr\.?|nok)\s*", "", text.strip())
    core = re.sub(r"[,.]-$", "", re.sub(r"(?i)\s*(kr\.?|nok)$", "", core)).strip()
    match = re.fullmatch(
        r"([0-9]{1,3}(?:[ \u00a0\u2007\u2009\u202f][0-9]{3})*|[0-9]*)([.,][0-9]+)?", core
    )
    if match is None or not (match[1] or match[2]):
        return None
    whole, decimals = re.sub(r"\D", "", match[1]) or "0", (match[2] or "")[1:]
    if len(decimals) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", match[1]):
        return None  # 450.000: thousands or decimals?
    if decimals.strip("0"):
        return None  # øre
    return int(whole)


@given(st.text(alphabet="0123456789 .,-'ekrNO\u00a0\u2009\u202f", max_size=16))
def test_money_is_never_read_otherwise_than_a_norwegian_reader_would(text: str) -> None:
    try:
        value = p.parse_money(text)
    except PydanticCustomError:
        return
    assert value == norwegian_reading(text)


# --- Numbers that are not money -----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rule"),
    [("1,234", "ambiguous"), ("1.234,5", "ambiguous"), ("1e3", "format"), ("1E-2", "format")],
)
def test_decimal_refuses_ambiguous_and_scientific_forms(raw: str, rule: str) -> None:
    with pytest.raises(PydanticCustomError) as err:
        p.parse_decimal(raw)
    assert err.value.type == rule


@pytest.mark.parametrize("raw", ["1,000", "1.000", "2.018"])
def test_integer_refuses_a_thousands_mark(raw: str) -> None:
    """1,000 participants were once stored as 1."""
    with pytest.raises(PydanticCustomError) as err:
        p.parse_integer(raw)
    assert err.value.type == "ambiguous"


def test_integer_takes_spaces_between_thousands() -> None:
    assert p.parse_integer("1 000") == 1000
    assert p.parse_integer("12,0") == 12


# --- Dates ------------------------------------------------------------------


def test_slash_dates_are_refused_unless_the_column_proves_day_first() -> None:
    with pytest.raises(PydanticCustomError) as err:
        p.parse_date("03/02/2020")
    assert err.value.type == "ambiguous"
    assert "DD.MM.ÅÅÅÅ (03.02.2020 hvis dagen står først)" in err.value.message()
    assert p.parse_date("03/02/2020", day_first=True) == dt.date(2020, 2, 3)


@pytest.mark.parametrize(
    ("column", "day_first"),
    [
        (["03/02/2020", "04/05/2020"], False),  # every day 12 or less: either way
        (["03/02/2020", "13/02/2020"], True),
        (["03/02/2020", "02/13/2020"], False),  # month first
        (["13/02/2020", "02/13/2020"], False),  # both: no order proved
        (["2020-02-13", "13.02.2020", None, 13], False),  # no slash date at all
    ],
)
def test_a_column_proves_day_first_by_a_day_over_12(column: list, day_first: bool) -> None:
    assert p.slash_dates_day_first(column) is day_first


@given(st.dates(min_value=p.FIRST_PLAUSIBLE_DATE, max_value=p.LAST_PLAUSIBLE_DATE))
def test_dates_are_read_as_written_or_refused(date: dt.date) -> None:
    assert p.parse_date(date.isoformat()) == date
    assert p.parse_date(f"{date:%d.%m.%Y}") == date
    slashed = f"{date:%d/%m/%Y}"
    assert p.parse_date(slashed, day_first=True) == date
    if date.day <= 12:
        with pytest.raises(PydanticCustomError):
            p.parse_date(slashed)  # 03/02 could be 2 March


@given(st.text(alphabet="0123456789/.-", max_size=12), st.booleans())
def test_a_date_is_never_read_with_day_and_month_swapped(text: str, day_first: bool) -> None:
    try:
        date = p.parse_date(text, day_first=day_first)
    except PydanticCustomError:
        return
    parts = [int(x) for x in re.split(r"[/.-]", text) if x]
    if "-" in text:  # ISO: year, month, day
        assert (date.year, date.month, date.day) == tuple(parts)
    else:  # day first, always
        assert (date.day, date.month) == (parts[0], parts[1])


# --- What Excel does to identifiers -------------------------------------------


@pytest.mark.parametrize("raw", ["9,58935E+08", "9.58935E+08", "9,58935e8"])
def test_orgnr_in_scientific_notation_names_excel(raw: str) -> None:
    with pytest.raises(PydanticCustomError) as err:
        p.parse_orgnr(raw)
    assert "Excel" in err.value.message()
    assert "formater kolonnen som tekst" in err.value.message()


@pytest.mark.parametrize(("parse", "raw"), [(p.parse_orgnr, "'958935420"), (p.parse_knr, "'0301")])
def test_a_leading_apostrophe_names_excel(parse, raw: str) -> None:
    with pytest.raises(PydanticCustomError) as err:
        parse(raw)
    assert "Excel" in err.value.message()
    assert "formater kolonnen som tekst" in err.value.message()
