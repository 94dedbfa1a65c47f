"""The filter state: parsing text, the URL query string, and SQL conditions
that carry the values only as $parameters."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.filters import (
    FilterError,
    Filters,
    combine,
    forum_condition,
    municipality_condition,
    owner_condition,
    year_condition,
)

FULL = Filters(
    year=2018,
    forum="follo",
    municipality="0213",
    owner_type="municipality",
    as_of=dt.date(2021, 12, 31),
)
FULL_QUERY = "aar=2018&forum=follo&kommune=0213&eiertype=municipality&dato=2021-12-31"


# --- Parsing ------------------------------------------------------------------


def test_parse_text_values() -> None:
    parsed = Filters.parse(
        year="2018",
        forum=" follo ",
        municipality="0213",
        owner_type="municipality",
        as_of="2021-12-31",
    )
    assert parsed == FULL
    assert isinstance(parsed.year, int)
    assert isinstance(parsed.as_of, dt.date)


def test_parse_accepts_typed_values() -> None:
    assert Filters.parse(year=2021, as_of=dt.date(2022, 1, 15)) == Filters(
        year=2021, as_of=dt.date(2022, 1, 15)
    )


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
def test_blank_values_mean_no_filter(blank: str | None) -> None:
    parsed = Filters.parse(
        year=blank, forum=blank, municipality=blank, owner_type=blank, as_of=blank
    )
    assert parsed == Filters()
    assert not parsed.selects_owners


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year", "20x", "ugyldig år: '20x'"),
        ("year", "2018.0", "ugyldig år: '2018.0'"),
        ("year", "2016", "ugyldig år: 2016"),
        ("year", "2101", "ugyldig år: 2101"),
        ("forum", "x'; DROP TABLE", 'ugyldig forum: "x\'; DROP TABLE"'),
        ("forum", "Follo", "ugyldig forum: 'Follo'"),
        ("forum", "f", "ugyldig forum: 'f'"),
        ("forum", "follo og romerike", "ugyldig forum: 'follo og romerike'"),
        ("forum", "a" * 41, f"ugyldig forum: '{'a' * 41}'"),
        ("municipality", "123", "ugyldig kommunenummer: '123'"),
        ("municipality", "02135", "ugyldig kommunenummer: '02135'"),
        ("municipality", "0213'", 'ugyldig kommunenummer: "0213\'"'),
        ("owner_type", "kommune", "ugyldig skoleeiertype: 'kommune'"),
        ("owner_type", "Municipality", "ugyldig skoleeiertype: 'Municipality'"),
        ("as_of", "31.12.2021", "ugyldig dato: '31.12.2021'; skriv ÅÅÅÅ-MM-DD"),
        ("as_of", "2021-02-30", "ugyldig dato: '2021-02-30'; skriv ÅÅÅÅ-MM-DD"),
    ],
)
def test_invalid_values_raise_a_norwegian_message(field: str, value: str, message: str) -> None:
    with pytest.raises(FilterError) as raised:
        Filters.parse(**{field: value})
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_the_constructor_checks_too() -> None:
    with pytest.raises(FilterError, match="ugyldig forum"):
        Filters(forum="x'; DROP TABLE")
    with pytest.raises(FilterError, match="ugyldig kommunenummer"):
        Filters(municipality="0213 OR 1=1")
    with pytest.raises(FilterError, match="ugyldig skoleeiertype"):
        Filters(owner_type="kommune")
    with pytest.raises(FilterError, match="ugyldig år"):
        Filters(year=1999)


# --- The URL query string -------------------------------------------------------


def test_to_query_uses_the_norwegian_keys() -> None:
    assert FULL.to_query() == FULL_QUERY
    assert Filters().to_query() == ""
    assert Filters(municipality="0301").to_query() == "kommune=0301"


def test_from_query_reads_the_norwegian_keys() -> None:
    assert Filters.from_query(dict(parse_qsl(FULL_QUERY))) == FULL
    assert Filters.from_query({}) == Filters()
    # Blank values (an emptied dropdown) and unknown keys mean no filter.
    assert Filters.from_query({"aar": "", "forum": "", "year": "2018", "x": "y"}) == Filters()


def test_from_query_raises_on_invalid_values() -> None:
    with pytest.raises(FilterError, match="ugyldig kommunenummer: '123'"):
        Filters.from_query({"kommune": "123"})
    with pytest.raises(FilterError, match="ugyldig skoleeiertype: 'kommune'"):
        Filters.from_query({"eiertype": "kommune"})


valid_filters = st.builds(
    Filters,
    year=st.none() | st.integers(min_value=2017, max_value=2100),
    forum=st.none() | st.from_regex(r"[a-z0-9-]{2,40}", fullmatch=True),
    municipality=st.none() | st.from_regex(r"[0-9]{4}", fullmatch=True),
    owner_type=st.none() | st.sampled_from(["municipality", "county_authority", "private"]),
    as_of=st.none() | st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2100, 12, 31)),
)


@given(valid_filters)
def test_query_round_trip(f: Filters) -> None:
    assert Filters.from_query(dict(parse_qsl(f.to_query()))) == f


def test_with_as_of_keeps_the_rest() -> None:
    assert FULL.with_as_of(dt.date(2019, 3, 1)) == Filters(
        year=2018,
        forum="follo",
        municipality="0213",
        owner_type="municipality",
        as_of=dt.date(2019, 3, 1),
    )


# --- SQL parameters and conditions ---------------------------------------------------


def test_sql_params() -> None:
    assert FULL.sql_params() == {
        "year": 2018,
        "forum": "follo",
        "knr": "0213",
        "owner_type": "municipality",
        "as_of": dt.date(2021, 12, 31),
    }
    assert Filters().sql_params() == {
        "year": None,
        "forum": None,
        "knr": None,
        "owner_type": None,
        "as_of": None,
    }


def test_selects_owners() -> None:
    assert not Filters(year=2018, forum="follo", as_of=dt.date(2021, 1, 1)).selects_owners
    assert Filters(municipality="0213").selects_owners
    assert Filters(owner_type="private").selects_owners


def test_owner_condition_without_owner_filters_is_true() -> None:
    assert owner_condition(Filters(), "o.owner_type", "o.knr") == "TRUE"
    assert owner_condition(Filters(year=2018, forum="follo"), "t", "k") == "TRUE"


def test_owner_condition_owner_type() -> None:
    f = Filters(owner_type="private")
    assert owner_condition(f, "o.owner_type", "o.knr") == "(o.owner_type = $owner_type)"
    assert owner_condition(f, "d.owner_type", "d.knr") == "(d.owner_type = $owner_type)"


def test_municipality_follows_the_reforms_through_a_parameter() -> None:
    sql = municipality_condition(Filters(municipality="0213"), "d.municipality_number")
    assert sql == "d.municipality_number IN (SELECT related FROM fact_related WHERE knr = $knr)"
    assert municipality_condition(Filters(), "d.municipality_number") == "TRUE"


def test_owner_condition_combined() -> None:
    sql = owner_condition(FULL, "o.owner_type", "o.knr")
    assert sql == (
        "(o.owner_type = $owner_type) AND "
        "(o.knr IN (SELECT related FROM fact_related WHERE knr = $knr))"
    )
    for value in ("follo", "0213", "2018", "2021-12-31", "'municipality'"):
        assert value not in sql


def test_owner_condition_text_does_not_depend_on_the_values() -> None:
    other = Filters(forum="romerike", municipality="0301", owner_type="private", year=2021)
    assert owner_condition(FULL, "t", "k") == owner_condition(other, "t", "k")


def test_year_and_forum_conditions() -> None:
    assert year_condition(Filters(), "sy.year") == "TRUE"
    assert year_condition(Filters(year=2018), "sy.year") == "sy.year = $year"
    assert year_condition(Filters(year=2018), "year(p.start_date)") == "year(p.start_date) = $year"
    assert forum_condition(Filters(), "fy.forum_id") == "TRUE"
    assert forum_condition(Filters(forum="follo"), "fy.forum_id") == "fy.forum_id = $forum"


def test_combine_drops_true_parts() -> None:
    assert combine() == "TRUE"
    assert combine("TRUE", "TRUE") == "TRUE"
    assert combine("a = $year") == "(a = $year)"
    assert combine("TRUE", "a = $year", "TRUE", "b = $forum OR c") == (
        "(a = $year) AND (b = $forum OR c)"
    )
    f = Filters(year=2018)
    assert combine(year_condition(f, "fy.year"), forum_condition(f, "fy.forum_id")) == (
        "(fy.year = $year)"
    )


# Anything a browser could send, plus values that look like SQL.
any_text = (
    st.text()
    | st.from_regex(r"[a-z0-9-]{2,40}", fullmatch=True)
    | st.from_regex(r"[0-9]{4}", fullmatch=True)
    | st.sampled_from(
        [
            "x'; DROP TABLE forum; --",
            "follo' OR '1'='1",
            "0213' OR TRUE --",
            "$forum",
            "$knr",
            "0213)",
            "fm.year = 2018",
        ]
    )
)
FORUM_ONLY = forum_condition(Filters(forum="follo"), "d.forum_id")
KNR_ONLY = municipality_condition(Filters(municipality="0213"), "d.knr")


@given(value=any_text, as_forum=st.booleans())
def test_a_value_either_fails_or_never_enters_the_sql(value: str, as_forum: bool) -> None:
    try:
        f = Filters.parse(forum=value) if as_forum else Filters.parse(municipality=value)
    except FilterError:
        return
    sql = forum_condition(f, "d.forum_id") if as_forum else municipality_condition(f, "d.knr")
    if not value.strip():
        assert sql == "TRUE"
        return
    # The text is the same whatever the value: the value travels only as
    # $forum or $knr. (A valid slug may still happen to be a piece of the
    # fixed text, such as "fm"; it is then not there because of the value.)
    assert sql == (FORUM_ONLY if as_forum else KNR_ONLY)
    assert f.sql_params()["forum" if as_forum else "knr"] == value.strip()
