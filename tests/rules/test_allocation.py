"""Largest remainder and entitlement: properties that must hold for any input."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.allocation import Entitlement, OwnerFte, entitlements, largest_remainder

ids = st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=6)
fte = st.decimals(min_value=0, max_value=10_000, places=1, allow_nan=False, allow_infinity=False)
weights = st.dictionaries(ids, fte, min_size=1, max_size=40).filter(lambda w: sum(w.values()) > 0)
totals = st.integers(min_value=0, max_value=200_000_000)


@given(totals, weights)
def test_shares_add_up_exactly(total: int, w: dict[str, Decimal]) -> None:
    assert sum(largest_remainder(total, w).values()) == total


@given(totals, weights)
def test_each_share_is_its_quota_rounded_down_or_up(total: int, w: dict[str, Decimal]) -> None:
    weight_sum = sum(Fraction(v) for v in w.values())
    for key, share in largest_remainder(total, w).items():
        quota = total * Fraction(w[key]) / weight_sum
        assert math.floor(quota) <= share <= math.ceil(quota)


@given(totals, weights)
def test_a_larger_weight_never_gets_less(total: int, w: dict[str, Decimal]) -> None:
    shares = largest_remainder(total, w)
    for a in w:
        for b in w:
            if w[a] > w[b]:
                assert shares[a] >= shares[b]


@given(totals, weights, st.integers(min_value=1, max_value=1000))
def test_scaling_all_weights_changes_nothing(total: int, w: dict[str, Decimal], k: int) -> None:
    scaled = {key: v * k for key, v in w.items()}
    assert largest_remainder(total, scaled) == largest_remainder(total, w)


@given(totals, weights, st.randoms())
def test_row_order_changes_nothing(total: int, w: dict[str, Decimal], rnd: random.Random) -> None:
    items = list(w.items())
    rnd.shuffle(items)
    assert largest_remainder(total, dict(items)) == largest_remainder(total, w)


def test_ties_go_to_the_smaller_id() -> None:
    assert largest_remainder(2, {"b": 1, "a": 1, "c": 1}) == {"a": 1, "b": 1, "c": 0}


def test_alabama_paradox_is_a_known_property() -> None:
    """A larger total can give a party less: 10 kr gives C 2 kr, 11 kr gives C 1 kr.
    Every largest-remainder apportionment has this property; the UI says so."""
    w = {"A": 6, "B": 6, "C": 2}
    assert largest_remainder(10, w) == {"A": 4, "B": 4, "C": 2}
    assert largest_remainder(11, w) == {"A": 5, "B": 5, "C": 1}


def test_invalid_input() -> None:
    with pytest.raises(ValueError):
        largest_remainder(10, {"a": 0})
    with pytest.raises(ValueError):
        largest_remainder(10, {"a": -1, "b": 2})
    assert largest_remainder(0, {"a": 0}) == {"a": 0}


OWNERS = [
    OwnerFte("a", Decimal("300.0"), True),
    OwnerFte("b", Decimal("100.0"), True),
    OwnerFte("c", Decimal("100.0"), False),
]


def test_redistribute_gives_the_non_participant_share_to_the_rest() -> None:
    result = entitlements(1_000, OWNERS, "redistribute")
    assert result == [
        Entitlement("a", Decimal("300.0"), True, 750, 0),
        Entitlement("b", Decimal("100.0"), True, 250, 0),
        Entitlement("c", Decimal("100.0"), False, 0, 0),
    ]


def test_withhold_keeps_the_non_participant_share_back() -> None:
    result = entitlements(1_000, OWNERS, "withhold")
    assert [(e.owner_id, e.entitlement_nok, e.withheld_nok) for e in result] == [
        ("a", 600, 0),
        ("b", 200, 0),
        ("c", 0, 200),
    ]
    assert sum(e.entitlement_nok + e.withheld_nok for e in result) == 1_000


@given(
    totals,
    st.lists(st.tuples(ids, fte, st.booleans()), min_size=1, max_size=30, unique_by=lambda t: t[0]),
)
def test_entitlements_add_up_to_the_frame(total: int, rows: list) -> None:
    owners = [OwnerFte(i, f, p) for i, f, p in rows]
    for policy in ("redistribute", "withhold"):
        result = entitlements(total, owners, policy)
        shared = sum(e.entitlement_nok + e.withheld_nok for e in result)
        sharing_fte = sum(o.fte for o in owners if o.takes_part or policy == "withhold")
        assert shared == (total if sharing_fte > 0 else 0)
