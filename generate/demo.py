"""The demo profile: the data set in data/demo/, Oslo og Akershus 2018-2021.

Built from the public figures in generate/reference.py (teacher FTE 2017-18,
the 2018 frame, the municipal reform) and filled in with plausible, invented
detail. Which figures are public, which are estimates and which rule breaches
are planted on purpose is described in data/README.md; demo_check.py proves
that the written files hold those breaches and no others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from generate.builder import Builder, Forum, Owner, Plan, agreement_window
from generate.common import d, plus, round_to, workday
from generate.reference import (
    COMPLETED_NOTE,
    INSTITUTIONS,
    ONGOING_NOTES,
    OSLO_ORGNR,
    PLANNED_NOTE,
    PROJECT_TITLES,
    REFERENCE,
    STARTED_NOTE,
)

SEED = 20180308  # the county governor's news page on the 2018 frame, 08.03.2018
OUT_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
REGION = "oslo-akershus"
REGION_SHORT = "Oslo og Akershus"
REGION_NAMES = [
    ("Fylkesmannen i Oslo og Akershus", 2016, 2018),
    ("Fylkesmannen i Oslo og Viken", 2019, 2020),
    ("Statsforvalteren i Oslo og Viken", 2021, 2023),
    ("Statsforvalteren i Østfold, Buskerud, Oslo og Akershus", 2024, None),
]
# The reference's per-municipality figures add up to 6,854.5 for Akershus,
# 0.1 above the published county total (6,854.4): rounding of the estimates.
# Take the 0.1 off the largest estimated figure so 2018 adds up to 12,331.4.
ROUNDING_FIX = {"0219": Decimal("-0.1")}
TOTAL_2018 = Decimal("12331.4")
# 2018 from the seed letter; the later frames are illustrative.
FRAMES = {2018: 39_700_000, 2019: 57_600_000, 2020: 60_100_000, 2021: 62_400_000}
INSTITUTION_IDS = ("hiof", "kompetansekurs", "lesesenteret", "nla", "nmbu", "oslomet", "uio", "usn")

# Partner institutions per forum (the first gets the larger part of the
# institutions' share). OsloMet, HiØ and NMBU are documented for 2018; UiO and
# USN are plausible. Lesesenteret joins Øvre Romerike in 2020 for a reading project.
FORUMS = [
    Forum("asker-baerum", "Asker og Bærum", REGION, 2018, ["oslomet", "usn"]),
    Forum("follo", "Follo", REGION, 2018, ["nmbu", "hiof"]),
    Forum("friskoler", "Friskoler i Oslo og Akershus", REGION, 2018, ["nla", "oslomet"]),
    Forum("nedre-romerike", "Nedre Romerike", REGION, 2018, ["oslomet", "nmbu"]),
    Forum("oslo", "Oslo", REGION, 2018, ["oslomet", "uio"]),
    Forum(
        "ovre-romerike", "Øvre Romerike", REGION, 2018, ["oslomet", "hiof"], ("lesesenteret", 2020)
    ),
    Forum(
        "videregaende", "Videregående opplæring (fylkeskommunen)", REGION, 2019, ["oslomet", "uio"]
    ),
]
FORUM_OF_COUNCIL = {
    "Follo": "follo",
    "Asker og Bærum": "asker-baerum",
    "Nedre Romerike": "nedre-romerike",
    "Øvre Romerike": "ovre-romerike",
    "Oslo": "oslo",
}
# Municipalities merged in 2020: the new municipality is a new owner, in the
# forum of its predecessors.
MERGERS = {
    "m3020": ("Nordre Follo kommune", "3020", ["m0213", "m0217"], "follo"),
    "m3025": ("Asker kommune", "3025", ["m0220", "royken", "hurum"], "asker-baerum"),
    "m3026": ("Aurskog-Høland kommune", "3026", ["m0221", "romskog"], "nedre-romerike"),
    "m3030": ("Lillestrøm kommune", "3030", ["m0226", "m0227", "m0231"], "nedre-romerike"),
}
MERGED_AWAY = {p for _, _, preds, _ in MERGERS.values() for p in preds}
# Røyken and Hurum (Buskerud) and Rømskog (Østfold) are not owners in the demo;
# their teacher FTE (illustrative estimates, 2019) is added to the merged owner.
OUTSIDE_PREDECESSORS = {"royken": Decimal("236.4"), "hurum": Decimal("112.8")}
OUTSIDE_PREDECESSORS["romskog"] = Decimal("9.6")

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
CANCELLED = "P2019-09"  # cancelled in the spring of 2020

# 2021 awards not (fully) paid by the end of 2021.
UNPAID_2021 = ("p-nes-1", "a-3")  # no payment yet: payment held for a revised plan
SECOND_INSTALMENT_PENDING_2021 = (("oslo", "oslomet"), ("follo", "nmbu"), ("videregaende", "uio"))

# --- Projects -------------------------------------------------------------------------
PROJECT_PLAN = {  # year: forums with a project (a forum listed twice has two)
    2018: "oslo oslo asker-baerum asker-baerum follo follo nedre-romerike nedre-romerike "
    "ovre-romerike friskoler",
    2019: "oslo oslo asker-baerum nedre-romerike asker-baerum follo follo nedre-romerike "
    "ovre-romerike friskoler ovre-romerike",
    2020: "oslo asker-baerum follo follo nedre-romerike nedre-romerike ovre-romerike "
    "ovre-romerike friskoler videregaende",
    2021: "oslo oslo asker-baerum asker-baerum follo nedre-romerike nedre-romerike "
    "ovre-romerike friskoler friskoler videregaende",
}
PROJECT_STARTS = {2018: (d(2018, 10, 22), 85), 2019: (d(2019, 8, 12), 50)}
PROJECT_STARTS |= {2020: (d(2020, 8, 10), 60), 2021: (d(2021, 8, 9), 45)}
COVID = (d(2020, 3, 12), d(2020, 8, 31))
COMPLETED_NOTES = [
    COMPLETED_NOTE,
    "Prosjektet avsluttet som planlagt",
    "Avsluttet; videreføres i skolenes egne planer",
]
DELAYED_NOTES = [
    "Samlinger utsatt på grunn av koronapandemien",
    "Skolebaserte økter utsatt; nedstengning våren 2020",
]


class DemoBuilder(Builder):
    YEARS = (2018, 2019, 2020, 2021)
    AS_OF = dt.date(2021, 12, 31)
    DIGITS: ClassVar[dict[str, int]] = {"needs": 3, "awards": 3, "payments": 3, "projects": 2}
    RENEWAL = ((2019, 2020), 0.25)

    def __init__(self, seed: int = SEED) -> None:
        super().__init__(seed)
        self.frame = {(year, REGION): frame for year, frame in FRAMES.items()}
        self.keyed: dict[str, Owner] = {}  # the owners by their readable key

    def build(self) -> dict[str, list[tuple[Any, ...]]]:
        for name, start, end in REGION_NAMES:
            self.add("regions", REGION, REGION_SHORT, name, start, end)
        self.municipalities()
        self.add_frames()
        for row in INSTITUTIONS:
            if row[0] in INSTITUTION_IDS:
                self.add("institutions", *row)
        self.make_owners()
        self.memberships()
        self.teacher_fte()
        self.entitlements()
        self.needs()
        self.make_awards()
        self.payments()
        self.cofinancing()
        self.confirmations()
        self.projects()
        return self.rows

    def agreement_day(self, year: int) -> dt.date:
        # The demo draws a day in every year's window and keeps its year's:
        # draws that its published bytes depend on.
        days = [
            plus(first, self.rng.randrange(n)) for first, n in map(agreement_window, self.YEARS)
        ]
        return workday(days[self.YEARS.index(year)])

    def municipalities(self) -> None:
        """The 2018 municipalities, their 2020 and 2024 successors."""
        seen: dict[str, tuple[str, int, int | None]] = {}
        for r in REFERENCE:
            knr18, knr20, knr24 = r["knr_2018"], r["knr_2020"], r["knr_2024"]
            if knr18 == "0301":
                seen[knr18] = (r["name_2018"], 1838, None)
                continue
            seen[knr18] = (r["name_2018"], 1838, 2019)
            seen[knr20] = (r["name_2020"], 2020, 2023)
            seen[knr24] = (r["name_2024"], 2024, None)
            if knr18 != knr20:
                self.add("successors", knr18, knr20, 2020)
        for knr20, knr24 in dict.fromkeys((r["knr_2020"], r["knr_2024"]) for r in REFERENCE):
            if knr20 != "0301":
                self.add("successors", knr20, knr24, 2024)
        for knr, (name, start, end) in seen.items():
            self.add("municipalities", knr, name, start, end, REGION)

    # -- owners, forums, FTE -------------------------------------------------------------

    def make_owners(self) -> None:
        """The 2018 municipalities, those formed in 2020, the county
        authorities and the private owners; Oslo kommune has its real number."""
        table = []  # key, name, type, knr, first and last year
        for r in REFERENCE:
            key, knr, name = "m" + r["knr_2018"], r["knr_2018"], f"{r['name_2018']} kommune"
            table.append(
                (key, name, "municipality", knr, 1838, 2019 if key in MERGED_AWAY else None)
            )
        table += [
            (k, name, "municipality", knr, 2020, None) for k, (name, knr, *_) in MERGERS.items()
        ]
        table.append(
            ("fk-akershus", "Akershus fylkeskommune", "county_authority", None, 2018, 2019)
        )
        table.append(("fk-viken", "Viken fylkeskommune", "county_authority", None, 2020, 2023))
        table += [(key, name, "private", knr, 2018, None) for key, name, knr, *_ in PRIVATE_OWNERS]
        table += [(key, name, "private", None, 2018, None) for key, name, _ in ABROAD_OWNERS]
        owners = [
            Owner("", name, kind, knr, REGION, kind == "private" and not knr, start, end, key=key)
            for key, name, kind, knr, start, end in table  # a private owner without knr is abroad
        ]
        next(o for o in owners if o.key == "m0301").owner_id = OSLO_ORGNR
        self.add_owners(owners)
        self.keyed = {o.key: o for o in owners}

    def memberships(self) -> None:
        """Municipalities in their regional council's forum, the county
        authority in Follo's (2018, out of scope: R4) then its own, private
        schools in theirs (those abroad from 2019); Hurdal is out in 2019 (R3)."""
        council = {"m" + r["knr_2018"]: FORUM_OF_COUNCIL[r["region_2018"]] for r in REFERENCE}
        council |= {key: forum for key, (*_, forum) in MERGERS.items()}
        for year in self.YEARS:
            for o in self.owners.values():
                if not o.active(year) or (o.key, year) == R3_NONPARTICIPANT:
                    continue
                if o.type == "municipality":
                    forum = council[o.key]
                elif o.type == "county_authority":
                    forum = "follo" if year == 2018 else "videregaende"
                elif o.abroad and year == 2018:
                    continue
                else:
                    forum = "friskoler"
                self.members.setdefault((year, forum), []).append(o.owner_id)
        self.forums = {f.forum_id: f for f in FORUMS}
        self.forum_years(0.38, 0.52)

    def teacher_fte(self) -> None:
        """2018 from the reference, split between each municipality and the
        private owners located there; later years drift by up to 2 %."""
        skoleporten = "skoleporten (GSI 2017-18)"
        estimate = "estimate (Akershus-totalen fordelt etter elevtall, SSB 2010)"
        split = "; fordelt mellom kommunen og friskolene: estimate"
        upper = "estimate (illustrativ; utenfor ordningen i 2018)"
        source_of = {
            r["knr_2018"]: skoleporten if r["fte_source"] == "skoleporten" else estimate
            for r in REFERENCE
        }
        private_by_knr: dict[str, Decimal] = defaultdict(Decimal)
        for _, _, knr, fte, _ in PRIVATE_OWNERS:
            private_by_knr[knr] += Decimal(fte)
        values: dict[tuple[str, str], Decimal] = {}
        sources: dict[tuple[str, str], str] = {}
        for r in REFERENCE:
            knr, key = r["knr_2018"], ("m" + r["knr_2018"], "compulsory")
            fte = Decimal(r["teacher_fte_2017_18"]) + ROUNDING_FIX.get(knr, 0)
            values[key] = fte - private_by_knr[knr]
            if knr == "0301":
                sources[key] = "skoleporten (GSI 2017-18, offentlige skoler i Oslo)"
                continue
            sources[key] = source_of[knr] + (split if private_by_knr[knr] else "")
            if knr in ROUNDING_FIX:
                sources[key] += "; justert -0,1 til fylkestotalen 6 854,4"
        for key, _, knr, fte, upper_fte in PRIVATE_OWNERS:
            values[(key, "compulsory")] = Decimal(fte)
            sources[(key, "compulsory")] = (
                "skoleporten (GSI 2017-18, private skoler i Oslo); fordelt på skoleeiere: estimate"
                if knr == "0301"
                else source_of[knr] + split
            )
            if upper_fte:
                values[(key, "upper_secondary")] = Decimal(upper_fte)
                sources[(key, "upper_secondary")] = upper
        for key, fte in COUNTY_UPPER_2018.items():
            values[(key, "upper_secondary")] = fte
            sources[(key, "upper_secondary")] = upper
        self.add_fte(2018, values, sources)

        for year in (2019, 2020, 2021):
            current: dict[tuple[str, str], Decimal] = {}
            for (key, level), fte in values.items():
                factor = Decimal(str(round(1 + self.rng.uniform(-0.02, 0.02), 4)))
                current[(key, level)] = (fte * factor).quantize(Decimal("0.1"))
            if year == 2019:
                for key, _, fte in ABROAD_OWNERS:
                    current[(key, "compulsory")] = Decimal(fte)
                for key, fte in OUTSIDE_PREDECESSORS.items():
                    current[(key, "compulsory")] = fte
            if year == 2020:
                for new, (_, _, preds, _) in MERGERS.items():
                    current[(new, "compulsory")] = sum(
                        (current.pop((p, "compulsory")) for p in preds), Decimal(0)
                    )
                upper_fte = current.pop(("fk-akershus", "upper_secondary"))
                current[("fk-viken", "upper_secondary")] = upper_fte
            sources = {}
            for key, level in current:
                source = "illustrativ framskriving"
                if year == 2020 and key in MERGERS:
                    source += "; summen av kommunene som ble slått sammen"
                if year == 2019 and key in self.keyed and self.keyed[key].abroad:
                    source = "estimate (illustrativ)"
                if key == "fk-viken":
                    source += "; skolene i tidligere Akershus"
                sources[(key, level)] = source
            self.add_fte(year, current, sources)
            values = current

    def add_fte(
        self, year: int, values: dict[tuple[str, str], Decimal], sources: dict[tuple[str, str], str]
    ) -> None:
        for (key, level), fte in values.items():
            o = self.keyed.get(key)
            if o is None:
                continue  # Røyken, Hurum, Rømskog: only summed into their successor
            o.fte[(year, level)] = fte
            self.add("fte", o.owner_id, year, level, fte, sources[(key, level)])

    # -- the hooks: planted breaches where the national profile draws --------------------

    def needs_count(self, year: int, o: Owner) -> int | None:
        if (o.key, year) == R3_NO_NEEDS:
            return None
        if o.type == "county_authority":
            return 2 if year >= 2020 else 1
        if o.key == "m0301":
            return 3 if year == 2021 else 2
        if year == 2021 and o.type == "municipality":
            return 1 + (self.rng.random() < 0.4)
        return 1

    def needs_received(self, year: int, o: Owner, date: dt.date) -> dt.date:
        if (o.key, year) == R5_LATE[:2]:
            return R5_LATE[2]
        assert date <= self.rules[year].needs
        return date

    def undated(self, year: int, o: Owner) -> bool:
        return (year, o.key) == R10_AWARD

    def forum_awards(self, year: int, forum_id: str) -> list[Plan]:
        plan, funds = self.owner_awards(year, forum_id)
        decision = self.decision[(forum_id, year)]
        if (year, forum_id) == R4_AWARD[:2]:
            plan.append(
                (year, forum_id, self.keyed[R4_AWARD[2]].owner_id, None, R4_AWARD[3], decision)
            )
        plan += self.institution_awards(year, forum_id, self.pot(year, forum_id, funds))
        if (year, forum_id) == R2_AWARD[:2]:
            plan.append((year, forum_id, None, R2_AWARD[2], R2_AWARD[3], decision))
        return plan

    def award_parts(self, plan: list[Plan]) -> list[int]:
        return [1] * len(plan)  # one decision per recipient and forum

    def payments(self) -> None:
        """One payment, or two instalments (60 % and the rest); a few 2021
        awards wait for a payment or for their second instalment."""
        rng = self.rng
        for a in self.awards:
            decided = a.decision or a.forum_decision
            key = self.owners[a.owner_id].key if a.owner_id else None
            if a.year == 2021 and key in UNPAID_2021:
                continue
            pending = (
                a.year == 2021 and (a.forum_id, a.institution_id) in SECOND_INSTALMENT_PENDING_2021
            )
            if pending or rng.random() < (0.3 if a.institution_id else 0.08):
                first = round_to(a.amount * 0.6, 1_000)
                parts = [(workday(plus(decided, rng.randrange(25, 60))), first)]
                if not pending:
                    # 2018: the rest before the confirmations of use (due 1 March 2019)
                    later = (60, 80) if a.year == 2018 else (150, 200)
                    parts.append((workday(plus(decided, rng.randrange(*later))), a.amount - first))
            else:
                parts = [(workday(plus(decided, rng.randrange(30, 92))), a.amount)]
            for date, value in parts:
                assert date <= self.AS_OF
                self.pay(a, date, value)

    def cofinancing_factor(self) -> float:
        return self.rng.uniform(1.05, 1.45)

    def planted_cofinancing(self, year: int, o: Owner, own: int) -> bool:
        if (o.key, year) != (R1_OWNER, R1_YEAR):
            return False
        amount = round_to(own * LORENSKOG_2019_RATE, 1_000)
        note = "Lærernes arbeidstid; færre lærere frikjøpt enn planlagt"
        self.add("cofinancing", year, o.owner_id, "in_kind", amount, note)
        return True

    def confirmed_on(self, year: int, owner_id: str | None, deadline: dt.date) -> dt.date | None:
        if owner_id and (self.owners[owner_id].key, year) == R6_MISSING:
            return None
        return workday(plus(deadline, -self.rng.randrange(1, 40 if year < 2021 else 13)), back=True)

    # -- projects and status reports -----------------------------------------------------

    def projects(self) -> None:
        rng = self.rng
        used_titles: set[str] = set()
        for year, forums in PROJECT_PLAN.items():
            for forum_id in forums.split():
                pid = self.next_id("projects", "P", year)
                # A start drawn in every year's window, its year's kept (as agreement_day).
                starts = [plus(first, rng.randrange(n)) for first, n in PROJECT_STARTS.values()]
                start = workday(starts[self.YEARS.index(year)])
                planned_end = self.planned_end(start, 3 if pid == R7_PROJECT else 0)
                if pid == R7_PROJECT:
                    planned_end = d(2022, 6, 30)
                candidates = [
                    self.owners[oid]
                    for oid in self.members[(year, forum_id)]
                    if (self.owners[oid].active_to or 9999) >= planned_end.year
                    and (self.owners[oid].key, year) != R3_NO_NEEDS
                    and not self.owners[oid].abroad
                ]
                lead = rng.choice(candidates)
                area = self.pick_area(lead)
                insts = self.forums[forum_id].partners(year)
                reading = area == "Lesing og skriving" and "lesesenteret" in insts
                iid = "lesesenteret" if reading else rng.choice(insts)
                title = ""
                for base in rng.sample(PROJECT_TITLES[area], len(PROJECT_TITLES[area])):
                    title = f"{base} – {lead.place}"
                    if title not in used_titles:
                        break
                if title in used_titles:
                    title = f"{title} ({year})"
                used_titles.add(title)
                size = float(self.in_scope(lead, year))
                budget = self.add_project(
                    pid, title, forum_id, lead, iid, area, start, planned_end, size
                )
                self.status(pid, start, planned_end, budget, size)

    def status(
        self, pid: str, start: dt.date, planned_end: dt.date, budget: int, size: float
    ) -> None:
        """About one status report a quarter from the start to the end (or to
        AS_OF); the pandemic delays some; spending never goes down."""
        rng = self.rng
        crowd = self.crowd(size)
        end, delayed, cancelled = planned_end, False, pid == CANCELLED
        duration = (planned_end - start).days
        spent, first = 0, True
        if start.year == 2021 and rng.random() < 0.5:
            date = workday(plus(start, -rng.randrange(14, 30)), back=True)
            self.add("status", pid, date, "planned", 0, crowd, PLANNED_NOTE)
        date = workday(plus(start, rng.randrange(14, 36)))
        while date <= self.AS_OF:
            if pid == R7_PROJECT and date > d(2020, 10, 31):
                break  # no status reports after autumn 2020 although the project runs on
            pandemic = COVID[0] <= date <= COVID[1]
            if pandemic and not delayed and not cancelled and rng.random() < 0.45:
                delayed = True
                end = plus(planned_end, rng.randrange(90, 180))
            if date >= end:
                status, note = "completed", rng.choice(COMPLETED_NOTES)
            elif cancelled and date >= d(2020, 4, 1):
                status, note = (
                    "cancelled",
                    "Avlyst: skolene prioriterte smittevern og fjernundervisning",
                )
            elif delayed and pandemic:
                status, note = "delayed", rng.choice(DELAYED_NOTES)
            elif first:
                status, note = "started", STARTED_NOTE
            else:
                online = ["Digitale samlinger erstatter fysiske"] if date >= COVID[0] else []
                notes = ONGOING_NOTES + online
                status, note = "ongoing", rng.choice(notes)
            first = False
            so_far = budget * min(1.0, (date - start).days / duration) * (0.75 if delayed else 1.0)
            spent = self.spending(spent, budget, status, so_far)
            self.report(pid, date, status, spent, crowd, note)
            if status in ("completed", "cancelled"):
                break
            following = plus(date, rng.randrange(84, 98))
            if following >= end:
                following = plus(end, rng.randrange(3, 25))
            date = workday(following)
