"""The owner filters as lists of keys (core.selection), on hand-made facts:
Ski (0213) and Oppegård (0217) became Nordre Follo (3020, later 3207)."""

from __future__ import annotations

import pytest

from core import selection
from core.filters import Filters
from core.selection import Facts, Selection, _select

FACTS = Facts(
    owners_by_type={
        "municipality": frozenset({"k-ski", "k-oppegard", "k-nordre-follo", "k-asker"}),
        "private": frozenset({"p-ski-skole", "p-asker-skole"}),
        "county_authority": frozenset({"f-viken"}),
    },
    owners_by_knr={
        "0213": frozenset({"k-ski", "p-ski-skole"}),
        "0217": frozenset({"k-oppegard"}),
        "3020": frozenset({"k-nordre-follo"}),
        "0220": frozenset({"k-asker", "p-asker-skole"}),
    },
    memberships=(
        (2018, "follo", "k-ski"),
        (2018, "follo", "k-oppegard"),
        (2018, "follo", "p-ski-skole"),
        (2018, "asker-baerum", "k-asker"),
        (2019, "follo", "k-ski"),
        (2019, "viken", "p-ski-skole"),
        (2020, "follo", "k-nordre-follo"),
        (2020, "viken", "f-viken"),
    ),
    related={
        "0213": ("0213", "3020", "3207"),
        "3020": ("0213", "0217", "3020", "3207"),
        "0220": ("0220",),
    },
)


def test_no_owner_filter_selects_everything() -> None:
    # Without an owner filter no facts are read: no snapshot is needed.
    chosen = selection.select(None, Filters(year=2019))  # type: ignore[arg-type]
    assert chosen == Selection(None, None, None, None)
    assert chosen.params() == {}
    assert chosen.owner("r.owner_id") == "TRUE"
    assert chosen.forum_year("fy.forum_id", "fy.year") == "TRUE"


def test_a_municipality_selects_the_owners_of_every_related_number() -> None:
    chosen = _select(FACTS, None, "3020", None)
    assert chosen.owners == ("k-nordre-follo", "k-oppegard", "k-ski", "p-ski-skole")
    assert chosen.related == ("0213", "0217", "3020", "3207")
    assert chosen.forum_years == ("follo|2018", "follo|2019", "follo|2020", "viken|2019")
    assert chosen.member_years is None  # no forum chosen


def test_type_and_municipality_together() -> None:
    chosen = _select(FACTS, None, "0213", "private")
    assert chosen.owners == ("p-ski-skole",)
    assert chosen.forum_years == ("follo|2018", "viken|2019")


def test_a_forum_alone_keeps_its_years_with_a_member_owner() -> None:
    chosen = _select(FACTS, "viken", None, None)
    assert chosen.owners is None
    assert chosen.forum_years == ("viken|2019", "viken|2020")
    assert chosen.member_years is None


def test_a_forum_with_owners_names_their_memberships_of_it() -> None:
    chosen = _select(FACTS, "follo", "0213", None)  # Ski, and Nordre Follo after it
    assert chosen.member_years == (
        "k-nordre-follo|2020",
        "k-ski|2018",
        "k-ski|2019",
        "p-ski-skole|2018",
    )
    assert chosen.forum_years == ("follo|2018", "follo|2019", "follo|2020")


def test_an_unknown_municipality_selects_no_one() -> None:
    chosen = _select(FACTS, None, "9999", None)
    assert chosen.owners == () and chosen.forum_years == () and chosen.related == ()
    assert chosen.params() == {"owners": [], "forum_years": [], "related": []}


def test_a_long_list_is_hashed_a_short_one_searched_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = _select(FACTS, None, None, "municipality")
    assert chosen.owner("r.owner_id") == "list_contains($owners::VARCHAR[], r.owner_id)"
    monkeypatch.setattr(selection, "IN_PLACE", 3)
    assert chosen.owner("r.owner_id") == "r.owner_id IN (SELECT unnest($owners::VARCHAR[]))"
    assert chosen.member("e.owner_id", "e.year") == "TRUE"  # no forum chosen
    assert chosen.forum_year("fy.forum_id", "fy.year") == (
        "fy.forum_id || '|' || fy.year IN (SELECT unnest($forum_years::VARCHAR[]))"
    )
    # A hashed list is a semi-join: a read that needs the stored order sorts.
    assert not selection.keeps_order(f"(e.year = $year) AND ({chosen.owner('e.owner_id')})")
    monkeypatch.setattr(selection, "IN_PLACE", 400)
    assert selection.keeps_order(f"(e.year = $year) AND ({chosen.owner('e.owner_id')})")
    assert selection.keeps_order("TRUE")
