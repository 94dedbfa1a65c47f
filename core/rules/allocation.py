"""Sharing a frame in whole kroner: the largest-remainder method, and the
year's entitlement of each owner by teacher FTE.

Pure functions on plain values; ``core.views`` feeds them from the database.

The largest-remainder (Hamilton) method gives every party its exact quota
``total * weight / sum(weights)`` rounded down, then hands the kroner left
over, one each, to the parties with the largest fractional remainders. Ties
are broken on the party's id, so the result never depends on row order. The
shares add up exactly to the total and each is its quota rounded down or up.
Like every quota method it can show the Alabama paradox: a larger total may
give one party a krone less (see tests/rules/test_allocation.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Weight = int | Decimal | Fraction


def largest_remainder(total: int, weights: Mapping[str, Weight]) -> dict[str, int]:
    """Share ``total`` kroner in proportion to ``weights`` (id -> weight)."""
    if total < 0:
        raise ValueError("total must not be negative")
    exact = {key: Fraction(w) for key, w in weights.items()}
    if any(w < 0 for w in exact.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum(exact.values(), Fraction(0))
    if weight_sum == 0:
        if total == 0:
            return dict.fromkeys(exact, 0)
        raise ValueError("cannot share a positive total among zero weights")
    quotas = {key: total * w / weight_sum for key, w in exact.items()}
    shares = {key: int(q) for key, q in quotas.items()}  # floor: quotas are >= 0
    left = total - sum(shares.values())
    # Largest remainder first; equal remainders go to the smaller id.
    order = sorted(quotas, key=lambda key: (-(quotas[key] - shares[key]), key))
    for key in order[:left]:
        shares[key] += 1
    return shares


@dataclass(frozen=True)
class OwnerFte:
    """One owner's teacher FTE in the year's scope, and whether it takes part."""

    owner_id: str
    fte: Decimal
    takes_part: bool


@dataclass(frozen=True)
class Entitlement:
    owner_id: str
    fte: Decimal
    takes_part: bool
    entitlement_nok: int
    withheld_nok: int  # what it would have had, under the withhold policy


Policy = Literal["redistribute", "withhold"]


def entitlements(frame_nok: int, owners: Iterable[OwnerFte], policy: Policy) -> list[Entitlement]:
    """The year's frame shared by FTE among the owners in scope.

    ``redistribute``: only the owners that take part share the frame, so the
    share of those that do not goes to the rest. ``withhold``: all owners in
    scope share the frame, and the shares of those that do not take part are
    held back (not paid to anyone).
    """
    owners = list(owners)
    if policy == "redistribute":
        sharing = {o.owner_id: o.fte for o in owners if o.takes_part}
    elif policy == "withhold":
        sharing = {o.owner_id: o.fte for o in owners}
    else:
        raise ValueError(f"unknown policy {policy!r}")
    if not sharing or sum(sharing.values()) == 0:
        shares: dict[str, int] = {}
    else:
        shares = largest_remainder(frame_nok, sharing)
    result = []
    for owner in sorted(owners, key=lambda o: o.owner_id):
        share = shares.get(owner.owner_id, 0)
        result.append(
            Entitlement(
                owner.owner_id,
                owner.fte,
                owner.takes_part,
                share if owner.takes_part else 0,
                0 if owner.takes_part else share,
            )
        )
    return result
