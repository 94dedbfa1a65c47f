"""The national profile: synthetic data for all of Norway 2018-2026, the
right size and shape for the performance work (bench/, load/), not a picture
of any real year.

What is real and what is made up:

- Regions: one per county of 2024 (15). The real county governor offices were
  16 in 2018 and 10 from 2019, several serving more than one county; the
  benchmark needs a consistent set of 15, named "Fylkesmannen i ..." until
  2020 and "Statsforvalteren i ..." from 2021 (the office's new title).
- Municipalities: the 356 numbers and names of 2020 from
  ``data/geo/kommuner-2020.geojson``, each in the region of its 2024 county.
  They are taken as valid from 2018, the data's first year: the import wants
  an owner's municipality number valid in the owner's first year, and there is
  no 2019 list in the project. The one later change modelled is Akershus'
  renumbering in 2024 (19 numbers, from the demo's reference table), so that
  every kind, successors included, has rows.
- Teacher FTE: Oslo and Akershus from the public 2017-18 figures of the demo's
  reference table; elsewhere in proportion to approximate 2020 populations
  (rounded, for relative size only) or, for smaller municipalities, a random
  size. Compulsory FTE in Norway adds up to exactly 60,000.0 in 2018 (private
  schools abroad come on top); the frame is about NOK 3,219 per FTE in scope
  in 2018 (Oslo og Akershus' 2018 rate), rising a few per cent a year.
- Institutions: real universities, colleges and national centres; the five
  other providers are invented course companies.
- Owners' organisation numbers, private owners' names, forums, amounts, dates
  and projects: invented from the seed, with a few breaches of each rule.

``scale`` multiplies the number of private owners, awards, payments,
projects and status reports; the rest (regions, municipalities, FTE, forums,
memberships, needs reports) is national at any scale.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from core.rules.allocation import largest_remainder
from generate.builder import Award, Builder, Forum, Owner, Plan
from generate.common import d, plus, round_to, split, spread, tenths, workday
from generate.reference import (
    COMPLETED_NOTE,
    INSTITUTIONS,
    ONGOING_NOTES,
    PLANNED_NOTE,
    POPULATION,
    PROJECT_TITLES,
    REFERENCE,
    REGIONS,
    STARTED_NOTE,
    region_of,
)

ROOT = Path(__file__).resolve().parent.parent
GEOJSON = ROOT / "data" / "geo" / "kommuner-2020.geojson"
OUT_DIR = ROOT / "bench" / "cache" / "national"
DESCRIPTION = "nasjonale testdata"  # the version's description when imported
SEED = 20181
RENUMBERED_IN = 2024  # Akershus' new municipality numbers

# Row counts at scale 1.0, and the least any scale gives.
FULL = {"private_owners": 300, "awards": 15_000, "payments": 100_000}
FULL |= {"projects": 20_000, "status": 500_000}
MINIMUM = {"private_owners": 4, "awards": 30, "payments": 60, "projects": 10, "status": 40}

TOTAL_COMPULSORY_FTE_2018 = Decimal("60000.0")
# NOK per teacher FTE in scope: 2018 is Oslo og Akershus' rate (39,700,000 /
# 12,331.4); later years rise by a few per cent (illustrative).
NOK_PER_FTE = {2018: 3219, 2019: 3330, 2020: 3425, 2021: 3530, 2022: 3675}
NOK_PER_FTE |= {2023: 3850, 2024: 3995, 2025: 4125, 2026: 4250}
SPLIT = "; fordelt mellom kommunen og friskolene"

NATIONAL_CENTRES = [i for i, _, k in INSTITUTIONS if k == "national_centre"]
OTHER_PROVIDERS = [i for i, _, k in INSTITUTIONS if k == "other_provider"]
PRIVATE_UH_FOR_PRIVATE_SCHOOLS = ("nla", "steinerhoyskolen", "vid")
# Invented names of private school owners: {} is the municipality's name.
PRIVATE_PATTERNS = [
    "{} Montessoriskole AS",
    "Stiftelsen {} kristne skole",
    "{} friskole SA",
    "Stiftelsen {} Steinerskole",
    "{} internasjonale skole AS",
    "{} musikkfriskole SA",
    "{} naturskole AS",
    "{} gårdsskole AS",
]
ABROAD_PLACES = ["Costa Blanca", "Gran Canaria", "Algarve", "Provence", "Costa del Sol"]


def scaled(what: str, scale: float) -> int:
    return max(MINIMUM[what], round(FULL[what] * scale))


class NationalBuilder(Builder):
    YEARS = tuple(range(2018, 2027))
    AS_OF = dt.date(2026, 10, 30)
    DIGITS: ClassVar[dict[str, int]] = {"needs": 5, "awards": 5, "payments": 6, "projects": 5}
    RENEWAL = (YEARS[1:], 0.2)

    def __init__(self, scale: float = 1.0, seed: int = SEED) -> None:
        super().__init__(seed)
        self.scale = scale
        self.names: dict[str, str] = {}  # knr -> name
        self.municipality_fte: dict[str, Decimal] = {}  # 2020 knr -> compulsory FTE 2018
        self.fte_source: dict[str, str] = {}
        self.renumbered: dict[str, str] = {}  # 2020 knr -> 2024 knr (Akershus)

    def build(self) -> dict[str, list[tuple[Any, ...]]]:
        for region_id, short, _ in REGIONS:
            self.add("regions", region_id, short, f"Fylkesmannen i {short}", 2018, 2020)
            self.add("regions", region_id, short, f"Statsforvalteren i {short}", 2021, None)
        self.municipalities()
        for row in INSTITUTIONS:
            self.add("institutions", *row)
        self.base_fte()
        self.make_owners()
        self.teacher_fte()
        self.frames()
        self.make_forums()
        self.memberships()
        self.entitlements()
        self.needs()
        self.make_awards()
        self.payments()
        self.cofinancing()
        self.confirmations()
        self.projects()
        return self.rows

    def allot(
        self, target: int, n: int, weigh: Callable[[], tuple[list[float], list[int]]]
    ) -> list[int]:
        """How many rows each of ``n`` items gets: one each for a sample of
        ``target`` items when that is fewer, else ``target`` spread by the
        weights and caps that ``weigh`` gives."""
        if target > n:
            return spread(target, *weigh())
        counts = [0] * n
        for i in self.rng.sample(range(n), target):
            counts[i] = 1
        return counts

    # -- municipalities, FTE, owners, frames ---------------------------------------------

    def municipalities(self) -> None:
        features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
        renumbered = {r["knr_2020"]: (r["knr_2024"], r["name_2024"]) for r in REFERENCE}
        renumbered = {k: v for k, v in renumbered.items() if k != v[0]}
        self.renumbered = {knr20: knr24 for knr20, (knr24, _) in renumbered.items()}
        for feature in features:
            knr, name = feature["properties"]["knr"], feature["properties"]["name"]
            self.names[knr] = name
            end = RENUMBERED_IN - 1 if knr in renumbered else None
            self.add("municipalities", knr, name, 2018, end, region_of(knr))
        for knr20, (knr24, _) in sorted(renumbered.items()):
            self.add("successors", knr20, knr24, RENUMBERED_IN)
        for knr24, name24 in sorted(set(renumbered.values())):
            self.add("municipalities", knr24, name24, RENUMBERED_IN, None, region_of(knr24))

    def base_fte(self) -> None:
        """Compulsory FTE 2018 per 2020 municipality, adding up to 60,000.0."""
        fixed: dict[str, Decimal] = defaultdict(Decimal)
        sources: dict[str, list[str]] = defaultdict(list)
        for r in REFERENCE:
            fixed[r["knr_2020"]] += Decimal(r["teacher_fte_2017_18"])
            if r["fte_source"] not in sources[r["knr_2020"]]:
                sources[r["knr_2020"]].append(r["fte_source"])
        for knr20, known in sources.items():
            self.fte_source[knr20] = f"GSI 2017-18 ({' og '.join(known)}; demoens referansetabell)"
        weights: dict[str, Decimal] = {}
        for knr in self.names:
            if knr in fixed:
                continue
            size = POPULATION.get(knr) or min(15.0, max(0.7, self.rng.lognormvariate(1.5, 0.85)))
            weights[knr] = Decimal(str(round(size, 3)))
            self.fte_source[knr] = "illustrativ (etter omtrentlig folketall 2020)"
        rest = int((TOTAL_COMPULSORY_FTE_2018 - sum(fixed.values())) * 10)
        shares = largest_remainder(rest, weights)
        for knr in self.names:
            self.municipality_fte[knr] = fixed.get(knr) or Decimal(shares[knr]) / 10

    def make_owners(self) -> None:
        rng = self.rng
        owners: list[Owner] = []
        for knr, name in self.names.items():
            town = Owner(
                "", f"{name} kommune", "municipality", knr, region_of(knr), False, 2018, None
            )
            town.fte[(2018, "compulsory")] = self.municipality_fte[knr]
            owners.append(town)
        region_fte: dict[str, Decimal] = defaultdict(Decimal)
        for o in owners:
            region_fte[o.region] += o.fte[(2018, "compulsory")]
        for region_id, short, _ in REGIONS:
            # Oslo kommune runs the upper secondary schools in Oslo.
            name = (
                "Oslo kommune (videregående opplæring)"
                if region_id == "oslo"
                else f"{short} fylkeskommune"
            )
            county = Owner("", name, "county_authority", None, region_id, False, 2018, None)
            owners.append(county)
        for county in owners[len(self.names) :]:
            fte = float(region_fte[county.region]) * rng.uniform(0.38, 0.46)
            county.fte[(2018, "upper_secondary")] = tenths(fte)

        # Private owners, more of them where there are more teachers.
        municipal = {o.knr: o for o in owners if o.type == "municipality"}
        knrs = list(self.names)
        size = [float(self.municipality_fte[k]) for k in knrs]
        count = scaled("private_owners", self.scale)
        abroad = max(1, round(count / 60))
        used: dict[str, list[str]] = defaultdict(list)
        for i in range(count):
            start, end = 2018, None
            luck = rng.random()
            if luck < 0.10:
                start = rng.randint(2019, 2025)
            elif luck < 0.15:
                end = rng.randint(2019, 2025)
            if i < abroad:
                place = ABROAD_PLACES[i % len(ABROAD_PLACES)]
                owner = Owner(
                    "", f"Norsk skole {place} AS", "private", None, "oslo", True, 2018, end
                )
                owner.fte[(2018, "compulsory")] = tenths(rng.uniform(4, 14))
                owners.append(owner)
                continue
            knr = rng.choices(knrs, weights=size)[0]
            free = [p for p in PRIVATE_PATTERNS if p not in used[knr]] or PRIVATE_PATTERNS
            pattern = rng.choice(free)
            used[knr].append(pattern)
            name = pattern.format(self.names[knr])
            if used[knr].count(pattern) > 1:
                name += f" {used[knr].count(pattern)}"
            # An owner founded after a renumbering has the new number.
            number = self.renumbered.get(knr, knr) if start >= RENUMBERED_IN else knr
            owner = Owner("", name, "private", number, region_of(knr), False, start, end)
            town = municipal[knr]
            fte = min(tenths(rng.uniform(6, 45)), tenths(float(town.fte[(2018, "compulsory")]) / 4))
            owner.fte[(start, "compulsory")] = fte
            if start == 2018:  # the private schools' teachers counted in the municipality's figure
                town.fte[(2018, "compulsory")] -= fte
                if not self.fte_source[knr].endswith(SPLIT):
                    self.fte_source[knr] += SPLIT
            if rng.random() < 0.15:
                owner.fte[(start, "upper_secondary")] = tenths(rng.uniform(5, 30))
            owners.append(owner)
        self.add_owners(owners)

    def teacher_fte(self) -> None:
        """Each owner's FTE from its first year, drifting a little a year."""
        for o in self.owners.values():
            levels = sorted({lvl for _, lvl in o.fte})
            for year in self.YEARS:
                if not o.active(year):
                    continue
                for level in levels:
                    if (year, level) not in o.fte:
                        previous = float(o.fte[(year - 1, level)])
                        o.fte[(year, level)] = tenths(
                            previous * (1 + self.rng.uniform(-0.02, 0.025))
                        )
                    if year == 2018 and o.type == "municipality":
                        source = self.fte_source[o.knr or ""]
                    elif year == o.active_from:
                        source = "illustrativ"
                    else:
                        source = "illustrativ framskriving"
                    self.add("fte", o.owner_id, year, level, o.fte[(year, level)], source)

    def frames(self) -> None:
        """Each region's frame: its FTE in scope times the year's rate."""
        for year in self.YEARS:
            for region_id, *_ in REGIONS:
                owners = [o for o in self.owners.values() if o.region == region_id]
                fte = sum((self.in_scope(o, year) for o in owners), Decimal(0))
                self.frame[(year, region_id)] = round_to(float(fte) * NOK_PER_FTE[year], 100_000)
        self.add_frames()

    # -- forums and memberships -------------------------------------------------------

    def make_forums(self) -> None:
        """Per region: up to six forums of neighbouring municipalities, the
        private schools' forums (seven in all) and one for upper secondary."""
        rng = self.rng
        for region_id, short, home in REGIONS:
            towns = [
                o
                for o in self.owners.values()
                if o.region == region_id and o.type == "municipality"
            ]
            towns.sort(key=lambda o: o.knr or "")
            geo = min(6, len(towns))
            forums: list[Forum] = []
            for k in range(geo):
                chunk = towns[k * len(towns) // geo : (k + 1) * len(towns) // geo]
                name = chunk[0].name if len(chunk) == 1 else f"{chunk[0].place}-regionen, {short}"
                partners = [home[k % len(home)]]
                if rng.random() < 0.5:
                    other = rng.choice([i for i in (*home, "nla", "vid") if i not in partners])
                    partners.append(other)
                forums.append(Forum(f"{region_id}-{k + 1}", name, region_id, 2018, partners))
                for town in chunk:
                    town.forum = forums[-1].forum_id
            private_forums = []
            for j in range(1, 8 - geo):
                suffix = "" if j == 1 else f"-{j}"
                partners = [rng.choice(PRIVATE_UH_FOR_PRIVATE_SCHOOLS), home[0]]
                name = f"Friskoler i {short}" + ("" if j == 1 else f" {j}")
                forums.append(
                    Forum(f"{region_id}-friskoler{suffix}", name, region_id, 2018, partners)
                )
                private_forums.append(forums[-1].forum_id)
            name = f"Videregående opplæring i {short}"
            forums.append(Forum(f"{region_id}-vgo", name, region_id, 2019, list(home[:2])))
            for forum in forums:
                if rng.random() < 0.15:
                    forum.centre = (rng.choice(NATIONAL_CENTRES), rng.choice(self.YEARS))
                self.forums[forum.forum_id] = forum
            for o in self.owners.values():
                if o.region != region_id:
                    continue
                if o.type == "county_authority":
                    o.forum = f"{region_id}-vgo"
                elif o.type == "private":
                    o.forum = rng.choice(private_forums)

    def memberships(self) -> None:
        for year in self.YEARS:
            for o in self.owners.values():
                if not o.active(year) or self.in_scope(o, year) == 0:
                    continue  # county authorities in 2018: outside the scheme
                if self.rng.random() < 0.03:
                    continue  # does not take part this year (R3)
                self.members.setdefault((year, o.forum), []).append(o.owner_id)
        self.forum_years(0.35, 0.55)

    # -- the hooks: random breaches where the demo plants them ---------------------------

    def needs(self) -> None:
        for o in self.owners.values():
            self.primary_areas(o)  # every owner's areas first, in one go
        super().needs()

    def needs_count(self, year: int, o: Owner) -> int | None:
        if self.rng.random() < 0.01:
            return None  # no needs report, but an award all the same (R3)
        fte = sum((v for (y, _), v in o.fte.items() if y == year), Decimal(0))
        return 1 + (self.rng.random() < 0.35) + (fte > 1000)

    def needs_received(self, year: int, o: Owner, date: dt.date) -> dt.date:
        if self.rng.random() < 0.02:
            return workday(plus(self.rules[year].needs, self.rng.randrange(2, 20)))  # late (R5)
        return date

    def undated(self, year: int, o: Owner) -> bool:
        return self.rng.random() < 0.005  # R10

    def forum_awards(self, year: int, forum_id: str) -> list[Plan]:
        rng = self.rng
        plan, funds = self.owner_awards(year, forum_id)
        pot = self.pot(year, forum_id, funds)
        if rng.random() < 0.03:  # part of the pot to a course company (R2)
            amount = round_to(min(rng.uniform(50_000, 250_000), pot / 4), 1_000)
            if amount:
                decision = self.decision[(forum_id, year)]
                plan.append((year, forum_id, None, rng.choice(OTHER_PROVIDERS), amount, decision))
                pot -= amount
        return plan + self.institution_awards(year, forum_id, pot)

    def award_parts(self, plan: list[Plan]) -> list[int]:
        """As many awards as the scale asks for: several decisions for one
        recipient at full scale, a sample of the recipients below it."""

        def weigh() -> tuple[list[float], list[int]]:
            weights = [math.sqrt(p[4]) * self.rng.uniform(0.7, 1.3) for p in plan]
            return weights, [max(1, p[4] // 5_000) for p in plan]

        return self.allot(scaled("awards", self.scale), len(plan), weigh)

    def payment_window(self, a: Award) -> tuple[dt.date, int]:
        """From 20 days after the decision to 45 days before the reporting
        deadline, or to AS_OF: the first day and the number of days."""
        first = plus(a.decision or a.forum_decision, 20)
        last = min(plus(self.rules[a.year].reporting, -45), self.AS_OF)
        return first, max(1, (last - first).days)

    def payments(self) -> None:
        rng = self.rng
        windows = [self.payment_window(a) for a in self.awards]

        def weigh() -> tuple[list[float], list[int]]:
            weights = [math.sqrt(a.amount) * rng.uniform(0.7, 1.3) for a in self.awards]
            caps = [
                max(1, min(a.amount // 2_000, days // 3))
                for a, (_, days) in zip(self.awards, windows, strict=True)
            ]
            return weights, caps

        counts = self.allot(scaled("payments", self.scale), len(self.awards), weigh)
        for a, (first, days), count in zip(self.awards, windows, counts, strict=True):
            if not count:
                continue
            total = a.amount
            if self.rules[a.year].reporting > self.AS_OF:  # the year is not over: part paid
                total = max(count * 1_000, round_to(a.amount * rng.uniform(0.5, 0.9), 1_000))
                total = min(total, a.amount)
            step = days / count
            for i, value in enumerate(split(total, count)):
                offset = int(i * step) + rng.randrange(max(1, int(step / 2)))
                self.pay(a, workday(plus(first, min(offset, days)), back=True), value)

    def cofinancing_factor(self) -> float:
        if self.rng.random() < 0.03:
            return self.rng.uniform(0.5, 0.9)  # too little (R1)
        return self.rng.uniform(1.05, 1.45)

    def confirmed_on(self, year: int, owner_id: str | None, deadline: dt.date) -> dt.date | None:
        rng = self.rng
        if deadline > self.AS_OF:
            return None  # not due yet
        luck = rng.random()
        if luck < 0.02:
            return None  # missing (R6)
        if luck < 0.04:
            return min(self.AS_OF, workday(plus(deadline, rng.randrange(3, 60))))  # late (R6)
        return workday(plus(deadline, -rng.randrange(1, 40)), back=True)

    # -- projects and status reports -----------------------------------------------------

    def projects(self) -> None:
        rng = self.rng
        slots = [
            (year, forum_id)
            for year in self.YEARS
            for forum_id in sorted(self.forums)
            if self.members.get((year, forum_id))
        ]
        weights = [
            math.sqrt(
                float(sum(self.in_scope(self.owners[o], y) for o in self.members[(y, f)])) + 1
            )
            for y, f in slots
        ]
        per_slot: dict[tuple[int, str], int] = defaultdict(int)
        for slot in rng.choices(slots, weights=weights, k=scaled("projects", self.scale)):
            per_slot[slot] += 1
        plans = [
            self.project(self.next_id("projects", "P", year), year, forum_id)
            for year, forum_id in slots
            for _ in range(per_slot[(year, forum_id)])
        ]
        spans = [max(1, (p["last"] - p["first"]).days) for p in plans]
        counts = self.allot(
            scaled("status", self.scale),
            len(plans),
            lambda: ([float(s) for s in spans], [s // 4 + 1 for s in spans]),
        )
        for plan, count in zip(plans, counts, strict=True):
            self.status(plan, count)

    def project(self, pid: str, year: int, forum_id: str) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.7:
            start = workday(plus(d(year, 8, 10), rng.randrange(60)))
        else:
            start = workday(plus(d(year, 1, 8), rng.randrange(40)))
        planned_end = self.planned_end(start)
        lead = self.owners[rng.choice(self.members[(year, forum_id)])]
        area = self.pick_area(lead)
        partners = self.forums[forum_id].partners(year)
        institution = None if rng.random() < 0.1 else rng.choice(partners)
        title = f"{rng.choice(PROJECT_TITLES[area])} – {lead.place}"
        size = float(self.in_scope(lead, year))
        budget = self.add_project(
            pid, title, forum_id, lead, institution, area, start, planned_end, size
        )
        end = planned_end
        delayed = rng.random() < 0.15
        if delayed:
            end = plus(planned_end, rng.randrange(90, 180))
        cancelled = None
        if rng.random() < 0.02:
            cancelled = plus(start, rng.randrange(60, max(61, (planned_end - start).days)))
        limit = plus(self.AS_OF, -14)  # room for the dates to move to a working day
        first = plus(start, -rng.randrange(14, 30)) if rng.random() < 0.3 else plus(start, 7)
        last = min(cancelled or plus(end, rng.randrange(3, 25)), limit)
        if last >= limit and rng.random() < 0.03:  # still running, no news for long (R7)
            last = plus(limit, -rng.randrange(200, 400))
        return dict(
            pid=pid,
            start=start,
            planned_end=planned_end,
            end=end,
            delayed=delayed,
            first=first,
            last=max(first, last),
            done=cancelled is None and last >= end,
            cancelled=cancelled is not None and cancelled <= limit,
            budget=budget,
            crowd=self.crowd(size),
        )

    def status(self, p: dict[str, Any], count: int) -> None:
        """``count`` reports spread over the project's reporting window;
        the last says completed or cancelled when the project is over;
        spending never goes down."""
        rng = self.rng
        start, first, last = p["start"], p["first"], p["last"]
        step = (last - first).days / max(1, count - 1)
        duration = max(1, (p["end"] - start).days)
        previous: dt.date | None = None
        spent = 0
        for i in range(count):
            offset = round(i * step) if count > 1 else 0
            if 0 < i < count - 1:
                offset += rng.randrange(-int(step / 4), int(step / 4) + 1)
            date = workday(plus(first, offset), back=i == count - 1)
            if previous and date <= previous:
                date = plus(previous, 1)
            previous = date
            final = i == count - 1
            if date < start:
                status, note = "planned", PLANNED_NOTE
            elif final and p["cancelled"]:
                status, note = "cancelled", "Avlyst: for få deltakere"
            elif final and p["done"]:
                status, note = "completed", COMPLETED_NOTE
            elif p["delayed"] and date > p["planned_end"]:
                status, note = "delayed", "Forsinket; sluttføres neste semester"
            elif i == 0 or (i == 1 and first < start):
                status, note = "started", STARTED_NOTE
            else:
                status, note = "ongoing", rng.choice(ONGOING_NOTES)
            if status != "planned":
                so_far = p["budget"] * min(1.0, (date - start).days / duration)
                spent = self.spending(spent, p["budget"], status, so_far)
            self.report(p["pid"], date, status, spent, p["crowd"], note)
