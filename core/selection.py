"""The owner filters as lists of keys, for reading the derived tables without
a join.

A live query selects owners with joins and subqueries (core.filters): the
owner's type, its municipality and the numbers the reforms relate to it, its
forum in the row's year. On a derived table of a few thousand rows, DuckDB
spent more time planning those joins than reading the rows: a first answer
with a municipality filter took 3-7 ms against 1 ms for a plain filter.

So for the derived tables the owner filters are resolved here, in Python,
from facts read once per version (the owners, the memberships, the related
numbers), into lists that travel as parameters:

``$owners``        the owners of the type, in the municipality or a related one
``$forum_years``   ``forum|year`` of the forum-years with a member among them
                   (in the chosen forum)
``$member_years``  ``owner|year`` of those owners' memberships of the forum
``$related``       the municipality numbers related to the chosen one

and each condition is one filter on the derived table's own columns. A short
list is searched in place (``list_contains``); a long one (every owner of a
type) is hashed by a semi-join, which costs a sort to keep the live order.
tests/store/test_derived.py checks every view both ways under every kind of
filter, with long lists and short.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.filters import Filters
    from core.store import Snapshot

# Up to this many keys a list is searched in place; more are hashed. The
# rules of every year (71,000 rows at national scale) against the 356 owners
# of a type: 9.6 ms in place, 11 ms hashed; against 6 owners 0.9 and 1.2 ms.
IN_PLACE = 400


@dataclass(frozen=True)
class Facts:
    """What the owner filters select on, for one version."""

    owners_by_type: dict[str, frozenset[str]]
    owners_by_knr: dict[str, frozenset[str]]
    memberships: tuple[tuple[int, str, str], ...]  # year, forum, owner
    related: dict[str, tuple[str, ...]]  # knr -> the numbers related to it


def facts(snap: Snapshot) -> Facts:
    """Read once per version (the store's result cache)."""
    return snap.memo(("selection-facts",), lambda: _read_facts(snap))


def _read_facts(snap: Snapshot) -> Facts:
    by_type: dict[str, set[str]] = defaultdict(set)
    by_knr: dict[str, set[str]] = defaultdict(set)
    for owner_id, owner_type, knr in snap.rows(
        "SELECT owner_id, owner_type::VARCHAR, knr FROM school_owner"
    ):
        by_type[owner_type].add(owner_id)
        if knr is not None:
            by_knr[knr].add(owner_id)
    related: dict[str, list[str]] = defaultdict(list)
    for knr, other in snap.rows(
        "SELECT knr, related FROM derived_related_municipalities ORDER BY knr, related"
    ):
        related[knr].append(other)
    memberships = snap.rows(
        "SELECT year, forum_id, owner_id FROM forum_member WHERE owner_id IS NOT NULL ORDER BY ALL"
    )
    return Facts(
        owners_by_type={k: frozenset(v) for k, v in by_type.items()},
        owners_by_knr={k: frozenset(v) for k, v in by_knr.items()},
        memberships=tuple(memberships),
        related={k: tuple(v) for k, v in related.items()},
    )


@dataclass(frozen=True)
class Selection:
    """A filter state's owner filters as keys (None where it sets none)."""

    owners: tuple[str, ...] | None
    forum_years: tuple[str, ...] | None
    member_years: tuple[str, ...] | None
    related: tuple[str, ...] | None

    def params(self) -> dict[str, object]:
        names = ("owners", "forum_years", "member_years", "related")
        return {n: list(getattr(self, n)) for n in names if getattr(self, n) is not None}

    def owner(self, owner_id: str) -> str:
        """``owner_id`` is one of the owners the type and municipality select."""
        return _contains("owners", self.owners, owner_id)

    def forum_year(self, forum_id: str, year: str) -> str:
        """The forum-year has a member owner that the owner filters select."""
        return _contains("forum_years", self.forum_years, f"{forum_id} || '|' || {year}")

    def member(self, owner_id: str, year: str) -> str:
        """The owner is a member of the chosen forum that year."""
        return _contains("member_years", self.member_years, f"{owner_id} || '|' || {year}")

    def municipality(self, knr: str) -> str:
        """``knr`` is the chosen municipality's number or related to it."""
        return _contains("related", self.related, knr)


# A long list is hashed by a semi-join, which does not keep a table's stored
# order; ``keeps_order`` tells a reader that needs that order to sort.
_HASHED = "IN (SELECT unnest("


def _contains(name: str, keys: tuple[str, ...] | None, expr: str) -> str:
    if keys is None:
        return "TRUE"
    if len(keys) <= IN_PLACE:
        return f"list_contains(${name}::VARCHAR[], {expr})"
    return f"{expr} {_HASHED}${name}::VARCHAR[]))"


def keeps_order(where: str) -> bool:
    """Whether a read of one table filtered by ``where`` keeps the table's
    stored order: unless a key list of this module in it is hashed."""
    return _HASHED not in where


def select(snap: Snapshot, f: Filters) -> Selection:
    """``f``'s owner filters as keys (once per version and filter state)."""
    key = (f.forum, f.municipality, f.owner_type)
    if key == (None, None, None):
        return Selection(None, None, None, None)
    return snap.memo(("selection", key), lambda: _select(facts(snap), *key))


def _select(
    facts: Facts, forum: str | None, municipality: str | None, owner_type: str | None
) -> Selection:
    related = facts.related.get(municipality, ()) if municipality is not None else None
    owners: frozenset[str] | None = None
    if owner_type is not None:
        owners = facts.owners_by_type.get(owner_type, frozenset())
    if related is not None:
        in_place = frozenset().union(*(facts.owners_by_knr.get(k, ()) for k in related))
        owners = in_place if owners is None else owners & in_place
    chosen = [
        (year, forum_id, owner_id)
        for year, forum_id, owner_id in facts.memberships
        if (forum is None or forum_id == forum) and (owners is None or owner_id in owners)
    ]
    forum_years = tuple(sorted({f"{forum_id}|{year}" for year, forum_id, _ in chosen}))
    member_years = None
    if forum is not None and owners is not None:
        member_years = tuple(sorted({f"{owner_id}|{year}" for year, _, owner_id in chosen}))
    return Selection(
        owners=tuple(sorted(owners)) if owners is not None else None,
        forum_years=forum_years,
        member_years=member_years,
        related=related,
    )
