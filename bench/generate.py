"""Generate national-scale test data for the performance work: one CSV file per
import kind, in the demo's format, for all of Norway 2018-2026.

    .venv/bin/python -m bench.generate                             # bench/cache/national
    .venv/bin/python -m bench.generate --out DIR --scale 0.01      # a small copy (CI)
    .venv/bin/python -m bench.generate --out DIR --db DIR/dekomp.duckdb   # and import it

The data is synthetic: the right size and shape for measuring, not a picture
of any real year. Deterministic: a fixed seed, no clock, no network, sorted
rows, the same bytes on every run for the same ``--scale``.

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

``--scale`` multiplies the number of private owners, awards, payments,
projects and status reports; the rest (regions, municipalities, FTE, forums,
memberships, needs reports) is national at any scale.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from core import ingest
from core.allocation import largest_remainder
from core.kinds import KINDS, LOAD_ORDER
from core.parse import orgnr_check_digit
from scripts.make_demo_data import (
    AREAS,
    COMPULSORY_AREAS,
    COUNTY_AREAS,
    PROJECT_TITLES,
    REFERENCE,
    RESERVED_ORGNR,
    SORT_COLUMNS,
    TARGET_GROUPS,
    cell,
    d,
    plus,
    round_to,
    workday,
)

ROOT = Path(__file__).resolve().parent.parent
RENUMBERED_IN = 2024  # Akershus' new municipality numbers
GEOJSON = ROOT / "data" / "geo" / "kommuner-2020.geojson"
OUT_DIR = ROOT / "bench" / "cache" / "national"
DESCRIPTION = "nasjonale testdata"

SEED = 20181
YEARS = tuple(range(2018, 2027))
AS_OF = dt.date(2026, 10, 30)  # payments and status reports go up to this date
FIRST_YEAR = YEARS[0]

# Row counts at scale 1.0, and the least any scale gives.
FULL = {"private_owners": 300, "awards": 15_000, "payments": 100_000}
FULL |= {"projects": 20_000, "status": 500_000}
MINIMUM = {"private_owners": 4, "awards": 30, "payments": 60, "projects": 10, "status": 40}

TOTAL_COMPULSORY_FTE_2018 = Decimal("60000.0")
# NOK per teacher FTE in scope: 2018 is Oslo og Akershus' rate (39,700,000 /
# 12,331.4); later years rise by a few per cent (illustrative).
NOK_PER_FTE = {
    2018: 3219,
    2019: 3330,
    2020: 3425,
    2021: 3530,
    2022: 3675,
    2023: 3850,
    2024: 3995,
    2025: 4125,
    2026: 4250,
}
COFINANCING_RATE = Decimal("0.30")
SPLIT = "; fordelt mellom kommunen og friskolene"
STALE_AFTER_DAYS = 180

# --- Regions, municipalities, institutions -----------------------------------------

REGIONS = [  # region_id, short name, partner institutions nearby (first: main partner)
    ("oslo", "Oslo", ("oslomet", "uio")),
    ("akershus", "Akershus", ("oslomet", "nmbu", "uio")),
    ("ostfold", "Østfold", ("hiof", "nmbu")),
    ("buskerud", "Buskerud", ("usn", "oslomet")),
    ("innlandet", "Innlandet", ("inn", "ntnu")),
    ("vestfold", "Vestfold", ("usn",)),
    ("telemark", "Telemark", ("usn",)),
    ("agder", "Agder", ("uia",)),
    ("rogaland", "Rogaland", ("uis", "hvl")),
    ("vestland", "Vestland", ("hvl", "uib")),
    ("more-og-romsdal", "Møre og Romsdal", ("hivolda", "ntnu", "himolde")),
    ("trondelag", "Trøndelag", ("ntnu", "nord")),
    ("nordland", "Nordland", ("nord", "uit")),
    ("troms", "Troms", ("uit",)),
    ("finnmark", "Finnmark", ("uit", "samisk")),
]
REGION_OF_COUNTY = {
    "03": "oslo",
    "11": "rogaland",
    "15": "more-og-romsdal",
    "18": "nordland",
    "32": "akershus",  # the 2024 numbers
    "34": "innlandet",
    "42": "agder",
    "46": "vestland",
    "50": "trondelag",
}


def region_of(knr: str) -> str:
    """The 2024 county of a 2020 municipality number (Viken, Vestfold og
    Telemark and Troms og Finnmark split again in 2024)."""
    county, number = knr[:2], int(knr)
    if county == "30":
        if number <= 3004 or 3011 <= number <= 3018:
            return "ostfold"
        if 3019 <= number <= 3037 or number >= 3053:  # Jevnaker and Lunner went to Akershus
            return "akershus"
        return "buskerud"
    if county == "38":
        return "vestfold" if number <= 3805 or number == 3811 else "telemark"
    if county == "54":
        return "troms" if number <= 5402 or 5411 <= number <= 5429 else "finnmark"
    return REGION_OF_COUNTY[county]


# Approximate 2020 populations in thousands (rounded; relative size only).
POPULATION = {
    "1103": 144, "1106": 37, "1108": 80, "1119": 19, "1120": 19, "1121": 19, "1124": 27,
    "1149": 42, "1506": 32, "1507": 66, "1804": 52, "1806": 22, "1833": 26, "3001": 31,
    "3002": 50, "3003": 56, "3004": 82, "3005": 101, "3006": 27, "3007": 30, "3014": 45,
    "3047": 14, "3048": 19, "3049": 26, "3053": 7, "3054": 9, "3401": 18, "3403": 31,
    "3405": 28, "3407": 30, "3411": 34, "3420": 21, "3802": 25, "3803": 57, "3804": 64,
    "3805": 47, "3806": 36, "3807": 55, "3811": 27, "4202": 24, "4203": 45, "4204": 112,
    "4205": 23, "4601": 285, "4602": 17, "4614": 19, "4621": 16, "4624": 25, "4626": 38,
    "4627": 29, "4631": 29, "4647": 22, "5001": 205, "5006": 24, "5007": 15, "5028": 17,
    "5031": 14, "5035": 24, "5037": 20, "5038": 15, "5401": 77, "5402": 25, "5403": 21,
    "5406": 11, "5444": 10, "1505": 24, "1520": 11, "1577": 11, "1824": 13, "1841": 10,
    "1860": 12, "1870": 10,
}  # fmt: skip

INSTITUTIONS = [
    ("uio", "Universitetet i Oslo", "public_uh"),
    ("uib", "Universitetet i Bergen", "public_uh"),
    ("ntnu", "Norges teknisk-naturvitenskapelige universitet", "public_uh"),
    ("uit", "UiT Norges arktiske universitet", "public_uh"),
    ("uis", "Universitetet i Stavanger", "public_uh"),
    ("uia", "Universitetet i Agder", "public_uh"),
    ("nord", "Nord universitet", "public_uh"),
    ("nmbu", "Norges miljø- og biovitenskapelige universitet", "public_uh"),
    ("oslomet", "OsloMet – storbyuniversitetet", "public_uh"),
    ("usn", "Universitetet i Sørøst-Norge", "public_uh"),
    ("hvl", "Høgskulen på Vestlandet", "public_uh"),
    ("hiof", "Høgskolen i Østfold", "public_uh"),
    ("inn", "Universitetet i Innlandet", "public_uh"),
    ("hivolda", "Høgskulen i Volda", "public_uh"),
    ("himolde", "Høgskolen i Molde", "public_uh"),
    ("nih", "Norges idrettshøgskole", "public_uh"),
    ("nhh", "Norges handelshøyskole", "public_uh"),
    ("nmh", "Norges musikkhøgskole", "public_uh"),
    ("khio", "Kunsthøgskolen i Oslo", "public_uh"),
    ("samisk", "Sámi allaskuvla – Samisk høgskole", "public_uh"),
    ("nla", "NLA Høgskolen", "private_uh"),
    ("vid", "VID vitenskapelige høgskole", "private_uh"),
    ("dmmh", "Dronning Mauds Minne Høgskole", "private_uh"),
    ("steinerhoyskolen", "Steinerhøyskolen", "private_uh"),
    ("mf", "MF vitenskapelig høyskole", "private_uh"),
    ("lesesenteret", "Nasjonalt senter for leseopplæring og leseforsking", "national_centre"),
    ("matematikksenteret", "Nasjonalt senter for matematikk i opplæringen", "national_centre"),
    (
        "laringsmiljosenteret",
        "Nasjonalt senter for læringsmiljø og atferdsforskning",
        "national_centre",
    ),
    # Invented course companies: an award to one breaks R2.
    ("kompetansekurs", "Kompetansekurs AS", "other_provider"),
    ("skoleloft-nord", "Skoleløft Nord AS", "other_provider"),
    ("klasseromskurs", "Klasseromskurs Vest AS", "other_provider"),
    ("laeringsverkstedet", "Læringsverkstedet AS", "other_provider"),
    ("pedagogikkpartner", "Pedagogikkpartner AS", "other_provider"),
]
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


# --- The scheme's parameters per year ------------------------------------------------


@dataclass(frozen=True)
class Rules:
    levels: tuple[str, ...]
    types: tuple[str, ...]
    needs: dt.date
    reporting: dt.date
    policy: str


@cache
def rules(year: int) -> Rules:
    """2018 as in the seed letter, 2019 and 2020 as in the demo, from 2021 the
    later rounds' deadlines (1 February, 15 January the year after)."""
    if year == 2018:
        return Rules(
            ("compulsory",),
            ("municipality", "private"),
            d(2018, 7, 1),
            d(2019, 3, 1),
            "redistribute",
        )
    levels = ("compulsory", "upper_secondary")
    types = ("municipality", "county_authority", "private")
    if year == 2019:
        return Rules(levels, types, d(2019, 3, 15), d(2020, 3, 1), "withhold")
    if year == 2020:
        return Rules(levels, types, d(2020, 2, 15), d(2021, 3, 1), "redistribute")
    return Rules(levels, types, d(year, 2, 1), d(year + 1, 1, 15), "redistribute")


NEEDS_WINDOW = {2018: (d(2018, 5, 14), 46), 2019: (d(2019, 2, 1), 41), 2020: (d(2020, 1, 6), 39)}
AGREEMENT_WINDOW = {2018: (d(2018, 8, 27), 25), 2019: (d(2019, 4, 23), 22)}
AGREEMENT_WINDOW[2020] = (d(2020, 3, 23), 25)


def needs_window(year: int) -> tuple[dt.date, int]:
    return NEEDS_WINDOW.get(year, (d(year, 1, 4), 27))


def agreement_window(year: int) -> tuple[dt.date, int]:
    return AGREEMENT_WINDOW.get(year, (d(year, 3, 1), 22))


# --- Helpers --------------------------------------------------------------------------


def scaled(what: str, scale: float) -> int:
    return max(MINIMUM[what], round(FULL[what] * scale))


def tenths(value: float) -> Decimal:
    return Decimal(str(round(value, 1))).quantize(Decimal("0.1"))


def spread(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Counts of at least 1 and at most ``caps[i]`` that add up to ``total``,
    in proportion to ``weights`` (largest remainder, ties to the lower index)."""
    n = len(weights)
    if not n <= total <= sum(caps):
        raise ValueError(f"cannot spread {total} over {n} items with these caps")
    extra, weight_sum = total - n, sum(weights)
    quotas = [extra * w / weight_sum for w in weights]
    counts = [1 + min(int(q), cap - 1) for q, cap in zip(quotas, caps, strict=True)]
    left = total - sum(counts)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    while left:
        for i in order:
            if left and counts[i] < caps[i]:
                counts[i] += 1
                left -= 1
    return counts


def split(amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` positive parts, round thousands but the last."""
    part = amount // parts // 1000 * 1000 or amount // parts
    return [part] * (parts - 1) + [amount - part * (parts - 1)]


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
    forum: str = ""
    fte: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    areas: list[str] = field(default_factory=list)

    def active(self, year: int) -> bool:
        return self.active_from <= year <= (self.active_to or 9999)

    def in_scope(self, year: int) -> Decimal:
        r = rules(year)
        if self.type not in r.types:
            return Decimal(0)
        return sum((self.fte.get((year, lvl), Decimal(0)) for lvl in r.levels), Decimal(0))

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


# --- The builder ----------------------------------------------------------------------


class Builder:
    """Builds every kind's rows (tuples in the kind's column order), in one
    fixed order of random draws."""

    def __init__(self, scale: float = 1.0, seed: int = SEED) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in KINDS}
        self.names: dict[str, str] = {}  # knr -> name
        self.municipality_fte: dict[str, Decimal] = {}  # 2020 knr -> compulsory FTE 2018
        self.fte_source: dict[str, str] = {}
        self.renumbered: dict[str, str] = {}  # 2020 knr -> 2024 knr (Akershus)
        self.owners: dict[str, Owner] = {}
        self.forums: dict[str, Forum] = {}
        self.share: dict[tuple[str, int], Decimal] = {}
        self.decision: dict[tuple[str, int], dt.date] = {}
        self.members: dict[tuple[int, str], list[str]] = {}  # (year, forum) -> owner ids
        self.entitlement: dict[tuple[int, str], float] = {}  # (year, owner) -> NOK
        self.frame: dict[tuple[int, str], int] = {}
        self.awards: list[Award] = []
        self.paid: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)

    def add(self, kind: str, *values: Any) -> None:
        self.rows[kind].append(values)

    # -- reference data ------------------------------------------------------------

    def regions(self) -> None:
        for region_id, short, _ in REGIONS:
            self.add("regions", region_id, short, f"Fylkesmannen i {short}", 2018, 2020)
            self.add("regions", region_id, short, f"Statsforvalteren i {short}", 2021, None)

    def municipalities(self) -> None:
        features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
        renumbered = {r[2]: (r[4], r[5]) for r in REFERENCE if r[2] != r[4]}
        self.renumbered = {knr20: knr24 for knr20, (knr24, _) in renumbered.items()}
        for feature in features:
            knr, name = feature["properties"]["knr"], feature["properties"]["name"]
            self.names[knr] = name
            end = RENUMBERED_IN - 1 if knr in renumbered else None
            self.add("municipalities", knr, name, FIRST_YEAR, end, region_of(knr))
        for knr20, (knr24, _) in sorted(renumbered.items()):
            self.add("successors", knr20, knr24, RENUMBERED_IN)
        for knr24, name24 in sorted(set(renumbered.values())):
            self.add("municipalities", knr24, name24, RENUMBERED_IN, None, region_of(knr24))

    def frames(self) -> None:
        for year in YEARS:
            r = rules(year)
            for region_id, *_ in REGIONS:
                fte = sum(
                    (o.in_scope(year) for o in self.owners.values() if o.region == region_id),
                    Decimal(0),
                )
                frame = round_to(float(fte) * NOK_PER_FTE[year], 100_000)
                self.frame[(year, region_id)] = frame
                self.add(
                    "frames",
                    year,
                    region_id,
                    frame,
                    COFINANCING_RATE,
                    list(r.levels),
                    list(r.types),
                    r.needs,
                    r.reporting,
                    STALE_AFTER_DAYS,
                    r.policy,
                )

    def institutions(self) -> None:
        for row in INSTITUTIONS:
            self.add("institutions", *row)

    # -- teacher FTE and owners -------------------------------------------------------

    def base_fte(self) -> None:
        """Compulsory FTE 2018 per 2020 municipality, adding up to 60,000.0."""
        fixed: dict[str, Decimal] = defaultdict(Decimal)
        sources: dict[str, list[str]] = defaultdict(list)
        for _, _, knr20, _, _, _, _, fte, source in REFERENCE:
            fixed[knr20] += Decimal(fte)
            if source not in sources[knr20]:
                sources[knr20].append(source)
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
            owners.append(
                Owner("", f"{name} kommune", "municipality", knr, region_of(knr), False, 2018, None)
            )
            owners[-1].fte[(2018, "compulsory")] = self.municipality_fte[knr]
        counties = {}
        for region_id, short, _ in REGIONS:
            # Oslo kommune runs the upper secondary schools in Oslo.
            oslo = "Oslo kommune (videregående opplæring)"
            owner = Owner(
                "",
                oslo if region_id == "oslo" else f"{short} fylkeskommune",
                "county_authority",
                None,
                region_id,
                False,
                2018,
                None,
            )
            counties[region_id] = owner
            owners.append(owner)
        region_fte: dict[str, Decimal] = defaultdict(Decimal)
        for o in owners:
            region_fte[o.region] += o.fte.get((2018, "compulsory"), Decimal(0))
        for region_id, owner in counties.items():
            owner.fte[(2018, "upper_secondary")] = tenths(
                float(region_fte[region_id]) * rng.uniform(0.38, 0.46)
            )

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

        taken = set(RESERVED_ORGNR)
        for owner in owners:
            while True:
                first = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
                check = orgnr_check_digit(first)
                if check is not None and first + str(check) not in taken:
                    owner.owner_id = first + str(check)
                    taken.add(owner.owner_id)
                    break
        self.owners = {o.owner_id: o for o in owners}
        for o in owners:
            self.add(
                "owners",
                o.owner_id,
                o.name,
                o.type,
                o.knr,
                o.region,
                o.abroad,
                o.active_from,
                o.active_to,
            )

    def teacher_fte(self) -> None:
        for o in self.owners.values():
            levels = sorted({lvl for _, lvl in o.fte})
            for year in YEARS:
                if not o.active(year):
                    continue
                for level in levels:
                    if (year, level) not in o.fte:
                        previous = o.fte[(year - 1, level)]
                        o.fte[(year, level)] = tenths(
                            float(previous) * (1 + self.rng.uniform(-0.02, 0.025))
                        )
                    if year == 2018 and o.type == "municipality":
                        source = self.fte_source[o.knr or ""]
                    elif year == o.active_from:
                        source = "illustrativ"
                    else:
                        source = "illustrativ framskriving"
                    self.add("fte", o.owner_id, year, level, o.fte[(year, level)], source)

    # -- forums and memberships -------------------------------------------------------

    def make_forums(self) -> None:
        rng = self.rng
        for region_id, short, home in REGIONS:
            towns = sorted(
                (
                    o
                    for o in self.owners.values()
                    if o.region == region_id and o.type == "municipality"
                ),
                key=lambda o: o.knr or "",
            )
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
                forums.append(
                    Forum(
                        f"{region_id}-friskoler{suffix}",
                        f"Friskoler i {short}" + ("" if j == 1 else f" {j}"),
                        region_id,
                        2018,
                        partners,
                    )
                )
                private_forums.append(forums[-1].forum_id)
            forums.append(
                Forum(
                    f"{region_id}-vgo",
                    f"Videregående opplæring i {short}",
                    region_id,
                    2019,
                    list(home[:2]),
                )
            )
            for forum in forums:
                if rng.random() < 0.15:
                    forum.centre = (rng.choice(NATIONAL_CENTRES), rng.choice(YEARS))
                self.forums[forum.forum_id] = forum
            for o in self.owners.values():
                if o.region != region_id:
                    continue
                if o.type == "county_authority":
                    o.forum = f"{region_id}-vgo"
                elif o.type == "private":
                    o.forum = rng.choice(private_forums)

    def memberships(self) -> None:
        rng = self.rng
        for year in YEARS:
            for o in self.owners.values():
                if not o.active(year) or o.in_scope(year) == 0:
                    continue  # county authorities in 2018: outside the scheme
                if rng.random() < 0.03:
                    continue  # does not take part this year (R3)
                self.members.setdefault((year, o.forum), []).append(o.owner_id)
        for forum_id, forum in sorted(self.forums.items()):
            base = rng.uniform(0.35, 0.55)
            for year in YEARS:
                if year < forum.first_year:
                    continue
                share = Decimal(str(round(base + rng.uniform(-0.03, 0.03), 2)))
                self.share[(forum_id, year)] = share.quantize(Decimal("0.01"))
                first, days = agreement_window(year)
                agreement = workday(plus(first, rng.randrange(days)))
                self.decision[(forum_id, year)] = workday(plus(agreement, rng.randrange(18, 40)))
                self.add(
                    "forums",
                    forum_id,
                    forum.name,
                    forum.region,
                    year,
                    self.share[(forum_id, year)],
                    agreement,
                )
                for owner_id in self.members.get((year, forum_id), []):
                    self.add("memberships", year, forum_id, owner_id, None)
                for iid in forum.partners(year):
                    self.add("memberships", year, forum_id, None, iid)

    def entitlements(self) -> None:
        for year in YEARS:
            policy = rules(year).policy
            for region_id, *_ in REGIONS:
                owners = [o for o in self.owners.values() if o.region == region_id]
                taking_part = {
                    oid for (y, f), ids in self.members.items() if y == year for oid in ids
                }
                pool = [
                    o
                    for o in owners
                    if (o.owner_id in taking_part or (policy == "withhold" and o.active(year)))
                ]
                total = float(sum((o.in_scope(year) for o in pool), Decimal(0)))
                for o in owners:
                    if o.owner_id in taking_part:
                        self.entitlement[(year, o.owner_id)] = (
                            self.frame[(year, region_id)] * float(o.in_scope(year)) / total
                        )

    # -- needs reports --------------------------------------------------------------------

    def needs(self) -> None:
        rng = self.rng
        for o in self.owners.values():
            o.areas = (
                list(COUNTY_AREAS)
                if o.type == "county_authority"
                else rng.sample(COMPULSORY_AREAS, 3)
            )
        for year in YEARS:
            r = rules(year)
            first, days = needs_window(year)
            n = 0
            for forum_id in sorted(self.forums):
                for owner_id in self.members.get((year, forum_id), []):
                    o = self.owners[owner_id]
                    if rng.random() < 0.01:
                        continue  # no needs report, but an award all the same (R3)
                    fte = sum((v for (y, _), v in o.fte.items() if y == year), Decimal(0))
                    count = 1 + (rng.random() < 0.35) + (fte > 1000)
                    chosen = o.areas[:count]
                    if year >= 2019 and o.type != "county_authority" and rng.random() < 0.2:
                        chosen = ["Fagfornyelsen og dybdelæring", *chosen[1:]]
                    entitlement = self.entitlement[(year, owner_id)]
                    for area in chosen:
                        n += 1
                        received = workday(plus(first, rng.randrange(days)), back=True)
                        if rng.random() < 0.02:
                            received = workday(plus(r.needs, rng.randrange(2, 20)))  # late (R5)
                        participants = max(6, round(float(fte) * rng.uniform(0.25, 0.7) / count))
                        requested = round_to(
                            entitlement * rng.uniform(0.8, 1.6) / len(chosen), 10_000
                        )
                        self.add(
                            "needs",
                            f"N{year}-{n:05d}",
                            year,
                            owner_id,
                            forum_id,
                            received,
                            area,
                            AREAS[area],
                            rng.choice(TARGET_GROUPS[area]),
                            participants,
                            max(20_000, requested),
                        )

    # -- awards, payments, co-financing, confirmations ------------------------------------

    def make_awards(self) -> None:
        """What each recipient would get per forum and year, then as many
        awards as the scale asks for: several decisions for one recipient
        at full scale, a sample of the recipients below it."""
        rng = self.rng
        plan: list[tuple[int, str, str | None, str | None, int, dt.date | None]] = []
        for year in YEARS:
            for forum_id in sorted(self.forums):
                owner_ids = self.members.get((year, forum_id))
                if not owner_ids:
                    continue
                share = float(self.share[(forum_id, year)])
                decision = self.decision[(forum_id, year)]
                funds = 0.0
                for owner_id in owner_ids:
                    entitlement = self.entitlement[(year, owner_id)]
                    funds += entitlement
                    amount = max(
                        5_000, round_to(entitlement * (1 - share) * rng.uniform(0.965, 0.99), 1_000)
                    )
                    no_date = rng.random() < 0.005  # R10
                    plan.append(
                        (year, forum_id, owner_id, None, amount, None if no_date else decision)
                    )
                partners = self.forums[forum_id].partners(year)
                weights = (
                    [0.6, 0.4]
                    if len(partners) == 2
                    else [1.0]
                    if len(partners) == 1
                    else [0.5, 0.3, 0.2]
                )
                pot = funds * share * rng.uniform(0.965, 0.99)
                if rng.random() < 0.03:  # part of the pot to a course company (R2)
                    amount = round_to(min(rng.uniform(50_000, 250_000), pot / 4), 1_000)
                    if amount:
                        plan.append(
                            (year, forum_id, None, rng.choice(OTHER_PROVIDERS), amount, decision)
                        )
                        pot -= amount
                for iid, w in zip(partners, weights, strict=True):
                    amount = max(1_000, round_to(pot * w, 1_000))
                    plan.append((year, forum_id, None, iid, amount, decision))
        awarded: dict[tuple[int, str], int] = defaultdict(int)
        for year, forum_id, *_, amount, _ in plan:
            awarded[(year, self.forums[forum_id].region)] += amount
        for key, amount in awarded.items():
            assert amount <= self.frame[key], (key, amount, self.frame[key])

        target = scaled("awards", self.scale)
        if target <= len(plan):
            parts = [0] * len(plan)
            for i in rng.sample(range(len(plan)), target):
                parts[i] = 1
        else:
            weights = [math.sqrt(p[4]) * rng.uniform(0.7, 1.3) for p in plan]
            parts = spread(target, weights, [max(1, p[4] // 5_000) for p in plan])
        counters: dict[int, int] = defaultdict(int)
        for (year, forum_id, to_owner, to_institution, total, decided), count in zip(
            plan, parts, strict=True
        ):
            for i, value in enumerate(split(total, count) if count else []):
                counters[year] += 1
                date = decided
                if i and decided:  # a later decision on the same agreement
                    date = workday(plus(decided, rng.randrange(0, 30)))
                self.awards.append(
                    Award(
                        f"T{year}-{counters[year]:05d}",
                        year,
                        forum_id,
                        to_owner,
                        to_institution,
                        value,
                        date,
                        self.decision[(forum_id, year)],
                    )
                )
        for a in self.awards:
            self.add(
                "awards",
                a.award_id,
                a.year,
                a.forum_id,
                a.owner_id,
                a.institution_id,
                a.amount,
                a.decision,
            )

    def payment_window(self, a: Award) -> tuple[dt.date, int]:
        """From 20 days after the decision to 45 days before the reporting
        deadline, or to AS_OF: the first day and the number of days."""
        first = plus(a.decision or a.forum_decision, 20)
        last = min(plus(rules(a.year).reporting, -45), AS_OF)
        return first, max(1, (last - first).days)

    def payments(self) -> None:
        rng = self.rng
        windows = [self.payment_window(a) for a in self.awards]
        target = scaled("payments", self.scale)
        if target <= len(self.awards):
            counts = [0] * len(self.awards)
            for i in rng.sample(range(len(self.awards)), target):
                counts[i] = 1
        else:
            weights = [math.sqrt(a.amount) * rng.uniform(0.7, 1.3) for a in self.awards]
            caps = [
                max(1, min(a.amount // 2_000, days // 3))
                for a, (_, days) in zip(self.awards, windows, strict=True)
            ]
            counts = spread(target, weights, caps)
        counters: dict[int, int] = defaultdict(int)
        for a, (first, days), count in zip(self.awards, windows, counts, strict=True):
            if not count:
                continue
            total = a.amount
            if rules(a.year).reporting > AS_OF:  # the year is not over: part paid so far
                total = max(count * 1_000, round_to(a.amount * rng.uniform(0.5, 0.9), 1_000))
                total = min(total, a.amount)
            step = days / count
            for i, value in enumerate(split(total, count)):
                offset = int(i * step) + rng.randrange(max(1, int(step / 2)))
                date = workday(plus(first, min(offset, days)), back=True)
                counters[a.year] += 1
                self.add("payments", f"U{a.year}-{counters[a.year]:06d}", a.award_id, date, value)
                self.paid[a.award_id].append((date, value))

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
            # The stricter reading of R1: 30 % of the forum's whole grant, pro rata.
            due = float(COFINANCING_RATE) * forum_total[(year, forum_id)] * own
            due /= forum_owners[(year, forum_id)]
            total = due * (
                rng.uniform(0.5, 0.9) if rng.random() < 0.03 else rng.uniform(1.05, 1.45)
            )
            cash = 0
            if self.owners[owner_id].type != "private" and rng.random() < 0.45:
                cash = round_to(total * rng.uniform(0.15, 0.4), 1_000)
                note = rng.choice(
                    [
                        "Vikarutgifter og frikjøp av ressurslærere",
                        "Lokaler, reiser og materiell til samlinger",
                        "Frikjøp av veiledere",
                    ]
                )
                self.add("cofinancing", year, owner_id, "cash", cash, note)
            note = rng.choice(
                [
                    "Lærernes arbeidstid i skolebaserte utviklingsøkter",
                    "Lærernes og skoleledernes arbeidstid (beregnet)",
                    "Arbeidstid til nettverkssamlinger og kollegaveiledning",
                ]
            )
            in_kind = round_to(total - cash, 1_000) + 1_000
            self.add("cofinancing", year, owner_id, "in_kind", in_kind, note)

    def confirmations(self) -> None:
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
            deadline = rules(year).reporting
            if deadline > AS_OF:
                continue  # not due yet
            luck = rng.random()
            if luck < 0.02:
                continue  # missing (R6)
            if luck < 0.04:
                date = min(AS_OF, workday(plus(deadline, rng.randrange(3, 60))))  # late (R6)
            else:
                date = workday(plus(deadline, -rng.randrange(1, 40)), back=True)
            assert date > last[key], key
            repaid = round_to(amount * rng.uniform(0.02, 0.12), 100) if rng.random() < 0.2 else 0
            self.add("confirmations", year, owner_id, iid, date, amount - repaid, repaid)

    # -- projects and status reports -----------------------------------------------------

    def projects(self) -> None:
        rng = self.rng
        slots = [
            (year, forum_id)
            for year in YEARS
            for forum_id in sorted(self.forums)
            if self.members.get((year, forum_id))
        ]
        weights = [
            math.sqrt(float(sum(self.owners[o].in_scope(y) for o in self.members[(y, f)])) + 1)
            for y, f in slots
        ]
        per_slot: dict[tuple[int, str], int] = defaultdict(int)
        for slot in rng.choices(slots, weights=weights, k=scaled("projects", self.scale)):
            per_slot[slot] += 1

        plans = []
        counters: dict[int, int] = defaultdict(int)
        for year, forum_id in slots:
            for _ in range(per_slot[(year, forum_id)]):
                counters[year] += 1
                plans.append(self.project(f"P{year}-{counters[year]:05d}", year, forum_id))
        target = scaled("status", self.scale)
        if target <= len(plans):
            counts = [0] * len(plans)
            for i in rng.sample(range(len(plans)), target):
                counts[i] = 1
        else:
            spans = [max(1, (p["last"] - p["first"]).days) for p in plans]
            counts = spread(target, [float(s) for s in spans], [s // 4 + 1 for s in spans])
        for plan, count in zip(plans, counts, strict=True):
            self.status(plan, count)

    def project(self, pid: str, year: int, forum_id: str) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.7:
            start = workday(plus(d(year, 8, 10), rng.randrange(60)))
        else:
            start = workday(plus(d(year, 1, 8), rng.randrange(40)))
        years_long = rng.choice([1, 2, 2, 3])
        end_year = start.year + years_long - (1 if start.month >= 8 else 0)
        planned_end = d(end_year, 6, 30) if rng.random() < 0.75 else d(end_year, 12, 15)
        if planned_end <= plus(start, 300):
            planned_end = d(planned_end.year + 1, 6, 30)
        lead = self.owners[rng.choice(self.members[(year, forum_id)])]
        area = lead.areas[0] if rng.random() < 0.7 else rng.choice(lead.areas)
        partners = self.forums[forum_id].partners(year)
        institution = None if rng.random() < 0.1 else rng.choice(partners)
        title = f"{rng.choice(PROJECT_TITLES[area])} – {lead.place}"
        size = float(lead.in_scope(year))
        years_run = max(1.0, (planned_end - start).days / 365)
        budget = round_to(
            min(8_000_000, max(250_000, 60_000 * size**0.5 * years_run * rng.uniform(0.7, 1.3))),
            10_000,
        )
        self.add(
            "projects",
            pid,
            title,
            forum_id,
            lead.owner_id,
            institution,
            area,
            AREAS[area],
            rng.random() < 0.82,
            start,
            planned_end,
            budget,
        )
        end = planned_end
        delayed = rng.random() < 0.15
        if delayed:
            end = plus(planned_end, rng.randrange(90, 180))
        cancelled = None
        if rng.random() < 0.02:
            cancelled = plus(start, rng.randrange(60, max(61, (planned_end - start).days)))
        limit = plus(AS_OF, -14)  # room for the dates to move to a working day
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
            participants=min(600, max(8, round(size * rng.uniform(0.2, 0.5)))),
        )

    def status(self, p: dict[str, Any], count: int) -> None:
        """``count`` reports spread over the project's reporting window;
        the last says completed or cancelled when the project is over;
        spending never goes down."""
        rng = self.rng
        start, first, last = p["start"], p["first"], p["last"]
        span = (last - first).days
        step = span / max(1, count - 1)
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
                status, note = "planned", "Planlagt oppstart; skolene har meldt inn deltakere"
            elif final and p["cancelled"]:
                status, note = "cancelled", "Avlyst: for få deltakere"
            elif final and p["done"]:
                status, note = "completed", "Sluttrapport levert; erfaringer delt i nettverket"
            elif p["delayed"] and date > p["planned_end"]:
                status, note = "delayed", "Forsinket; sluttføres neste semester"
            elif i == 0 or (i == 1 and first < start):
                status, note = "started", "Oppstartssamling gjennomført"
            else:
                status = "ongoing"
                note = rng.choice(
                    [
                        "Nettverkssamlinger gjennomført som planlagt",
                        "Skolebaserte utviklingsøkter i gang på alle skoler",
                        "Veiledning fra UH-partner i gang",
                        "Arbeid i profesjonsfellesskapene på skolene",
                    ]
                )
            if status == "completed":
                spent = max(spent, round_to(p["budget"] * rng.uniform(0.93, 1.02), 1_000))
            elif status != "planned":
                fraction = min(1.0, (date - start).days / duration)
                spent = max(spent, round_to(p["budget"] * fraction * rng.uniform(0.85, 1.0), 1_000))
            participants = max(1, round(p["participants"] * rng.uniform(0.92, 1.06)))
            self.add("status", p["pid"], date, status, spent, participants, note)

    # -- all -----------------------------------------------------------------------------

    def build(self) -> dict[str, list[tuple[Any, ...]]]:
        self.regions()
        self.municipalities()
        self.institutions()
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


# --- Writing ------------------------------------------------------------------------


def sort_columns(kind: str) -> list[int]:
    columns = KINDS[kind].columns
    wanted = list(SORT_COLUMNS.get(kind, ())) or [c for key in KINDS[kind].keys for c in key]
    return [columns.index(c) for c in dict.fromkeys(wanted)]


def render(kind: str, rows: list[tuple[Any, ...]]) -> bytes:
    """The kind's CSV as in data/demo/: a header of the import columns, rows
    sorted by the kind's key(s) with empty key cells first."""
    columns = KINDS[kind].columns
    index = sort_columns(kind)

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (row[i] is not None, row[i] if isinstance(row[i], int) else cell(row[i])) for i in index
        )

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in sorted(rows, key=key):
        assert len(row) == len(columns), (kind, row)
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def write_all(rows: dict[str, list[tuple[Any, ...]]], out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        (out / f"{kind}.csv").write_bytes(render(kind, rows[kind]))
    return {kind: len(rows[kind]) for kind in KINDS}


def generate(out: Path, scale: float = 1.0) -> dict[str, int]:
    """Write one CSV file per import kind into ``out``; the row counts."""
    return write_all(Builder(scale).build(), out)


def files(out: Path) -> list[tuple[str, Path]]:
    """The (kind, path) pairs for ``core.ingest.import_files``."""
    return [(kind, out / f"{kind}.csv") for kind in LOAD_ORDER]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--db", type=Path, help="also import the files into this database")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")

    started = time.perf_counter()
    counts = generate(args.out, args.scale)
    took = time.perf_counter() - started
    total_bytes = 0
    for kind, count in counts.items():
        size = (args.out / f"{kind}.csv").stat().st_size
        total_bytes += size
        print(f"{kind + '.csv':20} {count:8} rows {size / 1e6:9.2f} MB")
    print(f"{'all':20} {sum(counts.values()):8} rows {total_bytes / 1e6:9.2f} MB")
    print(f"generated in {took:.1f} s")
    if args.db:
        started = time.perf_counter()
        try:
            result = ingest.import_files(args.db, files(args.out), description=DESCRIPTION)
        except ingest.ImportRejected as err:
            for problem in err.problems[:50]:
                print(problem, file=sys.stderr)
            print(f"{len(err.problems)} problems", file=sys.stderr)
            return 1
        print(f"imported in {time.perf_counter() - started:.1f} s: version {result.version_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
