"""The rules R1-R10 on tiny hand-made frames: exact statuses, measured and
required values, and the words of the explanations. No database: the frames
have the columns and Python types ``core.data.facts.rules.rule_inputs`` gives
(DECIMAL as Decimal, DATE as datetime.date or None, nullable integers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.rules import common
from core.rules import compliance as c

REGION = "oslo-akershus"
AS_OF = dt.date(2022, 6, 30)

# Owners and institutions as in the demo data (organisation numbers as ids).
SKI = "981777778"
OPPEGARD = "952372394"
STEINER = "924522917"
AKERSHUS_FK = "936289827"
VIKEN_FK = "992441194"
HURDAL = "980782883"
NORDRE_FOLLO = "972942847"

OWNERS = {
    SKI: ("Ski kommune", "municipality"),
    OPPEGARD: ("Oppegård kommune", "municipality"),
    STEINER: ("Follo Steinerskole SA", "private"),
    AKERSHUS_FK: ("Akershus fylkeskommune", "county_authority"),
    VIKEN_FK: ("Viken fylkeskommune", "county_authority"),
    HURDAL: ("Hurdal kommune", "municipality"),
    NORDRE_FOLLO: ("Nordre Follo kommune", "municipality"),
}
INSTITUTIONS = {
    "oslomet": ("OsloMet – storbyuniversitetet", "public_uh"),
    "nla": ("NLA Høgskolen", "private_uh"),
    "lesesenteret": ("Nasjonalt senter for leseopplæring og leseforsking", "national_centre"),
    "kompetansekurs": ("Kompetansekurs AS", "other_provider"),
}
FORUMS = {"follo": "Follo", "romerike": "Romerike"}

# Column -> dtype, as the DuckDB queries in core.views return them.
YEAR_COLUMNS = {
    "year": "Int32",
    "region_id": "str",
    "frame_nok": "Int64",
    "cofinancing_rate": "object",
    "levels_in_scope": "object",
    "owner_types_in_scope": "object",
    "needs_deadline": "object",
    "reporting_deadline": "object",
    "stale_after_days": "Int32",
    "nonparticipant_policy": "str",
}
AWARD_COLUMNS = {
    "award_id": "str",
    "year": "Int32",
    "region_id": "str",
    "forum_id": "str",
    "forum_name": "str",
    "recipient_owner_id": "str",
    "recipient_institution_id": "str",
    "recipient_name": "str",
    "owner_type": "str",
    "institution_kind": "str",
    "amount_nok": "Int64",
    "decision_date": "object",
    "paid_nok": "Int64",
    "member_forum_id": "str",
    "has_needs_report": "boolean",
    "agreement_date": "object",
    "fte_in_scope": "object",
}
OWNER_COLUMNS = {
    "year": "Int64",
    "region_id": "str",
    "owner_id": "str",
    "owner_name": "str",
    "owner_type": "str",
    "fte": "object",
    "forum_id": "str",
}
COFINANCING_COLUMNS = {"year": "Int32", "owner_id": "str", "cash": "Int64", "in_kind": "Int64"}
NEEDS_COLUMNS = {
    "report_id": "str",
    "year": "Int32",
    "region_id": "str",
    "owner_id": "str",
    "owner_name": "str",
    "forum_id": "str",
    "received_date": "object",
    "development_area": "str",
}
CONFIRMATION_COLUMNS = {
    "year": "Int32",
    "recipient": "str",
    "received_date": "object",
    "amount_used_nok": "Int64",
    "amount_repaid_nok": "Int64",
}
PROJECT_COLUMNS = {
    "project_id": "str",
    "title": "str",
    "forum_id": "str",
    "forum_name": "str",
    "lead_owner_id": "str",
    "lead_owner_name": "str",
    "institution_id": "str",
    "institution_name": "str",
    "development_area": "str",
    "sector_goal": "str",
    "school_based": "boolean",
    "start_date": "object",
    "planned_end": "object",
    "budget_nok": "Int64",
    "status": "str",
    "last_report_date": "object",
    "spent_to_date_nok": "Int64",
    "spent_share": "float64",
    "participants": "Int32",
    "days_since_report": "Int64",
    "stale_after_days": "Int32",
    "stale": "boolean",
}


def _frame(rows: Iterable[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns)).astype(columns)


def _types(*types: str) -> np.ndarray:
    return np.array(types, dtype=object)


def years_frame() -> pd.DataFrame:
    """2018: grunnskole only, needs by 1 July; 2021: county authorities too,
    needs by 1 February, and the shares of non-participants held back."""
    return _frame(
        [
            {
                "year": 2018,
                "region_id": REGION,
                "frame_nok": 39_700_000,
                "cofinancing_rate": Decimal("0.3000"),
                "levels_in_scope": _types("compulsory"),
                "owner_types_in_scope": _types("municipality", "private"),
                "needs_deadline": dt.date(2018, 7, 1),
                "reporting_deadline": dt.date(2019, 3, 1),
                "stale_after_days": 180,
                "nonparticipant_policy": "redistribute",
            },
            {
                "year": 2021,
                "region_id": REGION,
                "frame_nok": 62_400_000,
                "cofinancing_rate": Decimal("0.3000"),
                "levels_in_scope": _types("compulsory", "upper_secondary"),
                "owner_types_in_scope": _types("municipality", "county_authority", "private"),
                "needs_deadline": dt.date(2021, 2, 1),
                "reporting_deadline": dt.date(2022, 1, 15),
                "stale_after_days": 180,
                "nonparticipant_policy": "withhold",
            },
        ],
        YEAR_COLUMNS,
    )


_SAME = object()  # member_forum defaults to the award's forum


def award(
    award_id: str,
    recipient: str,
    amount: int,
    *,
    year: int = 2018,
    forum: str = "follo",
    paid: int | None = None,
    decision: dt.date | None = _SAME,  # type: ignore[assignment]
    agreement: dt.date | None = _SAME,  # type: ignore[assignment]
    member_forum: str | None = _SAME,  # type: ignore[assignment]
    has_needs_report: bool = True,
    fte: Decimal | None = Decimal("100.0"),
) -> dict[str, Any]:
    """One award row: to an owner (by org number) or an institution (by id)."""
    row: dict[str, Any] = {
        "award_id": award_id,
        "year": year,
        "region_id": REGION,
        "forum_id": forum,
        "forum_name": FORUMS[forum],
        "amount_nok": amount,
        "paid_nok": amount if paid is None else paid,
        "decision_date": dt.date(year, 10, 1) if decision is _SAME else decision,
        "agreement_date": dt.date(year, 9, 18) if agreement is _SAME else agreement,
    }
    if recipient in OWNERS:
        name, owner_type = OWNERS[recipient]
        row |= {
            "recipient_owner_id": recipient,
            "recipient_institution_id": None,
            "recipient_name": name,
            "owner_type": owner_type,
            "institution_kind": None,
            "member_forum_id": forum if member_forum is _SAME else member_forum,
            "has_needs_report": has_needs_report,
            "fte_in_scope": fte,
        }
    else:
        name, kind = INSTITUTIONS[recipient]
        row |= {
            "recipient_owner_id": None,
            "recipient_institution_id": recipient,
            "recipient_name": name,
            "owner_type": None,
            "institution_kind": kind,
            "member_forum_id": None,
            "has_needs_report": False,
            "fte_in_scope": None,
        }
    return row


def owner_year(
    owner_id: str, *, year: int = 2018, fte: str = "100.0", forum: str | None = "follo"
) -> dict[str, Any]:
    name, owner_type = OWNERS[owner_id]
    return {
        "year": year,
        "region_id": REGION,
        "owner_id": owner_id,
        "owner_name": name,
        "owner_type": owner_type,
        "fte": Decimal(fte),
        "forum_id": forum,
    }


def cofin(owner_id: str, cash: int, in_kind: int, *, year: int = 2018) -> dict[str, Any]:
    return {"year": year, "owner_id": owner_id, "cash": cash, "in_kind": in_kind}


def needs(
    report_id: str,
    owner_id: str,
    received: dt.date,
    *,
    year: int | None = None,
    area: str = "Vurdering for læring",
    forum: str = "follo",
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "year": received.year if year is None else year,
        "region_id": REGION,
        "owner_id": owner_id,
        "owner_name": OWNERS[owner_id][0],
        "forum_id": forum,
        "received_date": received,
        "development_area": area,
    }


def confirmation(
    recipient: str, received: dt.date, used: int, repaid: int = 0, *, year: int = 2018
) -> dict[str, Any]:
    return {
        "year": year,
        "recipient": recipient,
        "received_date": received,
        "amount_used_nok": used,
        "amount_repaid_nok": repaid,
    }


def project(
    project_id: str,
    *,
    status: str = "ongoing",
    start: dt.date = dt.date(2021, 9, 1),
    last_report: dt.date | None = None,
    as_of: dt.date = AS_OF,
    forum: str = "follo",
    lead: str = NORDRE_FOLLO,
    budget: int = 1_000_000,
    school_based: bool = True,
    title: str | None = None,
) -> dict[str, Any]:
    """A project as ``core.views.projects`` gives it; days since the last
    report (or the start, if none) counted to ``as_of`` as the SQL does."""
    return {
        "project_id": project_id,
        "title": title or f"Lesing i alle fag {project_id}",
        "forum_id": forum,
        "forum_name": FORUMS[forum],
        "lead_owner_id": lead,
        "lead_owner_name": OWNERS[lead][0],
        "institution_id": "oslomet",
        "institution_name": INSTITUTIONS["oslomet"][0],
        "development_area": "Lesing",
        "sector_goal": "basic_skills",
        "school_based": school_based,
        "start_date": start,
        "planned_end": dt.date(start.year + 2, 6, 30),
        "budget_nok": budget,
        "status": status,
        "last_report_date": last_report,
        "spent_to_date_nok": 0,
        "spent_share": 0.0,
        "participants": None,
        "days_since_report": (as_of - (last_report or start)).days,
        "stale_after_days": 180,
        "stale": False,
    }


def make_inputs(
    *,
    as_of: dt.date = AS_OF,
    awards: Iterable[dict[str, Any]] = (),
    owners: Iterable[dict[str, Any]] = (),
    cofinancing: Iterable[dict[str, Any]] = (),
    needs_reports: Iterable[dict[str, Any]] = (),
    confirmations: Iterable[dict[str, Any]] = (),
    projects: Iterable[dict[str, Any]] = (),
) -> c.Inputs:
    return c.Inputs(
        as_of=as_of,
        years=years_frame(),
        awards=_frame(awards, AWARD_COLUMNS),
        owners_year=_frame(owners, OWNER_COLUMNS),
        cofinancing=_frame(cofinancing, COFINANCING_COLUMNS),
        needs=_frame(needs_reports, NEEDS_COLUMNS),
        confirmations=_frame(confirmations, CONFIRMATION_COLUMNS),
        projects=_frame(projects, PROJECT_COLUMNS),
    )


def text(value: str) -> str:
    """Babel writes no-break spaces in numbers and before %."""
    return value.replace("\u00a0", " ")


def only(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


# --- R1 co-financing ----------------------------------------------------------

# Follo 2018: 1 000 000 kr, of which 600 000 to two owners and 400 000 to OsloMet.
FOLLO_2018 = [
    award("T2018-001", SKI, 400_000),
    award("T2018-002", OPPEGARD, 200_000),
    award("T2018-003", "oslomet", 400_000),
]
FOLLO_2018_MEMBERS = [owner_year(SKI, fte="310.4"), owner_year(OPPEGARD, fte="265.0")]


def test_r1_forum_and_owners_that_meet_the_requirement() -> None:
    rows = c.r1_cofinancing(
        make_inputs(
            awards=FOLLO_2018,
            owners=FOLLO_2018_MEMBERS,
            cofinancing=[cofin(SKI, 50_000, 150_000), cofin(OPPEGARD, 0, 100_000)],
        )
    )
    assert len(rows) == 3
    forum = only(rows, subject_type="forum")
    assert forum["year"] == 2018
    assert forum["subject_id"] == "follo"
    assert forum["subject_name"] == "Follo"
    assert forum["forum_id"] == "follo"
    assert forum["owner_id"] is None
    assert (forum["status"], forum["measured"], forum["required"], forum["unit"]) == (
        "ok",
        "0.3000",
        "0.3000",
        "share",
    )
    assert text(forum["explanation"]) == (
        "Follo har egenfinansiering på 300 000 kr (30 % av tilskuddet på 1 000 000 kr); "
        "kravet er 30 %, 300 000 kr"
    )

    ski = only(rows, subject_type="owner", subject_id=SKI)
    # Ski got 2/3 of what the owners got, so it carries 200 000 of the 300 000;
    # that is 30 % of its part of the forum's grant, 666 667 kr.
    assert (ski["status"], ski["measured"], ski["required"], ski["unit"]) == (
        "ok",
        "0.3000",
        "0.3000",
        "share",
    )
    assert (ski["forum_id"], ski["owner_id"], ski["subject_name"]) == ("follo", SKI, "Ski kommune")
    assert text(ski["explanation"]) == (
        "Ski kommune har bidratt med 30 % egenfinansiering (50 000 kr kontant, "
        "150 000 kr naturalytelse) av sin andel av forumets tilskudd; kravet er 30 %"
    )
    oppegard = only(rows, subject_type="owner", subject_id=OPPEGARD)
    assert (oppegard["status"], oppegard["measured"]) == ("ok", "0.3000")
    assert "(0 kr kontant, 100 000 kr naturalytelse)" in text(oppegard["explanation"])


def test_r1_without_cofinancing_shows_each_owners_requirement_pro_rata() -> None:
    rows = c.r1_cofinancing(make_inputs(awards=FOLLO_2018, owners=FOLLO_2018_MEMBERS))
    forum = only(rows, subject_type="forum")
    assert (forum["status"], forum["measured"], forum["required"]) == ("breach", "0.0000", "0.3000")
    assert text(forum["explanation"]) == (
        "Follo har egenfinansiering på 0 kr (0 % av tilskuddet på 1 000 000 kr); "
        "kravet er 30 %, 300 000 kr, mangler 300 000 kr"
    )
    ski = only(rows, subject_type="owner", subject_id=SKI)
    oppegard = only(rows, subject_type="owner", subject_id=OPPEGARD)
    assert (ski["status"], ski["measured"]) == ("breach", "0.0000")
    assert text(ski["explanation"]).endswith("kravet er 30 %, mangler 200 000 kr")
    assert (oppegard["status"], oppegard["measured"]) == ("breach", "0.0000")
    assert text(oppegard["explanation"]).endswith("kravet er 30 %, mangler 100 000 kr")


def test_r1_forum_short_and_one_owner_short() -> None:
    rows = c.r1_cofinancing(
        make_inputs(
            awards=FOLLO_2018,
            owners=FOLLO_2018_MEMBERS,
            cofinancing=[cofin(SKI, 200_000, 0), cofin(OPPEGARD, 20_000, 30_000)],
        )
    )
    forum = only(rows, subject_type="forum")
    assert (forum["status"], forum["measured"]) == ("breach", "0.2500")
    assert text(forum["explanation"]) == (
        "Follo har egenfinansiering på 250 000 kr (25 % av tilskuddet på 1 000 000 kr); "
        "kravet er 30 %, 300 000 kr, mangler 50 000 kr"
    )
    ski = only(rows, subject_type="owner", subject_id=SKI)
    assert ski["status"] == "ok"
    assert "mangler" not in ski["explanation"]
    oppegard = only(rows, subject_type="owner", subject_id=OPPEGARD)
    # 50 000 of its 100 000: 50 000 / 333 333 kr of the forum's grant = 15 %.
    assert (oppegard["status"], oppegard["measured"], oppegard["required"]) == (
        "breach",
        "0.1500",
        "0.3000",
    )
    assert text(oppegard["explanation"]) == (
        "Oppegård kommune har bidratt med 15 % egenfinansiering (20 000 kr kontant, "
        "30 000 kr naturalytelse) av sin andel av forumets tilskudd; kravet er 30 %, "
        "mangler 50 000 kr"
    )


def test_r1_odd_split_uses_the_largest_remainder_and_adds_up_to_the_forum() -> None:
    """733 333 kr: three owners 200 000 each and OsloMet 133 333. The forum
    must add 219 999.9, rounded to 220 000 kr; a third each is 73 333.33, so
    one krone is left over and goes to the smallest id (Steiner)."""
    rows = c.r1_cofinancing(
        make_inputs(
            awards=[
                award("T2018-001", SKI, 200_000),
                award("T2018-002", OPPEGARD, 200_000),
                award("T2018-003", STEINER, 200_000),
                award("T2018-004", "oslomet", 133_333),
            ],
            owners=[owner_year(SKI), owner_year(OPPEGARD), owner_year(STEINER)],
        )
    )
    forum = only(rows, subject_type="forum")
    assert "kravet er 30 %, 220 000 kr, mangler 220 000 kr" in text(forum["explanation"])
    missing = {}
    for row in rows:
        if row["subject_type"] == "owner":
            explanation = text(row["explanation"])
            missing[row["subject_id"]] = int(
                explanation.rsplit("mangler ", 1)[1].removesuffix(" kr").replace(" ", "")
            )
    assert STEINER < OPPEGARD < SKI
    assert missing == {STEINER: 73_334, OPPEGARD: 73_333, SKI: 73_333}
    assert sum(missing.values()) == 220_000


def test_r1_member_without_award_counts_for_the_forum_but_has_no_owner_row() -> None:
    rows = c.r1_cofinancing(
        make_inputs(
            awards=FOLLO_2018,
            owners=[*FOLLO_2018_MEMBERS, owner_year(STEINER, fte="12.0")],
            cofinancing=[
                cofin(SKI, 0, 200_000),
                cofin(OPPEGARD, 0, 60_000),
                cofin(STEINER, 40_000, 0),
                # Another year's co-financing does not count for 2018.
                cofin(SKI, 500_000, 0, year=2021),
            ],
        )
    )
    forum = only(rows, subject_type="forum")
    assert (forum["status"], forum["measured"]) == ("ok", "0.3000")
    assert "egenfinansiering på 300 000 kr" in text(forum["explanation"])
    assert {r["subject_id"] for r in rows if r["subject_type"] == "owner"} == {SKI, OPPEGARD}
    assert only(rows, subject_id=OPPEGARD)["status"] == "breach"
    assert text(only(rows, subject_id=OPPEGARD)["explanation"]).endswith("mangler 40 000 kr")


def test_r1_one_row_per_forum_and_year() -> None:
    rows = c.r1_cofinancing(
        make_inputs(
            awards=[
                *FOLLO_2018,
                award("T2021-001", NORDRE_FOLLO, 500_000, year=2021),
                award("T2021-002", HURDAL, 100_000, year=2021, forum="romerike"),
            ],
            owners=[
                *FOLLO_2018_MEMBERS,
                owner_year(NORDRE_FOLLO, year=2021),
                owner_year(HURDAL, year=2021, forum="romerike"),
            ],
            cofinancing=[cofin(NORDRE_FOLLO, 150_000, 0, year=2021)],
        )
    )
    forums = [
        (r["year"], r["subject_id"], r["status"]) for r in rows if r["subject_type"] == "forum"
    ]
    assert forums == [
        (2018, "follo", "breach"),
        (2021, "follo", "ok"),
        (2021, "romerike", "breach"),
    ]
    hurdal = only(rows, subject_id=HURDAL)
    assert text(hurdal["explanation"]).endswith("mangler 30 000 kr")


# --- R2 eligible recipient ----------------------------------------------------


def test_r2_only_universities_colleges_and_centres() -> None:
    rows = c.r2_eligible_recipient(
        make_inputs(
            awards=[
                award("T2018-001", SKI, 400_000),
                award("T2018-002", "oslomet", 400_000),
                award("T2018-003", "nla", 100_000),
                award("T2018-004", "lesesenteret", 50_000),
                award("T2018-005", "kompetansekurs", 150_000),
            ]
        )
    )
    # Owner awards are not judged here.
    assert [r["subject_id"] for r in rows] == ["T2018-002", "T2018-003", "T2018-004", "T2018-005"]
    for row in rows:
        assert (row["rule_id"], row["subject_type"], row["year"]) == ("R2", "award", 2018)
        assert (row["required"], row["unit"], row["forum_id"]) == (
            "uh|nasjonalt senter|skoleeier",
            "kind",
            "follo",
        )
    oslomet = only(rows, subject_id="T2018-002")
    assert (oslomet["status"], oslomet["measured"]) == ("ok", "public_uh")
    assert oslomet["explanation"] == "OsloMet – storbyuniversitetet er en offentlig UH-institusjon"
    assert only(rows, subject_id="T2018-003")["status"] == "ok"
    assert only(rows, subject_id="T2018-004")["explanation"].endswith("er et nasjonalt senter")
    provider = only(rows, subject_id="T2018-005")
    assert (provider["status"], provider["measured"]) == ("breach", "other_provider")
    assert text(provider["explanation"]) == (
        "Kompetansekurs AS er en annen tilbyder; tildelingen T2018-005 på 150 000 kr går til "
        "en ekstern tilbyder, ikke til en skoleeier eller UH-institusjon"
    )


# --- R3 participation ---------------------------------------------------------


def test_r3_awards_to_members_with_needs_reports_only() -> None:
    rows = c.r3_participation(
        make_inputs(
            awards=[
                award("T2018-001", SKI, 400_000),
                award("T2018-002", HURDAL, 100_000, member_forum=None),
                award("T2018-003", OPPEGARD, 200_000, member_forum="romerike"),
                award("T2018-004", STEINER, 80_000, has_needs_report=False),
                award("T2018-005", AKERSHUS_FK, 90_000, member_forum=None, has_needs_report=False),
                award("T2018-006", "oslomet", 400_000),
            ],
            owners=[owner_year(SKI), owner_year(OPPEGARD, forum="romerike"), owner_year(STEINER)],
        )
    )
    awards = [r for r in rows if r["subject_type"] == "award"]
    assert [r["subject_id"] for r in awards] == [f"T2018-00{i}" for i in range(1, 6)]
    ok = only(awards, subject_id="T2018-001")
    assert (ok["status"], ok["measured"], ok["required"], ok["unit"]) == (
        "ok",
        "deltar",
        "medlem og behovsmelding",
        "text",
    )
    assert ok["explanation"] == "Ski kommune er med i forumet og har meldt behov"
    assert (ok["forum_id"], ok["owner_id"]) == ("follo", SKI)

    outside = only(awards, subject_id="T2018-002")
    assert (outside["status"], outside["measured"]) == (
        "breach",
        "er ikke medlem av noe samarbeidsforum",
    )
    assert text(outside["explanation"]) == (
        "Hurdal kommune fikk 100 000 kr (T2018-002), men er ikke medlem av noe samarbeidsforum"
    )
    other = only(awards, subject_id="T2018-003")
    assert other["status"] == "breach"
    assert other["measured"] == "er medlem av et annet forum (romerike)"
    no_needs = only(awards, subject_id="T2018-004")
    assert (no_needs["status"], no_needs["measured"]) == ("breach", "har ikke meldt behov for 2018")
    both = only(awards, subject_id="T2018-005")
    assert both["measured"] == (
        "er ikke medlem av noe samarbeidsforum; har ikke meldt behov for 2018"
    )
    assert both["explanation"].endswith(
        "men er ikke medlem av noe samarbeidsforum og har ikke meldt behov for 2018"
    )
    # Owners in a forum, and owners that got an award, get no owner row.
    assert [r for r in rows if r["subject_type"] == "owner"] == []


def test_r3_nonparticipant_warning_follows_the_years_policy() -> None:
    rows = c.r3_participation(
        make_inputs(
            owners=[
                owner_year(SKI),
                owner_year(HURDAL, fte="50.5", forum=None),
                # Outside the 2018 scope: no FTE in the key, no warning.
                owner_year(AKERSHUS_FK, fte="0.0", forum=None),
                owner_year(HURDAL, year=2021, fte="52.0", forum=None),
                owner_year(NORDRE_FOLLO, year=2021, fte="610.3"),
            ]
        )
    )
    assert [(r["year"], r["subject_id"]) for r in rows] == [(2018, HURDAL), (2021, HURDAL)]
    for row in rows:
        assert (row["rule_id"], row["subject_type"], row["status"]) == ("R3", "owner", "warning")
        assert (row["measured"], row["required"], row["owner_id"]) == (
            "deltar ikke",
            "deltar",
            HURDAL,
        )
        assert row["forum_id"] is None
    assert text(rows[0]["explanation"]) == (
        "Hurdal kommune deltar ikke i 2018 og får ingen midler; "
        "andelen for 50,5 lærerårsverk omfordeles til de andre"
    )
    assert text(rows[1]["explanation"]) == (
        "Hurdal kommune deltar ikke i 2021 og får ingen midler; "
        "andelen for 52,0 lærerårsverk holdes tilbake"
    )


# --- R4 scope of the year -----------------------------------------------------


def test_r4_each_year_has_its_own_scope() -> None:
    rows = c.r4_scope(
        make_inputs(
            awards=[
                award("T2018-001", AKERSHUS_FK, 300_000, fte=Decimal("0.0")),
                award("T2018-002", SKI, 400_000),
                award("T2018-003", STEINER, 80_000, fte=Decimal("14.5")),
                award("T2021-001", VIKEN_FK, 300_000, year=2021, fte=Decimal("2410.7")),
                award("T2021-002", "oslomet", 400_000, year=2021),
            ]
        )
    )
    assert [r["subject_id"] for r in rows] == ["T2018-001", "T2018-002", "T2018-003", "T2021-001"]
    county = only(rows, subject_id="T2018-001")
    assert (county["status"], county["measured"], county["required"], county["unit"]) == (
        "breach",
        "county_authority",
        "municipality+private",
        "owner_type",
    )
    assert text(county["explanation"]) == (
        "Akershus fylkeskommune (fylkeskommune) er utenfor ordningen i 2018; "
        "bare kommune, privat kan få midler (T2018-001, 300 000 kr)"
    )
    assert only(rows, subject_id="T2018-002")["status"] == "ok"
    private = only(rows, subject_id="T2018-003")
    assert (private["status"], private["measured"]) == ("ok", "private")
    assert private["explanation"] == "Follo Steinerskole SA er innenfor årets omfang"
    county_2021 = only(rows, subject_id="T2021-001")
    assert (county_2021["status"], county_2021["required"]) == (
        "ok",
        "municipality+county_authority+private",
    )
    assert county_2021["explanation"] == "Viken fylkeskommune er innenfor årets omfang"


@pytest.mark.parametrize("fte", [Decimal("0.0"), None], ids=["zero", "none"])
def test_r4_owner_in_scope_without_fte_is_a_warning(fte: Decimal | None) -> None:
    rows = c.r4_scope(make_inputs(awards=[award("T2018-001", SKI, 400_000, fte=fte)]))
    row = only(rows, subject_id="T2018-001")
    assert (row["status"], row["measured"], row["owner_id"]) == ("warning", "municipality", SKI)
    assert row["explanation"] == ("Ski kommune har ingen lærerårsverk innenfor årets omfang i 2018")


# --- R5 needs report deadline -------------------------------------------------


def test_r5_deadline_of_each_year() -> None:
    rows = c.r5_needs_deadline(
        make_inputs(
            needs_reports=[
                needs("N2018-001", SKI, dt.date(2018, 7, 1)),
                needs("N2018-002", OPPEGARD, dt.date(2018, 7, 2)),
                needs("N2018-003", STEINER, dt.date(2018, 8, 1)),
                needs("N2021-001", NORDRE_FOLLO, dt.date(2021, 2, 1)),
                # Before 2018's 1 July, but after 2021's own deadline.
                needs("N2021-002", HURDAL, dt.date(2021, 6, 15), forum="romerike"),
            ]
        )
    )
    on_time = only(rows, subject_id="N2018-001")
    assert (on_time["status"], on_time["measured"], on_time["required"], on_time["unit"]) == (
        "ok",
        "2018-07-01",
        "2018-07-01",
        "date",
    )
    assert on_time["subject_type"] == "needs_report"
    assert (
        on_time["explanation"] == "Behovsmeldingen fra Ski kommune kom innen fristen 1. juli 2018"
    )
    one_day = only(rows, subject_id="N2018-002")
    assert (one_day["status"], one_day["measured"], one_day["required"]) == (
        "breach",
        "2018-07-02",
        "2018-07-01",
    )
    assert one_day["explanation"] == (
        "Behovsmeldingen fra Oppegård kommune (N2018-002) kom 2. juli 2018, "
        "1 dag etter fristen 1. juli 2018"
    )
    month = only(rows, subject_id="N2018-003")
    assert month["explanation"].endswith("31 dager etter fristen 1. juli 2018")
    assert only(rows, subject_id="N2021-001")["status"] == "ok"
    assert only(rows, subject_id="N2021-001")["required"] == "2021-02-01"
    late_2021 = only(rows, subject_id="N2021-002")
    assert (late_2021["status"], late_2021["required"], late_2021["forum_id"]) == (
        "breach",
        "2021-02-01",
        "romerike",
    )
    assert late_2021["explanation"].endswith("134 dager etter fristen 1. februar 2021")


# --- R6 use confirmed ---------------------------------------------------------


def test_r6_confirmations_against_the_reporting_deadline() -> None:
    rows = c.r6_use_confirmed(
        make_inputs(
            awards=[
                award("T2018-001", SKI, 400_000),
                award("T2018-002", OPPEGARD, 200_000),
                award("T2018-003", STEINER, 150_000),
                award("T2018-004", HURDAL, 100_000, paid=0, forum="romerike"),
                award("T2018-005", "oslomet", 400_000),
                award("T2021-001", NORDRE_FOLLO, 500_000, year=2021),
            ],
            confirmations=[
                confirmation(SKI, dt.date(2019, 3, 1), 400_000),
                confirmation(OPPEGARD, dt.date(2019, 3, 11), 200_000),
                confirmation("oslomet", dt.date(2019, 2, 20), 380_000, 20_000),
                confirmation(NORDRE_FOLLO, dt.date(2022, 1, 20), 500_000, year=2021),
            ],
        )
    )
    # One row per recipient and year, in the order of the recipients' ids.
    assert [(r["year"], r["subject_id"]) for r in rows] == [
        (2018, STEINER),
        (2018, OPPEGARD),
        (2018, HURDAL),
        (2018, SKI),
        (2018, "oslomet"),
        (2021, NORDRE_FOLLO),
    ]
    ok = only(rows, subject_id=SKI)
    assert (ok["status"], ok["measured"], ok["required"], ok["unit"]) == (
        "ok",
        "2019-03-01",
        "2019-03-01",
        "date",
    )
    assert (ok["subject_type"], ok["owner_id"], ok["forum_id"]) == ("owner", SKI, "follo")
    assert ok["explanation"] == "Ski kommune bekreftet bruken for 2018 1. mars 2019"
    late = only(rows, subject_id=OPPEGARD)
    assert (late["status"], late["measured"]) == ("breach", "2019-03-11")
    assert late["explanation"] == (
        "Oppegård kommune bekreftet bruken av midlene for 2018 11. mars 2019, "
        "10 dager etter fristen 1. mars 2019"
    )
    missing = only(rows, subject_id=STEINER)
    assert (missing["status"], missing["measured"], missing["required"]) == (
        "breach",
        None,
        "2019-03-01",
    )
    assert text(missing["explanation"]) == (
        "Follo Steinerskole SA har ikke bekreftet bruken av 150 000 kr for 2018; "
        "fristen var 1. mars 2019"
    )
    unpaid = only(rows, subject_id=HURDAL)
    assert (unpaid["status"], unpaid["measured"]) == ("not_applicable", None)
    assert unpaid["explanation"] == "Ingenting er utbetalt til Hurdal kommune for 2018 ennå"
    institution = only(rows, subject_id="oslomet")
    assert (institution["status"], institution["subject_type"], institution["owner_id"]) == (
        "ok",
        "institution",
        None,
    )
    late_2021 = only(rows, subject_id=NORDRE_FOLLO)
    assert (late_2021["status"], late_2021["required"]) == ("breach", "2022-01-15")
    assert late_2021["explanation"].endswith("5 dager etter fristen 15. januar 2022")


@pytest.mark.parametrize(
    ("as_of", "status"),
    [(dt.date(2022, 1, 15), "not_applicable"), (dt.date(2022, 1, 16), "breach")],
    ids=["on-the-deadline", "day-after"],
)
def test_r6_missing_confirmation_is_due_only_after_the_deadline(
    as_of: dt.date, status: str
) -> None:
    rows = c.r6_use_confirmed(
        make_inputs(as_of=as_of, awards=[award("T2021-001", NORDRE_FOLLO, 500_000, year=2021)])
    )
    row = only(rows, subject_id=NORDRE_FOLLO)
    assert (row["status"], row["measured"], row["required"]) == (status, None, "2022-01-15")
    if status == "not_applicable":
        assert row["explanation"] == (
            "Bekreftelsen fra Nordre Follo kommune for 2021 har frist 15. januar 2022"
        )
    else:
        assert "har ikke bekreftet bruken av 500 000 kr for 2021" in text(row["explanation"])


def test_r6_unaccounted_funds_are_a_warning() -> None:
    """Two awards to one recipient are paid 600 000 together; 450 000 used
    and 50 000 repaid leave 100 000 unaccounted for."""
    awards = [award("T2018-001", SKI, 400_000), award("T2018-002", SKI, 200_000)]
    rows = c.r6_use_confirmed(
        make_inputs(
            awards=awards, confirmations=[confirmation(SKI, dt.date(2019, 2, 1), 450_000, 50_000)]
        )
    )
    row = only(rows, subject_id=SKI)
    assert (row["status"], row["measured"], row["required"]) == (
        "warning",
        "2019-02-01",
        "2019-03-01",
    )
    assert text(row["explanation"]) == (
        "Ski kommune har gjort rede for 500 000 kr av 600 000 kr utbetalt for 2018; "
        "100 000 kr er verken brukt eller tilbakebetalt"
    )
    repaid = c.r6_use_confirmed(
        make_inputs(
            awards=awards, confirmations=[confirmation(SKI, dt.date(2019, 2, 1), 450_000, 150_000)]
        )
    )
    assert only(repaid, subject_id=SKI)["status"] == "ok"


def test_r6_one_day_late_says_dag() -> None:
    rows = c.r6_use_confirmed(
        make_inputs(
            awards=[award("T2018-001", SKI, 400_000)],
            confirmations=[confirmation(SKI, dt.date(2019, 3, 2), 400_000)],
        )
    )
    row = only(rows, subject_id=SKI)
    assert row["status"] == "breach"
    assert row["explanation"].endswith("1 dag etter fristen 1. mars 2019")


# --- R7 status updates --------------------------------------------------------


def test_r7_stale_after_the_limit() -> None:
    projects = [
        project("P-181", last_report=AS_OF - dt.timedelta(days=181), title="Lesing i Follo"),
        project("P-180", last_report=AS_OF - dt.timedelta(days=180), status="delayed"),
        project("P-started", status="started", last_report=AS_OF - dt.timedelta(days=3)),
        # Planned with no report yet: counted from the start.
        project("P-planned", status="planned", start=dt.date(2021, 12, 1)),
        # Not running, or not started yet: no row.
        project("P-done", status="completed", last_report=dt.date(2020, 6, 30)),
        project("P-cancelled", status="cancelled", last_report=dt.date(2020, 1, 10)),
        project("P-future", status="planned", start=dt.date(2022, 8, 15)),
    ]
    rows = c.r7_status_updates(make_inputs(projects=projects))
    assert [r["subject_id"] for r in rows] == ["P-181", "P-180", "P-started", "P-planned"]
    stale = only(rows, subject_id="P-181")
    assert (stale["year"], stale["subject_type"], stale["subject_name"]) == (
        2021,
        "project",
        "Lesing i Follo",
    )
    assert (stale["status"], stale["measured"], stale["required"], stale["unit"]) == (
        "breach",
        "181",
        "180",
        "days",
    )
    assert (stale["forum_id"], stale["owner_id"]) == ("follo", NORDRE_FOLLO)
    assert stale["explanation"] == (
        "Prosjektet «Lesing i Follo» har ikke rapportert status på 181 dager "
        "(siden 31. desember 2021); grensen er 180 dager"
    )
    fresh = only(rows, subject_id="P-180")
    assert (fresh["status"], fresh["measured"]) == ("ok", "180")
    assert fresh["explanation"] == (
        "Prosjektet «Lesing i alle fag P-180» rapporterte status for 180 dager siden"
    )
    assert only(rows, subject_id="P-started")["status"] == "ok"
    planned = only(rows, subject_id="P-planned")
    assert (planned["status"], planned["measured"]) == ("breach", "211")
    assert "(siden oppstart)" in planned["explanation"]


def test_r7_a_project_starting_on_the_date_is_judged() -> None:
    rows = c.r7_status_updates(
        make_inputs(projects=[project("P-today", status="planned", start=AS_OF)])
    )
    assert [(r["subject_id"], r["status"], r["measured"]) for r in rows] == [("P-today", "ok", "0")]


def test_r7_reported_one_day_ago_says_dag() -> None:
    rows = c.r7_status_updates(
        make_inputs(projects=[project("P1", last_report=AS_OF - dt.timedelta(days=1))])
    )
    row = only(rows, subject_id="P1")
    assert (row["status"], row["measured"]) == ("ok", "1")
    assert row["explanation"].endswith("rapporterte status for 1 dag siden")


# --- R8 school-based, R9 long-term (indicators) -------------------------------


def test_r8_share_of_school_based_budget_per_forum_and_start_year() -> None:
    projects = [
        # Follo 2021: 600 000 of 1 000 000 school-based.
        project("P1", budget=600_000, school_based=True),
        project("P2", budget=400_000, school_based=False),
        # Romerike 2021: 400 000 of 1 000 000.
        project("P3", forum="romerike", lead=HURDAL, budget=400_000, school_based=True),
        project("P4", forum="romerike", lead=HURDAL, budget=600_000, school_based=False),
        # Follo 2018: exactly half.
        project("P5", start=dt.date(2018, 10, 1), budget=500_000, school_based=True),
        project("P6", start=dt.date(2018, 11, 1), budget=500_000, school_based=False),
    ]
    rows = c.r8_school_based(make_inputs(projects=projects))
    summary = [(r["year"], r["subject_id"], r["status"], r["measured"]) for r in rows]
    assert summary == [
        (2018, "follo", "ok", "0.5000"),
        (2021, "follo", "ok", "0.6000"),
        (2021, "romerike", "warning", "0.4000"),
    ]
    for row in rows:
        assert (row["rule_id"], row["subject_type"], row["required"], row["unit"]) == (
            "R8",
            "forum",
            "0.5000",
            "share",
        )
    assert text(rows[2]["explanation"]) == (
        "40 % av budsjettet til prosjektene Romerike startet i 2021 er skolebasert "
        "(400 000 kr av 1 000 000 kr)"
    )
    assert text(rows[0]["explanation"]).startswith("50 % av budsjettet")


def test_r9_share_of_areas_carried_over_from_the_year_before() -> None:
    def reports(owner: str, year: int, areas: list[str]) -> list[dict[str, Any]]:
        return [
            needs(f"N{year}-{owner[-3:]}-{i}", owner, dt.date(year, 1, 20), area=area)
            for i, area in enumerate(areas)
        ]

    rows = c.r9_long_term(
        make_inputs(
            needs_reports=[
                *reports(SKI, 2020, ["Lesing", "Regning"]),
                *reports(SKI, 2021, ["Lesing", "Regning", "Inkludering"]),
                *reports(OPPEGARD, 2020, ["Lesing", "Vurdering"]),
                *reports(OPPEGARD, 2021, ["Lesing", "Inkludering"]),
                *reports(STEINER, 2020, ["Lesing"]),
                *reports(STEINER, 2021, ["Lesing", "Regning", "Inkludering"]),
                # No report the year before: no row.
                *reports(HURDAL, 2021, ["Lesing"]),
            ]
        )
    )
    summary = {(r["subject_id"], r["year"]): (r["status"], r["measured"]) for r in rows}
    assert summary == {
        (SKI, 2021): ("ok", "0.6667"),
        (OPPEGARD, 2021): ("ok", "0.5000"),
        (STEINER, 2021): ("warning", "0.3333"),
    }
    ski = only(rows, subject_id=SKI)
    assert (ski["required"], ski["unit"], ski["forum_id"], ski["owner_id"]) == (
        "0.5000",
        "share",
        "follo",
        SKI,
    )
    assert text(ski["explanation"]) == (
        "Ski kommune videreførte 2 av 3 utviklingsområder fra 2020 til 2021 (67 %)"
    )
    assert text(only(rows, subject_id=STEINER)["explanation"]).endswith(
        "videreførte 1 av 3 utviklingsområder fra 2020 til 2021 (33 %)"
    )


# --- R10 forum decision -------------------------------------------------------


def test_r10_awards_rest_on_the_forums_agreement() -> None:
    rows = c.r10_forum_decision(
        make_inputs(
            awards=[
                award("T2018-001", SKI, 400_000, decision=dt.date(2018, 10, 1)),
                award("T2018-002", OPPEGARD, 200_000, decision=dt.date(2018, 9, 18)),
                award("T2018-003", STEINER, 80_000, decision=None),
                award("T2018-004", "oslomet", 400_000, decision=dt.date(2018, 9, 1)),
                award("T2018-005", HURDAL, 100_000, forum="romerike", agreement=None),
            ]
        )
    )
    assert [r["subject_id"] for r in rows] == [f"T2018-00{i}" for i in range(1, 6)]
    after = only(rows, subject_id="T2018-001")
    assert (after["status"], after["measured"], after["required"], after["unit"]) == (
        "ok",
        "2018-10-01",
        "2018-09-18",
        "date",
    )
    assert (
        after["explanation"] == "Tildelingen T2018-001 bygger på forumets avtale 18. september 2018"
    )
    same_day = only(rows, subject_id="T2018-002")
    assert (same_day["status"], same_day["measured"]) == ("ok", "2018-09-18")
    no_date = only(rows, subject_id="T2018-003")
    assert (no_date["status"], no_date["measured"], no_date["required"]) == (
        "breach",
        None,
        "2018-09-18",
    )
    assert no_date["explanation"] == (
        "Tildelingen T2018-003 til Follo Steinerskole SA har ingen vedtaksdato"
    )
    before = only(rows, subject_id="T2018-004")
    assert (before["status"], before["measured"], before["owner_id"]) == (
        "breach",
        "2018-09-01",
        None,
    )
    assert before["explanation"] == (
        "Tildelingen T2018-004 ble vedtatt 1. september 2018, før forumets avtale "
        "18. september 2018"
    )
    no_agreement = only(rows, subject_id="T2018-005")
    assert (no_agreement["status"], no_agreement["measured"], no_agreement["required"]) == (
        "breach",
        "2018-10-01",
        None,
    )
    assert no_agreement["explanation"] == (
        "Tildelingen T2018-005 til Hurdal kommune har ingen avtale i samarbeidsforumet "
        "for 2018 å bygge på"
    )


# --- evaluate -----------------------------------------------------------------


def full_inputs() -> c.Inputs:
    """A little of everything, in both years, in no particular order."""
    return make_inputs(
        awards=[
            award("T2021-001", NORDRE_FOLLO, 500_000, year=2021, decision=None),
            *FOLLO_2018,
            award("T2018-004", "kompetansekurs", 150_000),
            award("T2018-005", AKERSHUS_FK, 100_000, member_forum=None, fte=Decimal("0.0")),
        ],
        owners=[
            *FOLLO_2018_MEMBERS,
            owner_year(HURDAL, fte="50.5", forum=None),
            owner_year(NORDRE_FOLLO, year=2021, fte="610.3"),
        ],
        cofinancing=[cofin(SKI, 0, 200_000), cofin(NORDRE_FOLLO, 150_000, 0, year=2021)],
        needs_reports=[
            needs("N2021-001", NORDRE_FOLLO, dt.date(2021, 2, 3)),
            needs("N2018-001", SKI, dt.date(2018, 6, 20)),
            needs("N2018-002", OPPEGARD, dt.date(2018, 7, 4)),
        ],
        confirmations=[confirmation(SKI, dt.date(2019, 2, 1), 400_000)],
        projects=[
            project("P1", last_report=AS_OF - dt.timedelta(days=30)),
            project("P2", last_report=AS_OF - dt.timedelta(days=200), school_based=False),
        ],
    )


def test_evaluate_columns_and_order() -> None:
    result = c.evaluate(full_inputs())
    assert list(result.columns) == c.COLUMNS
    assert set(result["rule_id"]) == {f"R{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 10)}
    assert set(result["status"]) <= set(c.STATUSES)
    # Sorted by year, then by rule number (R10 after R9, not after R1), then
    # status with breaches first, then subject.
    keys = [
        (int(r.year), int(r.rule_id[1:]), c.STATUSES.index(r.status), r.subject_type, r.subject_id)
        for r in result.itertuples()
    ]
    assert keys == sorted(keys)
    assert result["year"].is_monotonic_increasing
    for (_, _), group in result.groupby(["year", "rule_id"]):
        statuses = list(group["status"])
        if "breach" in statuses and "ok" in statuses:
            last_breach = max(i for i, s in enumerate(statuses) if s == "breach")
            first_ok = statuses.index("ok")
            assert last_breach < first_ok
    r5 = result[result["rule_id"] == "R5"]
    assert list(zip(r5["year"], r5["subject_id"], r5["status"], strict=True)) == [
        (2018, "N2018-002", "breach"),
        (2018, "N2018-001", "ok"),
        (2021, "N2021-001", "breach"),
    ]
    rules_2018 = list(dict.fromkeys(result.loc[result["year"] == 2018, "rule_id"]))
    assert rules_2018 == ["R1", "R2", "R3", "R4", "R5", "R6", "R10"]
    rules_2021 = list(dict.fromkeys(result.loc[result["year"] == 2021, "rule_id"]))
    assert rules_2021 == ["R1", "R3", "R4", "R5", "R6", "R7", "R8", "R10"]
    assert result.index.equals(pd.RangeIndex(len(result)))


def test_evaluate_runs_only_the_given_rules() -> None:
    result = c.evaluate(full_inputs(), rules=[c.r2_eligible_recipient])
    assert list(result["subject_id"]) == ["T2018-004", "T2018-003"]
    assert list(result["status"]) == ["breach", "ok"]


def test_evaluate_on_empty_inputs_gives_an_empty_frame_with_the_columns() -> None:
    result = c.evaluate(make_inputs())
    assert result.empty
    assert list(result.columns) == c.COLUMNS


def test_rows_give_decimal_and_none_as_the_rules_compare_them() -> None:
    """core.data.store reads DECIMAL into an Arrow column, whose tolist() gives NA
    for no value; the rules test FTE with ``not`` and ``<=``, so their rows
    carry Decimal or None."""
    import pyarrow as pa

    from core.data import store

    frame = store.frame(
        pa.table(
            {
                "fte_in_scope": pa.array([Decimal("12.5"), None], pa.decimal128(9, 1)),
                "owners": pa.array([3, None], pa.int64()),
            }
        )
    )
    rows = list(common.tuples_of(frame))
    assert rows[0].fte_in_scope == Decimal("12.5") and isinstance(rows[0].fte_in_scope, Decimal)
    assert rows[1].fte_in_scope is None
    assert not rows[1].fte_in_scope  # as R4 tests "no FTE in scope"
    assert rows[0].owners == 3 and common.is_null(rows[1].owners)
