"""Cell parsers: what a valid cell is, and the Norwegian message for one that is not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from core import parse as p


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("1.234,50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
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
