"""The build steps both profiles take alike: owners and their organisation
numbers, forums and memberships, entitlements (core.rules.allocation, as the app
computes them), needs reports, awards from entitlements, co-financing,
confirmations of use, and the rows of projects and status reports.

A profile (demo.py, national.py) subclasses ``Builder``: it supplies the
region, municipalities, owners and FTE, decides which owners take part, and
answers the few hooks where the profiles differ (planted or random breaches,
payments, which projects run). Everything is drawn from one
``random.Random`` in one fixed order, so a profile writes the same bytes on
every run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.data.kinds import KINDS
from core.rules.allocation import OwnerFte, entitlements
from generate.common import RESERVED_ORGNR, d, orgnr, plus, round_to, split, workday
from generate.reference import (
    AREAS,
    CASH_NOTES,
    COMPULSORY_AREAS,
    COUNTY_AREAS,
    IN_KIND_NOTES,
    RENEWAL,
    TARGET_GROUPS,
)

COFINANCING_RATE = Decimal("0.30")
STALE_AFTER_DAYS = 180
# Where needs reports and forum agreements fall: the first day and the number of days.
NEEDS_WINDOW = {2018: (d(2018, 5, 14), 46), 2019: (d(2019, 2, 1), 41), 2020: (d(2020, 1, 6), 39)}
AGREEMENT_WINDOW = {2018: (d(2018, 8, 27), 25), 2019: (d(2019, 4, 23), 22)}
AGREEMENT_WINDOW[2020] = (d(2020, 3, 23), 25)


def agreement_window(year: int) -> tuple[dt.date, int]:
    return AGREEMENT_WINDOW.get(year, (d(year, 3, 1), 22))


@dataclass(frozen=True)
class Rules:
    """A year's scope and deadlines (one row of frames.csv without the amount)."""

    levels: tuple[str, ...]
    types: tuple[str, ...]
    needs: dt.date
    reporting: dt.date
    policy: str


def rules(year: int) -> Rules:
    """2018 as in the seed letter; 2019 and 2020 estimates (2019 withholds the
    shares of owners that do not take part, so the data shows both policies);
    from 2021 the regulation: needs by 1 February, use confirmed by 15 January."""
    if year == 2018:
        types = ("municipality", "private")
        return Rules(("compulsory",), types, d(2018, 7, 1), d(2019, 3, 1), "redistribute")
    levels = ("compulsory", "upper_secondary")
    types = ("municipality", "county_authority", "private")
    if year == 2019:
        return Rules(levels, types, d(2019, 3, 15), d(2020, 3, 1), "withhold")
    if year == 2020:
        return Rules(levels, types, d(2020, 2, 15), d(2021, 3, 1), "redistribute")
    return Rules(levels, types, d(year, 2, 1), d(year + 1, 1, 15), "redistribute")


@dataclass
class Owner:
    owner_id: str
    name: str
    type: str
    knr: str | None
    region: str
    abroad: bool
    active_from: int
    active_to: int | None
    key: str = ""  # the demo's readable name for the owner (m0301, p-oslo-1, ...)
    forum: str = ""
    fte: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    areas: list[str] = field(default_factory=list)

    def active(self, year: int) -> bool:
        return self.active_from <= year <= (self.active_to or 9999)

    @property
    def place(self) -> str:
        for suffix in (" kommune", " fylkeskommune"):
            if self.name.endswith(suffix):
                return self.name.removesuffix(suffix)
        return self.name


@dataclass
class Forum:
    forum_id: str
    name: str
    region: str
    first_year: int
    institutions: list[str]
    centre: tuple[str, int] | None = None  # a national centre joining from a year

    def partners(self, year: int) -> list[str]:
        if self.centre and year >= self.centre[1]:
            return [*self.institutions, self.centre[0]]
        return list(self.institutions)


@dataclass
class Award:
    award_id: str
    year: int
    forum_id: str
    owner_id: str | None
    institution_id: str | None
    amount: int
    decision: dt.date | None
    forum_decision: dt.date


# One planned award: year, forum, owner or institution, amount, decision date.
Plan = tuple[int, str, str | None, str | None, int, dt.date | None]


class Builder:
    """Every kind's rows (tuples in the kind's column order)."""

    YEARS: tuple[int, ...]
    AS_OF: dt.date  # payments and status reports go up to this date
    DIGITS: dict[str, int]  # the width of the running number in needs, award, payment ids
    RENEWAL: tuple[tuple[int, ...], float]  # the years and odds of a needs report on RENEWAL

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in KINDS}
        self.rules = {year: rules(year) for year in self.YEARS}
        self.frame: dict[tuple[int, str], int] = {}  # (year, region) -> NOK
        self.owners: dict[str, Owner] = {}
        self.forums: dict[str, Forum] = {}
        self.members: dict[tuple[int, str], list[str]] = {}  # (year, forum) -> owner ids
        self.share: dict[tuple[str, int], Decimal] = {}
        self.decision: dict[tuple[str, int], dt.date] = {}
        self.entitlement: dict[tuple[int, str], int] = {}  # (year, owner) -> NOK
        self.awards: list[Award] = []
        self.paid: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        self.counters: dict[tuple[str, int], int] = defaultdict(int)

    def add(self, kind: str, *values: Any) -> None:
        self.rows[kind].append(values)

    def next_id(self, kind: str, prefix: str, year: int) -> str:
        self.counters[(kind, year)] += 1
        return f"{prefix}{year}-{self.counters[(kind, year)]:0{self.DIGITS[kind]}d}"

    def in_scope(self, owner: Owner, year: int) -> Decimal:
        r = self.rules[year]
        if owner.type not in r.types:
            return Decimal(0)
        return sum((owner.fte.get((year, lvl), Decimal(0)) for lvl in r.levels), Decimal(0))

    # -- frames, owners, forums --------------------------------------------------------

    def add_frames(self) -> None:
        for (year, region_id), frame in self.frame.items():
            r = self.rules[year]
            scope = (r.levels, r.types, r.needs, r.reporting, STALE_AFTER_DAYS, r.policy)
            self.add("frames", year, region_id, frame, COFINANCING_RATE, *scope)

    def add_owners(self, owners: list[Owner]) -> None:
        """Draw an organisation number for each owner that has none yet."""
        taken = set(RESERVED_ORGNR)
        for o in owners:
            o.owner_id = o.owner_id or orgnr(self.rng, taken)
            row = (
                o.owner_id,
                o.name,
                o.type,
                o.knr,
                o.region,
                o.abroad,
                o.active_from,
                o.active_to,
            )
            self.add("owners", *row)
        self.owners = {o.owner_id: o for o in owners}

    def forum_years(self, low: float, high: float) -> None:
        """Each forum's rows per year from its first: the institutions' share
        (about a base drawn between ``low`` and ``high``), the agreement and
        decision dates, and its members (``self.members``) and partners."""
        rng = self.rng
        for forum_id, forum in sorted(self.forums.items()):
            base = rng.uniform(low, high)
            for year in self.YEARS:
                if year < forum.first_year:
                    continue
                share = Decimal(str(round(base + rng.uniform(-0.03, 0.03), 2)))
                share = self.share[(forum_id, year)] = share.quantize(Decimal("0.01"))
                agreement = self.agreement_day(year)
                self.decision[(forum_id, year)] = workday(plus(agreement, rng.randrange(18, 40)))
                self.add("forums", forum_id, forum.name, forum.region, year, share, agreement)
                for owner_id in self.members.get((year, forum_id), []):
                    self.add("memberships", year, forum_id, owner_id, None)
                for iid in forum.partners(year):
                    self.add("memberships", year, forum_id, None, iid)

    def agreement_day(self, year: int) -> dt.date:
        first, days = agreement_window(year)
        return workday(plus(first, self.rng.randrange(days)))

    def entitlements(self) -> None:
        """Each taking part owner's share of its region's frame by FTE in
        scope, under the year's policy: core.rules.allocation, as the app has it."""
        for year in self.YEARS:
            taking_part = {oid for (y, _), ids in self.members.items() if y == year for oid in ids}
            for region_id in sorted({region for y, region in self.frame if y == year}):
                owners = [
                    OwnerFte(o.owner_id, self.in_scope(o, year), o.owner_id in taking_part)
                    for o in self.owners.values()
                    if o.region == region_id and o.active(year)
                ]
                frame = self.frame[(year, region_id)]
                for e in entitlements(frame, owners, self.rules[year].policy):
                    if e.takes_part:
                        self.entitlement[(year, e.owner_id)] = e.entitlement_nok

    # -- needs reports -----------------------------------------------------------------

    def primary_areas(self, o: Owner) -> list[str]:
        """The owner's development areas, drawn the first time they are asked for."""
        if not o.areas:
            county = o.type == "county_authority"
            o.areas = list(COUNTY_AREAS) if county else self.rng.sample(COMPULSORY_AREAS, 3)
        return o.areas

    def needs_count(self, year: int, o: Owner) -> int | None:
        """How many areas the owner reports needs on; None: no needs report."""
        raise NotImplementedError

    def needs_received(self, year: int, o: Owner, date: dt.date) -> dt.date:
        """The day a needs report came in, given the usual day drawn."""
        raise NotImplementedError

    def needs(self) -> None:
        rng = self.rng
        for year in self.YEARS:
            first, days = NEEDS_WINDOW.get(year, (d(year, 1, 4), 27))
            for forum_id in sorted(self.forums):
                for owner_id in self.members.get((year, forum_id), []):
                    o = self.owners[owner_id]
                    areas = self.primary_areas(o)
                    count = self.needs_count(year, o)
                    if count is None:
                        continue
                    chosen = areas[:count]
                    years, odds = self.RENEWAL
                    if year in years and o.type != "county_authority" and rng.random() < odds:
                        chosen = [RENEWAL, *chosen[1:]]
                    fte = sum((v for (y, _), v in o.fte.items() if y == year), Decimal(0))
                    # A member out of scope (the demo's Akershus fylkeskommune in
                    # 2018) has no entitlement: it asks for a modest sum.
                    frame = self.frame[(year, o.region)]
                    entitlement = self.entitlement[(year, owner_id)] or frame * float(fte) / 60000
                    for area in chosen:
                        received = workday(plus(first, rng.randrange(days)), back=True)
                        received = self.needs_received(year, o, received)
                        participants = max(6, round(float(fte) * rng.uniform(0.25, 0.7) / count))
                        requested = round_to(
                            entitlement * rng.uniform(0.8, 1.6) / len(chosen), 10_000
                        )
                        report_id = self.next_id("needs", "N", year)
                        what = (area, AREAS[area], rng.choice(TARGET_GROUPS[area]), participants)
                        row = (report_id, year, owner_id, forum_id, received, *what)
                        self.add("needs", *row, max(20_000, requested))

    # -- awards, payments, co-financing, confirmations ---------------------------------

    def undated(self, year: int, o: Owner) -> bool:
        """Whether the owner's award has no decision date (R10)."""
        raise NotImplementedError

    def owner_awards(self, year: int, forum_id: str) -> tuple[list[Plan], int]:
        """Each member's award: its entitlement less the institutions' share,
        a little under; and the members' entitlements together."""
        share = float(self.share[(forum_id, year)])
        decision = self.decision[(forum_id, year)]
        plan: list[Plan] = []
        funds = 0
        for owner_id in self.members[(year, forum_id)]:
            entitlement = self.entitlement[(year, owner_id)]
            funds += entitlement
            if not entitlement:
                continue  # out of scope (the demo's Akershus fylkeskommune in 2018)
            amount = round_to(entitlement * (1 - share) * self.rng.uniform(0.965, 0.99), 1_000)
            undated = self.undated(year, self.owners[owner_id])
            plan.append(
                (year, forum_id, owner_id, None, max(5_000, amount), None if undated else decision)
            )
        return plan, funds

    def pot(self, year: int, forum_id: str, funds: int) -> float:
        """The institutions' part of the forum's funds, a little under their share."""
        return funds * float(self.share[(forum_id, year)]) * self.rng.uniform(0.965, 0.99)

    def institution_awards(self, year: int, forum_id: str, pot: float) -> list[Plan]:
        """The pot shared among the forum's partners, the first getting most."""
        partners = self.forums[forum_id].partners(year)
        weights = {1: [1.0], 2: [0.6, 0.4]}.get(len(partners), [0.5, 0.3, 0.2])
        decision = self.decision[(forum_id, year)]
        return [
            (year, forum_id, None, iid, max(1_000, round_to(pot * w, 1_000)), decision)
            for iid, w in zip(partners, weights, strict=True)
        ]

    def forum_awards(self, year: int, forum_id: str) -> list[Plan]:
        raise NotImplementedError

    def award_parts(self, plan: list[Plan]) -> list[int]:
        """In how many awards each planned amount is decided (0: not at all)."""
        raise NotImplementedError

    def make_awards(self) -> None:
        plan = [
            p
            for year in self.YEARS
            for forum_id in sorted(self.forums)
            if self.members.get((year, forum_id))
            for p in self.forum_awards(year, forum_id)
        ]
        awarded: dict[tuple[int, str], int] = defaultdict(int)
        for year, forum_id, *_, amount, _ in plan:
            awarded[(year, self.forums[forum_id].region)] += amount
        for key, amount in awarded.items():
            assert amount <= self.frame[key], (key, amount, self.frame[key])
        for (year, forum_id, owner_id, iid, total, decided), count in zip(
            plan, self.award_parts(plan), strict=True
        ):
            for i, value in enumerate(split(total, count) if count else []):
                date = decided
                if i and decided:  # a later decision on the same agreement
                    date = workday(plus(decided, self.rng.randrange(0, 30)))
                award_id = self.next_id("awards", "T", year)
                forum_decision = self.decision[(forum_id, year)]
                self.awards.append(
                    Award(award_id, year, forum_id, owner_id, iid, value, date, forum_decision)
                )
                self.add("awards", award_id, year, forum_id, owner_id, iid, value, date)

    def pay(self, a: Award, date: dt.date, value: int) -> None:
        self.add("payments", self.next_id("payments", "U", a.year), a.award_id, date, value)
        self.paid[a.award_id].append((date, value))

    def cofinancing_factor(self) -> float:
        """Co-financing as a multiple of what R1 asks at the strictest."""
        raise NotImplementedError

    def planted_cofinancing(self, year: int, o: Owner, own: int) -> bool:
        """Write a planted breach of R1 for this owner and year, if any."""
        return False

    def cofinancing(self) -> None:
        rng = self.rng
        forum_total: dict[tuple[int, str], int] = defaultdict(int)
        forum_owners: dict[tuple[int, str], int] = defaultdict(int)
        received: dict[tuple[int, str, str], int] = {}
        for a in self.awards:
            forum_total[(a.year, a.forum_id)] += a.amount
            if a.owner_id:
                forum_owners[(a.year, a.forum_id)] += a.amount
                key = (a.year, a.forum_id, a.owner_id)
                received[key] = received.get(key, 0) + a.amount
        for (year, forum_id, owner_id), own in received.items():
            if self.planted_cofinancing(year, self.owners[owner_id], own):
                continue
            # The stricter reading of R1: 30 % of the forum's whole grant, pro rata.
            due = float(COFINANCING_RATE) * forum_total[(year, forum_id)] * own
            total = due / forum_owners[(year, forum_id)] * self.cofinancing_factor()
            cash = 0
            if self.owners[owner_id].type != "private" and rng.random() < 0.45:
                cash = round_to(total * rng.uniform(0.15, 0.4), 1_000)
                self.add("cofinancing", year, owner_id, "cash", cash, rng.choice(CASH_NOTES))
            in_kind = round_to(total - cash, 1_000) + 1_000
            self.add("cofinancing", year, owner_id, "in_kind", in_kind, rng.choice(IN_KIND_NOTES))

    def confirmed_on(self, year: int, owner_id: str | None, deadline: dt.date) -> dt.date | None:
        """The day a recipient's confirmation of use came in; None: none did (yet)."""
        raise NotImplementedError

    def confirmations(self) -> None:
        """One per recipient and year that was paid: what it used and repaid."""
        rng = self.rng
        paid: dict[tuple[int, str | None, str | None], int] = {}
        last: dict[tuple[int, str | None, str | None], dt.date] = {}
        for a in self.awards:
            key = (a.year, a.owner_id, a.institution_id)
            for date, value in self.paid[a.award_id]:
                paid[key] = paid.get(key, 0) + value
                last[key] = max(date, last.get(key, date))
        for key, amount in paid.items():
            year, owner_id, iid = key
            date = self.confirmed_on(year, owner_id, self.rules[year].reporting)
            if date is None:
                continue
            assert date > last[key], key
            repaid = round_to(amount * rng.uniform(0.02, 0.12), 100) if rng.random() < 0.2 else 0
            self.add("confirmations", year, owner_id, iid, date, amount - repaid, repaid)

    # -- projects and status reports ---------------------------------------------------

    def planned_end(self, start: dt.date, years_long: int = 0) -> dt.date:
        """A project of one to three school years: it ends 30 June or 15 December."""
        years_long = years_long or self.rng.choice([1, 2, 2, 3])
        end_year = start.year + years_long - (1 if start.month >= 8 else 0)
        end = d(end_year, 6, 30) if self.rng.random() < 0.75 else d(end_year, 12, 15)
        return d(end.year + 1, 6, 30) if end <= plus(start, 300) else end

    def pick_area(self, lead: Owner) -> str:
        areas = self.primary_areas(lead)
        return areas[0] if self.rng.random() < 0.7 else self.rng.choice(areas)

    def add_project(
        self,
        pid: str,
        title: str,
        forum_id: str,
        lead: Owner,
        iid: str | None,
        area: str,
        start: dt.date,
        planned_end: dt.date,
        size: float,
    ) -> int:
        """The project's row, with a budget after the lead's size; the budget."""
        years_run = max(1.0, (planned_end - start).days / 365)
        budget = 60_000 * size**0.5 * years_run * self.rng.uniform(0.7, 1.3)
        budget = round_to(min(8_000_000, max(250_000, budget)), 10_000)
        what = (title, forum_id, lead.owner_id, iid, area, AREAS[area], self.rng.random() < 0.82)
        self.add("projects", pid, *what, start, planned_end, budget)
        return budget

    def crowd(self, size: float) -> int:
        """A project's participants, after the lead's FTE in scope."""
        return min(600, max(8, round(size * self.rng.uniform(0.2, 0.5))))

    def spending(self, spent: int, budget: int, status: str, so_far: float) -> int:
        """Spent to date: about the budget once completed, else about
        ``so_far`` (the budget times the time gone); never less than before."""
        if status == "completed":
            return max(spent, round_to(budget * self.rng.uniform(0.93, 1.02), 1_000))
        return max(spent, round_to(so_far * self.rng.uniform(0.85, 1.0), 1_000))

    def report(
        self, pid: str, date: dt.date, status: str, spent: int, crowd: int, note: str
    ) -> None:
        participants = max(1, round(crowd * self.rng.uniform(0.92, 1.06)))
        self.add("status", pid, date, status, spent, participants, note)
