"""Generate the demo data set in data/demo/: one CSV file per import kind.

    python scripts/make_demo_data.py            # write data/demo/*.csv and check them
    python scripts/make_demo_data.py --out DIR  # write somewhere else

The data is illustrative: Oslo og Akershus 2018-2021, built from the public
figures in the reference table below (teacher FTE 2017-18, the 2018 frame,
the municipal reform) and filled in with plausible, invented detail. Which
figures are public, which are estimates and which rule breaches are planted
on purpose is described in data/README.md.

The output is deterministic: a fixed seed, no clock, no network, sorted rows,
and the same bytes on every run. Only the standard library and the project's
``core`` package are used; after writing, every file is read back and checked
against the import contract (core.kinds) and the references between files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.kinds import KINDS  # noqa: E402
from core.parse import orgnr_check_digit  # noqa: E402

SEED = 20180308  # the county governor's news page on the 2018 frame, 08.03.2018
REGION = "oslo-akershus"
YEARS = (2018, 2019, 2020, 2021)
AS_OF = dt.date(2021, 12, 31)  # status reports and payments go up to this date
OUT_DIR = ROOT / "data" / "demo"

OSLO_ORGNR = "958935420"  # Oslo kommune's real organisation number
# Numbers the tests use as "unknown owner": never generate them.
RESERVED_ORGNR = ("958935420", "974760673")

# --- Public figures ---------------------------------------------------------

# /work/shared/reference/akershus_oslo_2018.csv, verbatim (sources in
# data/README.md): each 2018 municipality, its 2020 and 2024 successors, its
# regional council, pupils 2010 and teacher FTE 2017-18 (all schools located
# in the municipality) with where that figure comes from.
REFERENCE_CSV = """\
knr_2018,name_2018,knr_2020,name_2020,knr_2024,name_2024,region_2018,pupils_2010,teacher_fte_2017_18,fte_source
0211,Vestby,3019,Vestby,3216,Vestby,Follo,2060,187.9,estimate
0213,Ski,3020,Nordre Follo,3207,Nordre Follo,Follo,4017,361.9,skoleporten
0214,Ås,3021,Ås,3218,Ås,Follo,2185,199.4,estimate
0215,Frogn,3022,Frogn,3214,Frogn,Follo,2015,194.1,skoleporten
0216,Nesodden,3023,Nesodden,3212,Nesodden,Follo,2548,232.5,estimate
0217,Oppegård,3020,Nordre Follo,3207,Nordre Follo,Follo,3410,287.0,skoleporten
0219,Bærum,3024,Bærum,3201,Bærum,Asker og Bærum,15659,1428.7,estimate
0220,Asker,3025,Asker,3203,Asker,Asker og Bærum,7961,713.7,skoleporten
0221,Aurskog-Høland,3026,Aurskog-Høland,3226,Aurskog-Høland,Nedre Romerike,1836,161.6,skoleporten
0226,Sørum,3030,Lillestrøm,3205,Lillestrøm,Nedre Romerike,2151,202.9,skoleporten
0227,Fet,3030,Lillestrøm,3205,Lillestrøm,Nedre Romerike,1344,120.2,skoleporten
0228,Rælingen,3027,Rælingen,3224,Rælingen,Nedre Romerike,1931,176.2,estimate
0229,Enebakk,3028,Enebakk,3220,Enebakk,Follo,1419,129.5,estimate
0230,Lørenskog,3029,Lørenskog,3222,Lørenskog,Nedre Romerike,4651,424.3,estimate
0231,Skedsmo,3030,Lillestrøm,3205,Lillestrøm,Nedre Romerike,6454,625.0,skoleporten
0233,Nittedal,3031,Nittedal,3232,Nittedal,Nedre Romerike,3206,292.5,estimate
0234,Gjerdrum,3032,Gjerdrum,3230,Gjerdrum,Øvre Romerike,924,84.3,estimate
0235,Ullensaker,3033,Ullensaker,3209,Ullensaker,Øvre Romerike,4137,377.4,estimate
0236,Nes,3034,Nes,3228,Nes,Øvre Romerike,2529,230.7,estimate
0237,Eidsvoll,3035,Eidsvoll,3240,Eidsvoll,Øvre Romerike,2765,252.3,estimate
0238,Nannestad,3036,Nannestad,3238,Nannestad,Øvre Romerike,1567,143.0,estimate
0239,Hurdal,3037,Hurdal,3242,Hurdal,Øvre Romerike,322,29.4,estimate
0301,Oslo,0301,Oslo,0301,Oslo,Oslo,,5477.0,skoleporten
"""
REFERENCE = [
    (
        r["knr_2018"],
        r["name_2018"],
        r["knr_2020"],
        r["name_2020"],
        r["knr_2024"],
        r["name_2024"],
        r["region_2018"],
        r["teacher_fte_2017_18"],
        r["fte_source"],
    )
    for r in csv.DictReader(io.StringIO(REFERENCE_CSV))
]
# The reference's per-municipality figures add up to 6,854.5 for Akershus,
# 0.1 above the published county total (6,854.4): rounding of the estimates.
# Take the 0.1 off the largest estimated figure so 2018 adds up to 12,331.4.
ROUNDING_FIX = {"0219": Decimal("-0.1")}
TOTAL_2018 = Decimal("12331.4")
FRAME_2018 = 39_700_000

# --- The region ---------------------------------------------------------------

REGION_SHORT = "Oslo og Akershus"
REGION_NAMES = [
    ("Fylkesmannen i Oslo og Akershus", 2016, 2018),
    ("Fylkesmannen i Oslo og Viken", 2019, 2020),
    ("Statsforvalteren i Oslo og Viken", 2021, 2023),
    ("Statsforvalteren i Østfold, Buskerud, Oslo og Akershus", 2024, None),
]

# --- The scheme's parameters per year ----------------------------------------
# 2018: the seed letter. Later frames are illustrative; deadlines before 2021
# other than 1 July 2018 are estimates. 2019 uses the "withhold" policy so the
# demo shows both: Hurdal, out in 2019, keeps its share of the key unpaid.

FRAMES = {
    2018: dict(
        frame=FRAME_2018,
        levels=["compulsory"],
        types=["municipality", "private"],
        needs=dt.date(2018, 7, 1),
        reporting=dt.date(2019, 3, 1),
        policy="redistribute",
    ),
    2019: dict(
        frame=57_600_000,
        levels=["compulsory", "upper_secondary"],
        types=["municipality", "county_authority", "private"],
        needs=dt.date(2019, 3, 15),
        reporting=dt.date(2020, 3, 1),
        policy="withhold",
    ),
    2020: dict(
        frame=60_100_000,
        levels=["compulsory", "upper_secondary"],
        types=["municipality", "county_authority", "private"],
        needs=dt.date(2020, 2, 15),
        reporting=dt.date(2021, 3, 1),
        policy="redistribute",
    ),
    2021: dict(
        frame=62_400_000,
        levels=["compulsory", "upper_secondary"],
        types=["municipality", "county_authority", "private"],
        needs=dt.date(2021, 2, 1),
        reporting=dt.date(2022, 1, 15),
        policy="redistribute",
    ),
}
COFINANCING_RATE = Decimal("0.30")
STALE_AFTER_DAYS = 180

# --- Institutions ---------------------------------------------------------------

INSTITUTIONS = [
    ("hiof", "Høgskolen i Østfold", "public_uh"),
    ("kompetansekurs", "Kompetansekurs AS", "other_provider"),  # fictional course company
    ("lesesenteret", "Nasjonalt senter for leseopplæring og leseforsking", "national_centre"),
    ("nla", "NLA Høgskolen", "private_uh"),
    ("nmbu", "Norges miljø- og biovitenskapelige universitet", "public_uh"),
    ("oslomet", "OsloMet – storbyuniversitetet", "public_uh"),
    ("uio", "Universitetet i Oslo", "public_uh"),
    ("usn", "Universitetet i Sørøst-Norge", "public_uh"),
]

# --- Forums ------------------------------------------------------------------------

FORUMS = {  # forum_id: name, first year
    "asker-baerum": ("Asker og Bærum", 2018),
    "follo": ("Follo", 2018),
    "friskoler": ("Friskoler i Oslo og Akershus", 2018),
    "nedre-romerike": ("Nedre Romerike", 2018),
    "oslo": ("Oslo", 2018),
    "ovre-romerike": ("Øvre Romerike", 2018),
    "videregaende": ("Videregående opplæring (fylkeskommunen)", 2019),
}
FORUM_OF_COUNCIL = {
    "Follo": "follo",
    "Asker og Bærum": "asker-baerum",
    "Nedre Romerike": "nedre-romerike",
    "Øvre Romerike": "ovre-romerike",
    "Oslo": "oslo",
}
# Partner institutions per forum (first listed gets the larger part of the
# institutions' share). OsloMet, HiØ and NMBU are documented for 2018; UiO and
# USN are plausible. Lesesenteret joins Øvre Romerike in 2020 for a reading project.
FORUM_INSTITUTIONS = {
    "asker-baerum": {y: ["oslomet", "usn"] for y in YEARS},
    "follo": {y: ["nmbu", "hiof"] for y in YEARS},
    "friskoler": {y: ["nla", "oslomet"] for y in YEARS},
    "nedre-romerike": {y: ["oslomet", "nmbu"] for y in YEARS},
    "oslo": {y: ["oslomet", "uio"] for y in YEARS},
    "ovre-romerike": {
        2018: ["oslomet", "hiof"],
        2019: ["oslomet", "hiof"],
        2020: ["oslomet", "hiof", "lesesenteret"],
        2021: ["oslomet", "hiof", "lesesenteret"],
    },
    "videregaende": {y: ["oslomet", "uio"] for y in (2019, 2020, 2021)},
}

# --- Owners --------------------------------------------------------------------------


@dataclass
class Owner:
    key: str
    name: str
    type: str
    knr: str | None
    abroad: bool
    active_from: int
    active_to: int | None
    owner_id: str = ""

    def active(self, year: int) -> bool:
        return self.active_from <= year <= (self.active_to or 9999)


# Municipalities merged in 2020: the new municipality is a new owner.
MERGERS = {
    "m3020": ("Nordre Follo kommune", "3020", ["m0213", "m0217"]),
    "m3025": ("Asker kommune", "3025", ["m0220", "royken", "hurum"]),
    "m3026": ("Aurskog-Høland kommune", "3026", ["m0221", "romskog"]),
    "m3030": ("Lillestrøm kommune", "3030", ["m0226", "m0227", "m0231"]),
}
MERGED_AWAY = {p for _, _, preds in MERGERS.values() for p in preds}
# Røyken and Hurum (Buskerud) and Rømskog (Østfold) are not owners in the demo;
# their teacher FTE (illustrative estimates, 2019) is added to the merged owner.
OUTSIDE_PREDECESSORS = {
    "royken": Decimal("236.4"),
    "hurum": Decimal("112.8"),
    "romskog": Decimal("9.6"),
}

# Private school owners (invented names), located in a 2018 municipality:
# key, name, knr, 2018 compulsory teacher FTE (their share of the municipality's
# figure), 2018 upper secondary FTE or None.
PRIVATE_OWNERS = [
    ("p-oslo-1", "Stiftelsen Akerselva Montessoriskole", "0301", "78.4", None),
    ("p-oslo-2", "Stiftelsen Bjerke kristne skole", "0301", "61.2", "21.6"),
    ("p-oslo-3", "Stiftelsen Ekebergåsen Steinerskole", "0301", "52.9", None),
    ("p-oslo-4", "Tøyen internasjonale skole AS", "0301", "44.6", "14.2"),
    ("p-oslo-5", "Grorud friskole AS", "0301", "38.3", None),
    ("p-oslo-6", "Nordstrand Montessori AS", "0301", "27.5", None),
    ("p-oslo-7", "Sagene musikkfriskole SA", "0301", "23.2", None),
    ("p-baerum-1", "Stiftelsen Sandvika Montessoriskole", "0219", "38.6", None),
    ("p-baerum-2", "Kolsås kristne skole AS", "0219", "27.9", None),
    ("p-asker-1", "Semsvann friskole AS", "0220", "35.4", None),
    ("p-lorenskog-1", "Lørenskog Montessoriskole AS", "0230", "21.7", None),
    ("p-skedsmo-1", "Stiftelsen Kjeller friskole", "0231", "41.3", None),
    ("p-ski-1", "Follo Steinerskole SA", "0213", "24.8", None),
    ("p-as-1", "Ås Montessori AS", "0214", "16.2", None),
    ("p-ullensaker-1", "Jessheim friskole AS", "0235", "33.5", None),
    ("p-nes-1", "Årnes kristne friskole", "0236", "14.9", None),
    ("p-nesodden-1", "Nesodden naturskole AS", "0216", "21.4", None),
    ("p-eidsvoll-1", "Eidsvoll gårdsskole AS", "0237", "12.7", None),
    ("p-nittedal-1", "Hakadal friskole SA", "0233", "16.7", None),
]
# Norwegian private schools abroad (invented names): no municipality; they
# are not in the 2018 key (Skoleporten's figures are by municipality) and
# join the private schools' forum from 2019.
ABROAD_OWNERS = [
    ("a-1", "Norsk skole Costa Cálida AS", "11.4"),
    ("a-2", "Stiftelsen Norsk skole Algarve", "8.7"),
    ("a-3", "Den norske friskolen i Provence", "6.3"),
]
COUNTY_UPPER_2018 = {  # teacher FTE in upper secondary, 2018 (illustrative)
    "fk-akershus": Decimal("2890.4"),
    "m0301": Decimal("2245.7"),
}

# --- Development areas -----------------------------------------------------------------

AREAS = {
    "Lesing og skriving": "basic_skills",
    "Matematikk": "basic_skills",
    "Inkluderende læringsmiljø": "learning_environment",
    "Vurdering for læring": "basic_skills",
    "Profesjonsfellesskap": "learning_environment",
    "Fagfornyelsen og dybdelæring": "basic_skills",
    "Digital kompetanse": "basic_skills",
    "Tilpasset opplæring": "learning_environment",
    "Gjennomføring i videregående opplæring": "completion",
    "Overgang fra ungdomsskole til videregående": "completion",
}
COMPULSORY_AREAS = [
    "Lesing og skriving",
    "Matematikk",
    "Inkluderende læringsmiljø",
    "Vurdering for læring",
    "Profesjonsfellesskap",
    "Tilpasset opplæring",
    "Digital kompetanse",
]
COUNTY_AREAS = [
    "Gjennomføring i videregående opplæring",
    "Overgang fra ungdomsskole til videregående",
]
TARGET_GROUPS = {
    "Lesing og skriving": ["Lærere 1.–4. trinn", "Lærere på mellomtrinnet", "Alle lærere"],
    "Matematikk": ["Matematikklærere 1.–7. trinn", "Matematikklærere på ungdomstrinnet"],
    "Inkluderende læringsmiljø": ["Alle lærere og skoleledere", "Lærere og miljøarbeidere"],
    "Vurdering for læring": ["Lærere på ungdomstrinnet", "Alle lærere"],
    "Profesjonsfellesskap": ["Skoleledere og ressurslærere", "Alle lærere og skoleledere"],
    "Fagfornyelsen og dybdelæring": ["Alle lærere", "Lærere og skoleledere"],
    "Digital kompetanse": ["Lærere 5.–10. trinn", "Alle lærere"],
    "Tilpasset opplæring": ["Lærere og spesialpedagoger", "Alle lærere"],
    "Gjennomføring i videregående opplæring": [
        "Lærere i videregående skole",
        "Lærere på Vg1 og rådgivere",
    ],
    "Overgang fra ungdomsskole til videregående": ["Rådgivere og lærere på 10. trinn og Vg1"],
}
PROJECT_TITLES = {
    "Lesing og skriving": [
        "Lesing i alle fag",
        "Leseløftet på mellomtrinnet",
        "Skriving som grunnleggende ferdighet",
        "Begynneropplæring i lesing og skriving",
    ],
    "Matematikk": [
        "Matematikksamtaler i klasserommet",
        "Tallforståelse på småtrinnet",
        "Utforskende matematikkundervisning",
    ],
    "Inkluderende læringsmiljø": [
        "Trygt og inkluderende skolemiljø",
        "Relasjonsbygging og klasseledelse",
        "Et godt psykososialt skolemiljø for alle",
    ],
    "Vurdering for læring": [
        "Vurdering for læring i praksis",
        "Underveisvurdering og elevmedvirkning",
    ],
    "Profesjonsfellesskap": [
        "Lærende profesjonsfellesskap",
        "Skolebasert kompetanseutvikling i nettverk",
    ],
    "Fagfornyelsen og dybdelæring": [
        "Dybdelæring og fagfornyelsen",
        "Tverrfaglige temaer i fagfornyelsen",
    ],
    "Digital kompetanse": [
        "Profesjonsfaglig digital kompetanse",
        "Programmering i matematikk og naturfag",
    ],
    "Tilpasset opplæring": [
        "Tilpasset opplæring i fellesskapet",
        "Inkludering og tilpasset opplæring",
    ],
    "Gjennomføring i videregående opplæring": [
        "Flere fullfører videregående",
        "Vurdering og gjennomføring på Vg1",
    ],
    "Overgang fra ungdomsskole til videregående": ["Gode overganger til videregående"],
}

# --- Planted breaches (see data/README.md) ----------------------------------------
LORENSKOG_2019_RATE = 0.21  # R1: co-financing as a share of what Lørenskog received
R1_OWNER, R1_YEAR = "m0230", 2019
R2_AWARD = (2020, "asker-baerum", "kompetansekurs", 185_000)
R3_NONPARTICIPANT = ("m0239", 2019)  # Hurdal: FTE, but no membership/needs/award
R3_NO_NEEDS = ("m0234", 2020)  # Gjerdrum: award without a needs report
R4_AWARD = (2018, "follo", "fk-akershus", 240_000)
R5_LATE = ("m0236", 2018, dt.date(2018, 7, 9))  # Nes: needs report 8 days late
R6_MISSING = ("m0229", 2019)  # Enebakk: no confirmation of use for 2019
R7_PROJECT = "P2019-04"  # last status report 2020, not completed
R10_AWARD = (2019, "m0228")  # Rælingen: award without decision date

# 2021 awards not (fully) paid by the end of 2021.
UNPAID_2021 = ("p-nes-1", "a-3")  # no payment yet: payment held for a revised plan
SECOND_INSTALMENT_PENDING_2021 = (("oslo", "oslomet"), ("follo", "nmbu"), ("videregaende", "uio"))


# --- Helpers --------------------------------------------------------------------------


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def plus(date: dt.date, days: int) -> dt.date:
    return date + dt.timedelta(days=days)


HOLIDAYS = {(1, 1), (5, 1), (5, 17), (12, 24), (12, 25), (12, 26), (12, 31)}


def workday(date: dt.date, back: bool = False) -> dt.date:
    """The date itself, or the nearest working day after it (before it when
    ``back``): letters and reports are not dated on weekends or holidays."""
    step = dt.timedelta(days=-1 if back else 1)
    while date.weekday() >= 5 or (date.month, date.day) in HOLIDAYS:
        date += step
    return date


def round_to(value: float, step: int) -> int:
    return round(value / step) * step


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "+".join(value)
    return str(value)


class Builder:
    """Builds every kind's rows, in one fixed order of random draws."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        self.owners: dict[str, Owner] = {}
        self.members: dict[tuple[int, str], list[str]] = {}  # (year, forum) -> owner keys
        self.fte: dict[int, dict[tuple[str, str], Decimal]] = {}
        self.fte_rows: list[dict[str, Any]] = []
        self.share: dict[tuple[str, int], Decimal] = {}
        self.agreement: dict[tuple[str, int], dt.date] = {}
        self.decision: dict[tuple[str, int], dt.date] = {}
        self.awards: list[dict[str, Any]] = []
        self.needs_areas: dict[str, list[str]] = {}

    # -- reference data ------------------------------------------------------------

    def regions(self) -> None:
        for name, start, end in REGION_NAMES:
            self.rows["regions"].append(
                dict(
                    region_id=REGION,
                    short_name=REGION_SHORT,
                    name=name,
                    valid_from=start,
                    valid_to=end,
                )
            )

    def municipalities(self) -> None:
        seen: dict[str, tuple[str, int, int | None]] = {}
        for knr18, name18, knr20, name20, knr24, name24, *_ in REFERENCE:
            oslo = knr18 == "0301"
            seen[knr18] = (name18, 1838, None if oslo else 2019)
            if not oslo:
                seen[knr20] = (name20, 2020, 2023)
                seen[knr24] = (name24, 2024, None)
                if knr18 != knr20:
                    self.rows["successors"].append(dict(knr=knr18, successor_knr=knr20, year=2020))
        for knr18, _, knr20, _, knr24, *_ in REFERENCE:
            if knr18 != "0301":
                row = dict(knr=knr20, successor_knr=knr24, year=2024)
                if row not in self.rows["successors"]:
                    self.rows["successors"].append(row)
        for knr, (name, start, end) in seen.items():
            self.rows["municipalities"].append(
                dict(knr=knr, name=name, valid_from=start, valid_to=end, region_id=REGION)
            )

    def frames(self) -> None:
        for year, f in FRAMES.items():
            self.rows["frames"].append(
                dict(
                    year=year,
                    region_id=REGION,
                    frame_nok=f["frame"],
                    cofinancing_rate=COFINANCING_RATE,
                    levels_in_scope=f["levels"],
                    owner_types_in_scope=f["types"],
                    needs_deadline=f["needs"],
                    reporting_deadline=f["reporting"],
                    stale_after_days=STALE_AFTER_DAYS,
                    nonparticipant_policy=f["policy"],
                )
            )

    def institutions(self) -> None:
        for iid, name, kind in INSTITUTIONS:
            self.rows["institutions"].append(dict(institution_id=iid, name=name, kind=kind))

    # -- owners ---------------------------------------------------------------------

    def make_owners(self) -> None:
        owners: list[Owner] = []
        for knr18, name18, *_ in REFERENCE:
            key = "m" + knr18
            end = 2019 if key in MERGED_AWAY else None
            owners.append(Owner(key, f"{name18} kommune", "municipality", knr18, False, 1838, end))
        for key, (name, knr, _) in MERGERS.items():
            owners.append(Owner(key, name, "municipality", knr, False, 2020, None))
        owners.append(
            Owner(
                "fk-akershus", "Akershus fylkeskommune", "county_authority", None, False, 2018, 2019
            )
        )
        owners.append(
            Owner("fk-viken", "Viken fylkeskommune", "county_authority", None, False, 2020, 2023)
        )
        for key, name, knr, *_ in PRIVATE_OWNERS:
            owners.append(Owner(key, name, "private", knr, False, 2018, None))
        for key, name, _ in ABROAD_OWNERS:
            owners.append(Owner(key, name, "private", None, True, 2018, None))

        used = set(RESERVED_ORGNR)
        for owner in owners:
            if owner.key == "m0301":
                owner.owner_id = OSLO_ORGNR
                continue
            while True:
                first = "9" + "".join(str(self.rng.randrange(10)) for _ in range(7))
                check = orgnr_check_digit(first)
                if check is None or first + str(check) in used:
                    continue
                owner.owner_id = first + str(check)
                used.add(owner.owner_id)
                break
        self.owners = {o.key: o for o in owners}
        for o in owners:
            self.rows["owners"].append(
                dict(
                    owner_id=o.owner_id,
                    name=o.name,
                    owner_type=o.type,
                    knr=o.knr,
                    region_id=REGION,
                    abroad=o.abroad,
                    active_from=o.active_from,
                    active_to=o.active_to,
                )
            )

    def oid(self, key: str) -> str:
        return self.owners[key].owner_id

    # -- forums and memberships -------------------------------------------------------

    def memberships(self) -> None:
        council = {"m" + r[0]: FORUM_OF_COUNCIL[r[6]] for r in REFERENCE}
        council.update(
            {
                "m3020": "follo",
                "m3025": "asker-baerum",
                "m3026": "nedre-romerike",
                "m3030": "nedre-romerike",
            }
        )
        for year in YEARS:
            for key, owner in self.owners.items():
                if not owner.active(year):
                    continue
                if owner.type == "municipality":
                    forum = council[key]
                elif owner.type == "county_authority":
                    # 2018: the county authority sat in the Follo forum although
                    # out of scope (it got an award anyway: R4); own forum from 2019.
                    forum = "follo" if year == 2018 else "videregaende"
                elif owner.abroad and year == 2018:
                    continue  # the schools abroad join from 2019
                else:
                    forum = "friskoler"
                if (key, year) == R3_NONPARTICIPANT:
                    continue
                self.members.setdefault((year, forum), []).append(key)

        for forum_id, (name, first) in FORUMS.items():
            base = self.rng.uniform(0.38, 0.52)
            for year in YEARS:
                if year < first:
                    continue
                share = Decimal(str(round(base + self.rng.uniform(-0.03, 0.03), 2))).quantize(
                    Decimal("0.01")
                )
                self.share[(forum_id, year)] = share
                agreement = workday(
                    {
                        2018: plus(d(2018, 8, 27), self.rng.randrange(0, 25)),
                        2019: plus(d(2019, 4, 23), self.rng.randrange(0, 22)),
                        2020: plus(d(2020, 3, 23), self.rng.randrange(0, 25)),
                        2021: plus(d(2021, 3, 1), self.rng.randrange(0, 22)),
                    }[year]
                )
                self.agreement[(forum_id, year)] = agreement
                self.decision[(forum_id, year)] = workday(
                    plus(agreement, self.rng.randrange(18, 40))
                )
                self.rows["forums"].append(
                    dict(
                        forum_id=forum_id,
                        name=name,
                        region_id=REGION,
                        year=year,
                        institution_share=share,
                        agreement_date=agreement,
                    )
                )
                for key in self.members.get((year, forum_id), []):
                    self.rows["memberships"].append(
                        dict(
                            year=year,
                            forum_id=forum_id,
                            owner_id=self.oid(key),
                            institution_id=None,
                        )
                    )
                for iid in FORUM_INSTITUTIONS[forum_id][year]:
                    self.rows["memberships"].append(
                        dict(year=year, forum_id=forum_id, owner_id=None, institution_id=iid)
                    )

    # -- teacher FTE ----------------------------------------------------------------------

    def teacher_fte(self) -> None:
        src_sp = "skoleporten (GSI 2017-18)"
        src_est = "estimate (Akershus-totalen fordelt etter elevtall, SSB 2010)"
        split = "; fordelt mellom kommunen og friskolene: estimate"
        private_by_knr: dict[str, Decimal] = defaultdict(Decimal)
        for _, _, knr, fte, _ in PRIVATE_OWNERS:
            private_by_knr[knr] += Decimal(fte)

        values: dict[tuple[str, str], Decimal] = {}
        sources: dict[tuple[str, str], str] = {}
        for knr18, _, _, _, _, _, _, fte, src in REFERENCE:
            key = ("m" + knr18, "compulsory")
            values[key] = Decimal(fte) + ROUNDING_FIX.get(knr18, 0) - private_by_knr[knr18]
            if knr18 == "0301":
                sources[key] = "skoleporten (GSI 2017-18, offentlige skoler i Oslo)"
            else:
                base = src_sp if src == "skoleporten" else src_est
                sources[key] = base + (split if private_by_knr[knr18] else "")
                if knr18 in ROUNDING_FIX:
                    sources[key] += "; justert -0,1 til fylkestotalen 6 854,4"
        for pkey, _, knr, fte, upper in PRIVATE_OWNERS:
            values[(pkey, "compulsory")] = Decimal(fte)
            if knr == "0301":
                sources[(pkey, "compulsory")] = (
                    "skoleporten (GSI 2017-18, private skoler i Oslo); "
                    "fordelt på skoleeiere: estimate"
                )
            else:
                base = (
                    src_sp
                    if dict((r[0], r[8]) for r in REFERENCE)[knr] == "skoleporten"
                    else src_est
                )
                sources[(pkey, "compulsory")] = base + split
            if upper:
                values[(pkey, "upper_secondary")] = Decimal(upper)
                sources[(pkey, "upper_secondary")] = (
                    "estimate (illustrativ; utenfor ordningen i 2018)"
                )
        for key, fte in COUNTY_UPPER_2018.items():
            values[(key, "upper_secondary")] = fte
            sources[(key, "upper_secondary")] = "estimate (illustrativ; utenfor ordningen i 2018)"
        self.fte[2018] = dict(values)
        for (key, level), fte in values.items():
            self.fte_rows.append(
                dict(
                    owner_id=self.oid(key),
                    year=2018,
                    school_level=level,
                    fte=fte,
                    source=sources[(key, level)],
                )
            )

        drift_src = "illustrativ framskriving"
        for year in (2019, 2020, 2021):
            current: dict[tuple[str, str], Decimal] = {}
            for (key, level), fte in self.fte[year - 1].items():
                factor = Decimal(str(round(1 + self.rng.uniform(-0.02, 0.02), 4)))
                current[(key, level)] = (fte * factor).quantize(Decimal("0.1"))
            if year == 2019:
                for key, _, fte in ABROAD_OWNERS:
                    current[(key, "compulsory")] = Decimal(fte)
                for key, fte in OUTSIDE_PREDECESSORS.items():
                    current[(key, "compulsory")] = fte
            if year == 2020:
                for new, (_, _, preds) in MERGERS.items():
                    current[(new, "compulsory")] = sum(
                        (current.pop((p, "compulsory")) for p in preds), Decimal(0)
                    )
                current[("fk-viken", "upper_secondary")] = current.pop(
                    ("fk-akershus", "upper_secondary")
                )
            self.fte[year] = current
            for (key, level), fte in current.items():
                if key not in self.owners:
                    continue  # Røyken, Hurum, Rømskog: only summed into their successor
                source = drift_src
                if year == 2020 and key in MERGERS:
                    source += "; summen av kommunene som ble slått sammen"
                if year == 2019 and self.owners[key].abroad:
                    source = "estimate (illustrativ)"
                if key == "fk-viken":
                    source += "; skolene i tidligere Akershus"
                self.fte_rows.append(
                    dict(
                        owner_id=self.oid(key),
                        year=year,
                        school_level=level,
                        fte=fte,
                        source=source,
                    )
                )
        self.rows["fte"] = self.fte_rows

    def in_scope_fte(self, key: str, year: int) -> Decimal:
        f = FRAMES[year]
        if self.owners[key].type not in f["types"]:
            return Decimal(0)
        return sum((self.fte[year].get((key, lvl), Decimal(0)) for lvl in f["levels"]), Decimal(0))

    # -- needs reports ------------------------------------------------------------------

    def primary_areas(self, key: str) -> list[str]:
        if key not in self.needs_areas:
            owner = self.owners[key]
            if owner.type == "county_authority":
                areas = list(COUNTY_AREAS)
            else:
                areas = self.rng.sample(COMPULSORY_AREAS, 3)
            self.needs_areas[key] = areas
        return self.needs_areas[key]

    def needs(self) -> None:
        for year in YEARS:
            f = FRAMES[year]
            entitlement = self.entitlements(year)
            n = 0
            window = {
                2018: (d(2018, 5, 14), 46),
                2019: (d(2019, 2, 1), 41),
                2020: (d(2020, 1, 6), 39),
                2021: (d(2021, 1, 4), 27),
            }[year]
            for forum_id in FORUMS:
                for key in self.members.get((year, forum_id), []):
                    if (key, year) == R3_NO_NEEDS:
                        continue
                    owner = self.owners[key]
                    areas = self.primary_areas(key)
                    if owner.type == "county_authority":
                        count = 2 if year >= 2020 else 1
                    elif key == "m0301":
                        count = 3 if year == 2021 else 2
                    elif year == 2021 and owner.type == "municipality":
                        count = 1 + (self.rng.random() < 0.4)
                    else:
                        count = 1
                    chosen = areas[:count]
                    if (
                        year in (2019, 2020)
                        and owner.type != "county_authority"
                        and self.rng.random() < 0.25
                    ):
                        chosen = ["Fagfornyelsen og dybdelæring", *chosen[1:]]
                    fte = sum(
                        (
                            self.fte[year].get((key, lvl), Decimal(0))
                            for lvl in ("compulsory", "upper_secondary")
                        ),
                        Decimal(0),
                    )
                    # Out of scope (Akershus fylkeskommune 2018): a modest request.
                    ent = entitlement.get(key) or f["frame"] * float(fte) / 60000
                    for area in chosen:
                        n += 1
                        received = workday(
                            plus(window[0], self.rng.randrange(window[1])), back=True
                        )
                        if (key, year) == R5_LATE[:2]:
                            received = R5_LATE[2]
                        assert received <= f["needs"] or (key, year) == R5_LATE[:2]
                        participants = max(
                            6, round(float(fte) * self.rng.uniform(0.25, 0.7) / count)
                        )
                        requested = round_to(ent * self.rng.uniform(0.8, 1.6) / count, 10_000)
                        self.rows["needs"].append(
                            dict(
                                report_id=f"N{year}-{n:03d}",
                                year=year,
                                owner_id=self.oid(key),
                                forum_id=forum_id,
                                received_date=received,
                                development_area=area,
                                sector_goal=AREAS[area],
                                target_group=self.rng.choice(TARGET_GROUPS[area]),
                                participants=participants,
                                amount_requested_nok=max(20_000, requested),
                            )
                        )

    # -- awards ---------------------------------------------------------------------------

    def entitlements(self, year: int) -> dict[str, float]:
        f = FRAMES[year]
        participants = [k for (y, _), keys in self.members.items() if y == year for k in keys]
        if f["policy"] == "withhold":
            # The share of an owner that does not take part is held back:
            # the key counts every in-scope owner with FTE that year.
            pool = [k for k, o in self.owners.items() if o.active(year)]
        else:
            pool = participants
        total = sum(float(self.in_scope_fte(k, year)) for k in pool)
        return {k: f["frame"] * float(self.in_scope_fte(k, year)) / total for k in participants}

    def make_awards(self) -> None:
        for year in YEARS:
            ent = self.entitlements(year)
            n = 0

            def add(
                forum_id: str,
                owner: str | None,
                inst: str | None,
                amount: int,
                decision: dt.date | None,
                year: int = year,
            ) -> None:
                nonlocal n
                n += 1
                self.awards.append(
                    dict(
                        award_id=f"T{year}-{n:03d}",
                        year=year,
                        forum_id=forum_id,
                        recipient_owner_id=self.oid(owner) if owner else None,
                        recipient_institution_id=inst,
                        amount_nok=amount,
                        decision_date=decision,
                        _owner=owner,
                        _forum_decision=self.decision[(forum_id, year)],
                    )
                )

            for forum_id in FORUMS:
                keys = self.members.get((year, forum_id))
                if not keys:
                    continue
                share = float(self.share[(forum_id, year)])
                decision = self.decision[(forum_id, year)]
                funds = sum(ent[k] for k in keys)
                for key in keys:
                    if ent[key] == 0:
                        continue  # out of scope (Akershus fylkeskommune 2018): see R4 below
                    amount = max(
                        5_000,
                        round_to(ent[key] * (1 - share) * self.rng.uniform(0.965, 0.99), 1_000),
                    )
                    no_date = (year, key) == R10_AWARD
                    add(forum_id, key, None, amount, None if no_date else decision)
                if (year, forum_id) == R4_AWARD[:2]:
                    add(forum_id, R4_AWARD[2], None, R4_AWARD[3], decision)
                insts = FORUM_INSTITUTIONS[forum_id][year]
                weights = [0.6, 0.4] if len(insts) == 2 else [0.5, 0.3, 0.2]
                pot = funds * share * self.rng.uniform(0.965, 0.99)
                for iid, w in zip(insts, weights, strict=True):
                    add(forum_id, None, iid, round_to(pot * w, 1_000), decision)
                if (year, forum_id) == R2_AWARD[:2]:
                    add(forum_id, None, R2_AWARD[2], R2_AWARD[3], decision)
            total = sum(a["amount_nok"] for a in self.awards if a["year"] == year)
            assert total <= FRAMES[year]["frame"], (year, total)
        self.rows["awards"] = [
            {k: v for k, v in a.items() if not k.startswith("_")} for a in self.awards
        ]

    # -- payments ---------------------------------------------------------------------------

    def payments(self) -> None:
        self.paid: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        counters: dict[int, int] = defaultdict(int)
        for a in self.awards:
            year, amount = a["year"], a["amount_nok"]
            decided = a["decision_date"] or a["_forum_decision"]
            inst = a["recipient_institution_id"]
            if year == 2021 and a["_owner"] in UNPAID_2021:
                continue
            pending = year == 2021 and (a["forum_id"], inst) in SECOND_INSTALMENT_PENDING_2021
            two = pending or (self.rng.random() < (0.3 if inst else 0.08))
            if two:
                first = round_to(amount * 0.6, 1_000)
                parts = [(workday(plus(decided, self.rng.randrange(25, 60))), first)]
                if not pending:
                    # 2018: the rest before the confirmations of use (due 1 March 2019)
                    later = (60, 80) if year == 2018 else (150, 200)
                    parts.append(
                        (workday(plus(decided, self.rng.randrange(*later))), amount - first)
                    )
            else:
                parts = [(workday(plus(decided, self.rng.randrange(30, 92))), amount)]
            for date, value in parts:
                assert date <= AS_OF
                counters[year] += 1
                pid = f"U{year}-{counters[year]:03d}"
                self.rows["payments"].append(
                    dict(payment_id=pid, award_id=a["award_id"], paid_date=date, amount_nok=value)
                )
                self.paid[a["award_id"]].append((date, value))

    # -- co-financing ------------------------------------------------------------------------

    def cofinancing(self) -> None:
        for year in YEARS:
            by_forum: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for a in self.awards:
                if a["year"] == year:
                    by_forum[a["forum_id"]].append(a)
            for awards in by_forum.values():
                forum_total = sum(a["amount_nok"] for a in awards)
                owners_total = sum(a["amount_nok"] for a in awards if a["_owner"])
                for a in awards:
                    key = a["_owner"]
                    if not key:
                        continue
                    own = a["amount_nok"]
                    # The stricter reading of R1: 30 % of the forum's whole grant,
                    # shared pro rata to what each owner received.
                    due = float(COFINANCING_RATE) * forum_total * own / owners_total
                    owner = self.owners[key]
                    if (key, year) == (R1_OWNER, R1_YEAR):
                        total = round_to(own * LORENSKOG_2019_RATE, 1_000)
                        self.rows["cofinancing"].append(
                            dict(
                                year=year,
                                owner_id=self.oid(key),
                                kind="in_kind",
                                amount_nok=total,
                                note="Lærernes arbeidstid; færre lærere frikjøpt enn planlagt",
                            )
                        )
                        continue
                    total = due * self.rng.uniform(1.05, 1.45)
                    cash = 0
                    if owner.type != "private" and self.rng.random() < 0.45:
                        cash = round_to(total * self.rng.uniform(0.15, 0.4), 1_000)
                        self.rows["cofinancing"].append(
                            dict(
                                year=year,
                                owner_id=self.oid(key),
                                kind="cash",
                                amount_nok=cash,
                                note=self.rng.choice(
                                    [
                                        "Vikarutgifter og frikjøp av ressurslærere",
                                        "Lokaler, reiser og materiell til samlinger",
                                        "Frikjøp av veiledere",
                                    ]
                                ),
                            )
                        )
                    in_kind = round_to(total - cash, 1_000) + 1_000
                    self.rows["cofinancing"].append(
                        dict(
                            year=year,
                            owner_id=self.oid(key),
                            kind="in_kind",
                            amount_nok=in_kind,
                            note=self.rng.choice(
                                [
                                    "Lærernes arbeidstid i skolebaserte utviklingsøkter",
                                    "Lærernes og skoleledernes arbeidstid (beregnet)",
                                    "Arbeidstid til nettverkssamlinger og kollegaveiledning",
                                ]
                            ),
                        )
                    )

    # -- confirmations -----------------------------------------------------------------------

    def confirmations(self) -> None:
        received: dict[tuple[int, str, str], int] = defaultdict(int)
        last_paid: dict[tuple[int, str, str], dt.date] = {}
        order: list[tuple[int, str, str]] = []
        for a in self.awards:
            who = ("o", a["_owner"]) if a["_owner"] else ("i", a["recipient_institution_id"])
            key = (a["year"], *who)
            if key not in received:
                order.append(key)
            received[key] += sum(v for _, v in self.paid[a["award_id"]])
            for date, _ in self.paid[a["award_id"]]:
                last_paid[key] = max(date, last_paid.get(key, date))
        for year, what, who in order:
            paid = received[(year, what, who)]
            if what == "o" and (who, year) == R6_MISSING:
                continue
            if paid == 0:
                continue  # 2021: nothing paid yet, nothing to confirm
            deadline = FRAMES[year]["reporting"]
            date = workday(
                plus(deadline, -self.rng.randrange(1, 40 if year < 2021 else 13)), back=True
            )
            assert date > last_paid[(year, what, who)], (year, who)
            repaid = 0
            if self.rng.random() < 0.2:
                repaid = round_to(paid * self.rng.uniform(0.02, 0.12), 100)
            self.rows["confirmations"].append(
                dict(
                    year=year,
                    recipient_owner_id=self.oid(who) if what == "o" else None,
                    recipient_institution_id=who if what == "i" else None,
                    received_date=date,
                    amount_used_nok=paid - repaid,
                    amount_repaid_nok=repaid,
                )
            )

    # -- projects and status reports -----------------------------------------------------

    def projects(self) -> None:
        plan = {  # year: forums with a project (a forum listed twice has two)
            2018: [
                "oslo",
                "oslo",
                "asker-baerum",
                "asker-baerum",
                "follo",
                "follo",
                "nedre-romerike",
                "nedre-romerike",
                "ovre-romerike",
                "friskoler",
            ],
            2019: [
                "oslo",
                "oslo",
                "asker-baerum",
                "nedre-romerike",
                "asker-baerum",
                "follo",
                "follo",
                "nedre-romerike",
                "ovre-romerike",
                "friskoler",
                "ovre-romerike",
            ],
            2020: [
                "oslo",
                "asker-baerum",
                "follo",
                "follo",
                "nedre-romerike",
                "nedre-romerike",
                "ovre-romerike",
                "ovre-romerike",
                "friskoler",
                "videregaende",
            ],
            2021: [
                "oslo",
                "oslo",
                "asker-baerum",
                "asker-baerum",
                "follo",
                "nedre-romerike",
                "nedre-romerike",
                "ovre-romerike",
                "friskoler",
                "friskoler",
                "videregaende",
            ],
        }
        used_titles: set[str] = set()
        cancelled = "P2019-09"
        for year, forums in plan.items():
            for i, forum_id in enumerate(forums, start=1):
                pid = f"P{year}-{i:02d}"
                start = workday(
                    {
                        2018: plus(d(2018, 10, 22), self.rng.randrange(0, 85)),
                        2019: plus(d(2019, 8, 12), self.rng.randrange(0, 50)),
                        2020: plus(d(2020, 8, 10), self.rng.randrange(0, 60)),
                        2021: plus(d(2021, 8, 9), self.rng.randrange(0, 45)),
                    }[year]
                )
                years_long = self.rng.choice([1, 2, 2, 3]) if pid != R7_PROJECT else 3
                end_year = start.year + years_long - (1 if start.month >= 8 else 0)
                planned_end = (
                    d(end_year, 6, 30) if self.rng.random() < 0.75 else d(end_year, 12, 15)
                )
                if planned_end <= plus(start, 300):
                    planned_end = d(planned_end.year + 1, 6, 30)
                if pid == R7_PROJECT:
                    planned_end = d(2022, 6, 30)
                candidates = [
                    k
                    for k in self.members[(year, forum_id)]
                    if (self.owners[k].active_to or 9999) >= planned_end.year
                    and (k, year) != R3_NO_NEEDS
                    and not self.owners[k].abroad
                ]
                lead = self.rng.choice(candidates)
                areas = self.primary_areas(lead)
                area = areas[0] if self.rng.random() < 0.7 else self.rng.choice(areas)
                insts = FORUM_INSTITUTIONS[forum_id][year]
                inst = (
                    "lesesenteret"
                    if area == "Lesing og skriving" and "lesesenteret" in insts
                    else self.rng.choice(insts)
                )
                place = self.owners[lead].name.replace(" kommune", "").replace(" fylkeskommune", "")
                title = ""
                for base in self.rng.sample(PROJECT_TITLES[area], len(PROJECT_TITLES[area])):
                    title = f"{base} – {place}"
                    if title not in used_titles:
                        break
                if title in used_titles:
                    title = f"{title} ({year})"
                used_titles.add(title)
                size = float(self.in_scope_fte(lead, year))
                years_run = max(1.0, (planned_end - start).days / 365)
                budget = round_to(
                    min(
                        8_000_000,
                        max(250_000, 60_000 * size**0.5 * years_run * self.rng.uniform(0.7, 1.3)),
                    ),
                    10_000,
                )
                school_based = self.rng.random() < 0.82
                self.rows["projects"].append(
                    dict(
                        project_id=pid,
                        title=title,
                        forum_id=forum_id,
                        lead_owner_id=self.oid(lead),
                        institution_id=inst,
                        development_area=area,
                        sector_goal=AREAS[area],
                        school_based=school_based,
                        start_date=start,
                        planned_end=planned_end,
                        budget_nok=budget,
                    )
                )
                self.status(pid, start, planned_end, budget, size, cancelled=pid == cancelled)

    def status(
        self,
        pid: str,
        start: dt.date,
        planned_end: dt.date,
        budget: int,
        size: float,
        cancelled: bool,
    ) -> None:
        """About one status report a quarter from the start to the end (or to
        AS_OF); spending never goes down."""
        rng = self.rng
        participants = min(600, max(8, round(size * rng.uniform(0.2, 0.5))))
        end = planned_end
        delayed = False
        covid = (d(2020, 3, 12), d(2020, 8, 31))
        duration = (planned_end - start).days
        spent = 0
        first = True
        if start.year == 2021 and rng.random() < 0.5:
            self.rows["status"].append(
                dict(
                    project_id=pid,
                    report_date=workday(plus(start, -rng.randrange(14, 30)), back=True),
                    status="planned",
                    spent_to_date_nok=0,
                    participants=participants,
                    note="Planlagt oppstart; skolene har meldt inn deltakere",
                )
            )
        date = workday(plus(start, rng.randrange(14, 36)))
        while date <= AS_OF:
            if pid == R7_PROJECT and date > d(2020, 10, 31):
                break  # no status reports after autumn 2020 although the project runs on
            if (
                covid[0] <= date <= covid[1]
                and not delayed
                and not cancelled
                and rng.random() < 0.45
            ):
                delayed = True
                end = plus(planned_end, rng.randrange(90, 180))
            if date >= end:
                status, note = (
                    "completed",
                    rng.choice(
                        [
                            "Sluttrapport levert; erfaringer delt i nettverket",
                            "Prosjektet avsluttet som planlagt",
                            "Avsluttet; videreføres i skolenes egne planer",
                        ]
                    ),
                )
            elif cancelled and date >= d(2020, 4, 1):
                status, note = (
                    "cancelled",
                    ("Avlyst: skolene prioriterte smittevern og fjernundervisning"),
                )
            elif delayed and covid[0] <= date <= covid[1]:
                status, note = (
                    "delayed",
                    rng.choice(
                        [
                            "Samlinger utsatt på grunn av koronapandemien",
                            "Skolebaserte økter utsatt; nedstengning våren 2020",
                        ]
                    ),
                )
            elif first:
                status, note = "started", "Oppstartssamling gjennomført"
            else:
                notes = [
                    "Nettverkssamlinger gjennomført som planlagt",
                    "Skolebaserte utviklingsøkter i gang på alle skoler",
                    "Veiledning fra UH-partner i gang",
                    "Arbeid i profesjonsfellesskapene på skolene",
                ]
                if date >= covid[0]:
                    notes.append("Digitale samlinger erstatter fysiske")
                status, note = "ongoing", rng.choice(notes)
            first = False
            if status == "completed":
                spent = max(spent, round_to(budget * rng.uniform(0.93, 1.02), 1_000))
            else:
                fraction = min(1.0, (date - start).days / duration)
                slow = 0.75 if delayed else 1.0
                spent = max(
                    spent, round_to(budget * fraction * slow * rng.uniform(0.85, 1.0), 1_000)
                )
            self.rows["status"].append(
                dict(
                    project_id=pid,
                    report_date=date,
                    status=status,
                    spent_to_date_nok=spent,
                    participants=max(1, round(participants * rng.uniform(0.92, 1.06))),
                    note=note,
                )
            )
            if status in ("completed", "cancelled"):
                break
            following = plus(date, rng.randrange(84, 98))
            if following >= end:
                following = plus(end, rng.randrange(3, 25))
            date = workday(following)

    # -- all -----------------------------------------------------------------------------

    def build(self) -> dict[str, list[dict[str, Any]]]:
        self.regions()
        self.municipalities()
        self.frames()
        self.institutions()
        self.make_owners()
        self.memberships()
        self.teacher_fte()
        self.needs()
        self.make_awards()
        self.payments()
        self.cofinancing()
        self.confirmations()
        self.projects()
        return self.rows


# --- Writing ------------------------------------------------------------------------


# Where a kind has two keys, the order that keeps a forum's (or a year's) rows together.
SORT_COLUMNS = {
    "memberships": ("year", "forum_id", "institution_id", "owner_id"),
    "confirmations": ("year", "recipient_institution_id", "recipient_owner_id"),
}


def sort_key(kind: str, row: dict[str, Any]) -> tuple:
    """Rows sorted by the kind's key(s); empty key cells sort first."""
    columns = list(SORT_COLUMNS.get(kind, ())) or [c for key in KINDS[kind].keys for c in key]
    seen: list[str] = []
    for c in columns:
        if c not in seen:
            seen.append(c)
    return tuple(
        (row[c] is not None, cell(row[c]) if not isinstance(row[c], int) else row[c]) for c in seen
    )


def render(kind: str, rows: list[dict[str, Any]]) -> str:
    columns = KINDS[kind].columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in sorted(rows, key=lambda r: sort_key(kind, r)):
        assert set(row) == set(columns), (kind, set(row) ^ set(columns))
        writer.writerow([cell(row[c]) for c in columns])
    return buffer.getvalue()


def write_all(rows: dict[str, list[dict[str, Any]]], out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind in KINDS:
        text = render(kind, rows[kind])
        (out / f"{kind}.csv").write_bytes(text.encode("utf-8"))
        counts[kind] = len(rows[kind])
    return counts


# --- Checking what was written ----------------------------------------------------------

# Tables that references point to: table -> (kind, its columns in the file).
TABLE_SOURCE = {
    "region": ("regions", ("region_id",)),
    "municipality": ("municipalities", ("knr",)),
    "institution": ("institutions", ("institution_id",)),
    "school_owner": ("owners", ("owner_id",)),
    "forum": ("forums", ("forum_id",)),
    "forum_year": ("forums", ("forum_id", "year")),
    "award": ("awards", ("award_id",)),
    "project": ("projects", ("project_id",)),
}


def check(out: Path) -> list[str]:
    """Read the files back and check them as the import would: types through
    the kinds' models, unique keys, references, owners active in the year."""
    problems: list[str] = []
    parsed: dict[str, list[Any]] = {}
    for kind, spec in KINDS.items():
        raw = (out / f"{kind}.csv").read_bytes()
        if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
            problems.append(f"{kind}: BOM or CR in file")
        with (out / f"{kind}.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != spec.columns:
                problems.append(f"{kind}: header {reader.fieldnames} != {spec.columns}")
            models = []
            for number, row in enumerate(reader, start=2):
                try:
                    models.append(spec.model.model_validate(row))
                except Exception as err:  # pydantic.ValidationError
                    problems.append(f"{kind} row {number}: {err}")
        parsed[kind] = models
        for key in spec.keys:
            values = [tuple(getattr(m, c) for c in key) for m in models]
            values = [v for v in values if None not in v]
            if len(values) != len(set(values)):
                problems.append(f"{kind}: duplicate key {key}")

    index = {
        table: {tuple(getattr(m, c) for c in cols) for m in parsed[kind]}
        for table, (kind, cols) in TABLE_SOURCE.items()
    }
    for kind, spec in KINDS.items():
        for ref in spec.refs:
            for m in parsed[kind]:
                value = tuple(getattr(m, c) for c in ref.columns)
                if None not in value and value not in index[ref.table]:
                    problems.append(f"{kind}: unknown {ref.table} {value}")
        if spec.owner_year:
            owners = {o.owner_id: o for o in parsed["owners"]}
            owner_col, year_col = spec.owner_year
            for m in parsed[kind]:
                o = owners.get(getattr(m, owner_col))
                year = getattr(m, year_col)
                if o and not o.active_from <= year <= (o.active_to or 9999):
                    problems.append(f"{kind}: {o.name} not active in {year}")
    munis = {m.knr: m for m in parsed["municipalities"]}
    for o in parsed["owners"]:
        if o.knr:
            m = munis[o.knr]
            if o.active_from > (m.valid_to or 9999) or (o.active_to or 9999) < m.valid_from:
                problems.append(f"owners: {o.name}: knr {o.knr} not valid while active")

    frames = {f.year: f for f in parsed["frames"]}
    if frames[2018].frame_nok != FRAME_2018:
        problems.append("frames: 2018 frame is not 39,700,000")
    total = sum(f.fte for f in parsed["fte"] if f.year == 2018 and f.school_level == "compulsory")
    if total != TOTAL_2018:
        problems.append(f"fte: 2018 compulsory total {total} != {TOTAL_2018}")
    for year, frame in frames.items():
        awarded = sum(a.amount_nok for a in parsed["awards"] if a.year == year)
        if awarded > frame.frame_nok:
            problems.append(f"awards: {year} awards {awarded} above the frame")
    awards = {a.award_id: a for a in parsed["awards"]}
    paid: dict[str, int] = defaultdict(int)
    for p in parsed["payments"]:
        paid[p.award_id] += p.amount_nok
        decided = awards[p.award_id].decision_date
        if decided and p.paid_date < decided:
            problems.append(f"payments: {p.payment_id} before the decision")
    for aid, amount in paid.items():
        if amount > awards[aid].amount_nok:
            problems.append(f"payments: award {aid} paid more than awarded")
    last: dict[str, Any] = {}
    for s in parsed["status"]:
        prev = last.get(s.project_id)
        if prev and s.spent_to_date_nok < prev.spent_to_date_nok:
            problems.append(f"status: {s.project_id} spending goes down")
        last[s.project_id] = s
    found = breaches(parsed)
    for rule, hits in found.items():
        if len(hits) != EXPECTED_BREACHES[rule]:
            problems.append(f"breaches: {rule} expected {EXPECTED_BREACHES[rule]}, found {hits}")
    return problems


# How many findings each rule must give on the demo: the planted breaches.
EXPECTED_BREACHES = {
    "R1": 1,
    "R2": 1,
    "R3 award": 1,
    "R3 nonparticipant": 1,
    "R4": 1,
    "R5": 1,
    "R6": 1,
    "R7": 1,
    "R10": 1,
}


def breaches(parsed: dict[str, list[Any]]) -> dict[str, list[str]]:
    """A plain reading of the rules in DOMAIN.md, to prove that the demo holds
    the planted breaches and no others. Not the app's compliance code."""
    found: dict[str, list[str]] = {rule: [] for rule in EXPECTED_BREACHES}
    frames = {f.year: f for f in parsed["frames"]}
    owners = {o.owner_id: o for o in parsed["owners"]}
    kinds = {i.institution_id: i.kind for i in parsed["institutions"]}
    members = {(m.year, m.forum_id, m.owner_id) for m in parsed["memberships"] if m.owner_id}
    member_years = {(m.year, m.owner_id) for m in parsed["memberships"] if m.owner_id}
    agreements = {(f.forum_id, f.year): f.agreement_date for f in parsed["forums"]}
    needs = {(n.year, n.owner_id) for n in parsed["needs"]}
    cofinanced: dict[tuple[int, str], int] = defaultdict(int)
    for c in parsed["cofinancing"]:
        cofinanced[(c.year, c.owner_id)] += c.amount_nok
    forum_total: dict[tuple[int, str], int] = defaultdict(int)
    forum_owners: dict[tuple[int, str], int] = defaultdict(int)
    received: dict[tuple[int, str], int] = defaultdict(int)
    for a in parsed["awards"]:
        forum_total[(a.year, a.forum_id)] += a.amount_nok
        if a.recipient_owner_id:
            forum_owners[(a.year, a.forum_id)] += a.amount_nok
            received[(a.year, a.recipient_owner_id)] += a.amount_nok
    for a in parsed["awards"]:
        o = owners.get(a.recipient_owner_id or "")
        frame = frames[a.year]
        if a.recipient_institution_id and kinds[a.recipient_institution_id] == "other_provider":
            found["R2"].append(a.award_id)
        if a.decision_date is None or a.decision_date < agreements[(a.forum_id, a.year)]:
            found["R10"].append(a.award_id)
        if o is None:
            continue
        if (a.year, a.forum_id, o.owner_id) not in members or (a.year, o.owner_id) not in needs:
            found["R3 award"].append(a.award_id)
        levels = {
            f.school_level
            for f in parsed["fte"]
            if f.owner_id == o.owner_id and f.year == a.year and f.fte > 0
        }
        if o.owner_type not in frame.owner_types_in_scope or not levels & set(
            frame.levels_in_scope
        ):
            found["R4"].append(a.award_id)
        # R1, both readings: 30 % of what the owner received, and 30 % of the
        # forum's whole grant shared pro rata to what each owner received.
        own = a.amount_nok
        share = forum_total[(a.year, a.forum_id)] * own / forum_owners[(a.year, a.forum_id)]
        if cofinanced[(a.year, o.owner_id)] < float(frame.cofinancing_rate) * min(own, share):
            found["R1"].append(f"{o.name} {a.year}")
    for f in parsed["fte"]:
        o = owners[f.owner_id]
        frame = frames[f.year]
        if (
            f.school_level in frame.levels_in_scope
            and o.owner_type in frame.owner_types_in_scope
            and (f.year, f.owner_id) not in member_years
        ):
            found["R3 nonparticipant"].append(f"{o.name} {f.year}")
    for n in parsed["needs"]:
        if n.received_date > frames[n.year].needs_deadline:
            found["R5"].append(n.report_id)
    paid: dict[tuple[int, str], int] = defaultdict(int)
    award_of = {a.award_id: a for a in parsed["awards"]}
    for pay in parsed["payments"]:
        a = award_of[pay.award_id]
        paid[(a.year, a.recipient_owner_id or a.recipient_institution_id)] += pay.amount_nok
    confirmed = {}
    for c in parsed["confirmations"]:
        confirmed[(c.year, c.recipient_owner_id or c.recipient_institution_id)] = c
    for year, who in paid:
        c = confirmed.get((year, who))
        if c is None or c.received_date > frames[year].reporting_deadline:
            found["R6"].append(f"{who} {year}")
    latest: dict[str, Any] = {}
    for s in parsed["status"]:
        latest[s.project_id] = s  # rows are sorted by report date
    for pr in parsed["projects"]:
        s = latest.get(pr.project_id)
        if s and s.status in ("completed", "cancelled"):
            continue
        stale = frames[max(frames)].stale_after_days
        if s is None or (AS_OF - s.report_date).days > stale:
            found["R7"].append(pr.project_id)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    rows = Builder(args.seed).build()
    counts = write_all(rows, args.out)
    problems = check(args.out)
    for kind, count in counts.items():
        print(f"{kind + '.csv':20} {count:6} rows")
    if problems:
        print(f"{len(problems)} problems:", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
