"""The views on the demo data, through DuckDB: entitlements add up to the
krone, forums equal the sum of their owners, every planted breach is found,
and filters follow the municipal reforms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from core import views
from core.data import ingest, store
from core.data.kinds import LOAD_ORDER
from core.filters import Filters

LORENSKOG = "978854923"
HURDAL = "980782883"
ENEBAKK = "998921864"
AKERSHUS_FK = "936289827"
OSLO = "958935420"


@pytest.fixture(scope="module")
def snap(demo_folder: Path):
    with store.Store(demo_folder / "dekomp.duckdb").snapshot() as snapshot:
        yield snapshot


@pytest.fixture(scope="module")
def compliance_rows(snap) -> pd.DataFrame:
    return views.frame(snap, "compliance", Filters())


@pytest.fixture(scope="module")
def frames(snap) -> pd.DataFrame:
    return snap.df(
        "SELECT year, frame_nok, nonparticipant_policy::VARCHAR AS policy "
        "FROM scheme_year ORDER BY year"
    )


def test_2018_entitlements_of_the_participants_add_up_to_the_frame(snap) -> None:
    dist = views.frame(snap, "distribution", Filters(year=2018))
    participants = dist[dist["takes_part"]]
    assert participants["entitlement_nok"].sum() == 39_700_000
    assert dist["withheld_nok"].sum() == 0


def test_every_year_shares_exactly_its_frame(snap, frames) -> None:
    """Redistribute: the participants share the frame. Withhold (2019 in the
    demo): participants' shares plus the withheld shares are the frame."""
    dist = views.frame(snap, "distribution", Filters())
    for row in frames.itertuples():
        year = dist[dist["year"] == row.year]
        shared = year["entitlement_nok"].sum() + year["withheld_nok"].sum()
        assert shared == row.frame_nok, row.year
        if row.policy == "redistribute":
            assert year.loc[year["takes_part"], "entitlement_nok"].sum() == row.frame_nok
    assert (
        dist.loc[(dist["year"] == 2019) & (dist["owner_id"] == HURDAL), "withheld_nok"].item() > 0
    )


def test_each_entitlement_is_within_one_krone_of_its_exact_share(snap, frames) -> None:
    dist = views.frame(snap, "distribution", Filters())
    for row in frames.itertuples():
        year = dist[dist["year"] == row.year]
        sharing = year if row.policy == "withhold" else year[year["takes_part"]]
        total_fte = sum(Fraction(v) for v in sharing["teacher_fte"])
        for owner in sharing.itertuples():
            exact = row.frame_nok * Fraction(owner.teacher_fte) / total_fte
            got = owner.entitlement_nok + owner.withheld_nok
            assert abs(got - exact) < 1, (row.year, owner.owner_name)


def test_2018_and_2019_use_their_own_scope(snap) -> None:
    """2018: grunnskole only, county authorities out; 2019: both levels, in."""
    dist = views.frame(snap, "distribution", Filters())
    oslo = dist[dist["owner_id"] == OSLO].set_index("year")
    fte = dict(
        snap.rows(
            "SELECT year, sum(fte) FROM teacher_fte WHERE owner_id = ? AND year IN (2018, 2019) "
            "AND (year = 2019 OR school_level = 'compulsory') GROUP BY year",
            [OSLO],
        )
    )
    assert oslo.loc[2018, "teacher_fte"] == fte[2018]
    assert oslo.loc[2019, "teacher_fte"] == fte[2019]
    county_2018 = dist[(dist["year"] == 2018) & (dist["owner_id"] == AKERSHUS_FK)]
    assert county_2018["teacher_fte"].item() == 0
    assert county_2018["entitlement_nok"].item() == 0
    county_2019 = dist[(dist["year"] == 2019) & (dist["owner_type"] == "county_authority")]
    assert county_2019["entitlement_nok"].sum() > 0
    assert oslo.loc[2018, "entitlement_per_fte_nok"] == 3219  # 39.7 mill. / 12,331.4 FTE


def test_forum_figures_equal_the_sum_of_their_owners(snap) -> None:
    dist = views.frame(snap, "distribution", Filters())
    forums = views.frame(snap, "forums", Filters())
    members = dist[dist["forum_id"].notna()]
    by_forum = members.groupby(["year", "forum_id"]).agg(
        teacher_fte=("teacher_fte", "sum"),
        entitlement_nok=("entitlement_nok", "sum"),
        awarded_nok=("awarded_nok", "sum"),
        owners=("owner_id", "count"),
    )
    for f in forums.itertuples():
        owners = by_forum.loc[(f.year, f.forum_id)]
        assert f.teacher_fte == owners["teacher_fte"]
        assert f.entitlement_nok == owners["entitlement_nok"]
        assert f.owner_awarded_nok == owners["awarded_nok"]
        assert f.owners == owners["owners"]
        assert f.awarded_nok == f.owner_awarded_nok + f.institution_awarded_nok
    per_year = forums.groupby("year")["entitlement_nok"].sum()
    assert per_year[2018] == 39_700_000


def test_forum_cofinancing_required_is_the_rate_of_the_grant(snap) -> None:
    forums = views.frame(snap, "forums", Filters(year=2019, forum="nedre-romerike")).iloc[0]
    assert forums["cofinancing_required_nok"] == round(Decimal("0.3") * forums["awarded_nok"])
    assert forums["cofinancing_committed_nok"] == (
        forums["cofinancing_cash_nok"] + forums["cofinancing_in_kind_nok"]
    )


PLANTED = [
    # rule, year, subject id, status, measured, required, words in the explanation
    (
        "R1",
        2019,
        LORENSKOG,
        "breach",
        "0.1199",
        "0.3000",
        ["Lørenskog kommune", "12 %", "kravet er 30 %", "mangler"],
    ),
    (
        "R2",
        2020,
        "T2020-005",
        "breach",
        "other_provider",
        None,
        ["Kompetansekurs AS", "ekstern tilbyder"],
    ),
    ("R3", 2020, "T2020-048", "breach", None, None, ["Gjerdrum kommune", "har ikke meldt behov"]),
    ("R3", 2019, HURDAL, "warning", "deltar ikke", None, ["Hurdal kommune deltar ikke i 2019"]),
    (
        "R4",
        2018,
        "T2018-012",
        "breach",
        "county_authority",
        "municipality+private",
        ["Akershus fylkeskommune", "utenfor ordningen"],
    ),
    (
        "R5",
        2018,
        "N2018-041",
        "breach",
        "2018-07-09",
        "2018-07-01",
        ["Nes kommune", "8 dager etter fristen 1. juli 2018"],
    ),
    ("R6", 2019, ENEBAKK, "breach", None, "2020-03-01", ["Enebakk kommune har ikke bekreftet"]),
    (
        "R7",
        2019,
        "P2019-04",
        "breach",
        None,
        "180",
        ["har ikke rapportert status", "13. oktober 2020"],
    ),
    ("R10", 2019, "T2019-041", "breach", None, None, ["T2019-041", "ingen vedtaksdato"]),
]


@pytest.mark.parametrize(
    ("rule", "year", "subject", "status", "measured", "required", "words"),
    PLANTED,
    ids=[f"{p[0]}-{p[2]}" for p in PLANTED],
)
def test_planted_breach_is_found(
    compliance_rows, rule, year, subject, status, measured, required, words
):
    result = compliance_rows
    rows = result[
        (result["rule_id"] == rule) & (result["subject_id"] == subject) & (result["year"] == year)
    ]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["status"] == status
    if measured is not None:
        assert row["measured"] == measured
    if required is not None:
        assert row["required"] == required
    explanation = row["explanation"].replace("\u00a0", " ")  # Babel's no-break spaces
    for word in words:
        assert word in explanation


def test_only_the_planted_breaches_are_breaches(compliance_rows) -> None:
    result = compliance_rows
    breaches = result[result["status"] == "breach"]
    found = sorted(zip(breaches["rule_id"], breaches["subject_id"], strict=True))
    expected = sorted((p[0], p[2]) for p in PLANTED if p[3] == "breach")
    assert found == expected


def test_r6_is_not_due_before_the_deadline(snap) -> None:
    before = views.frame(snap, "compliance", Filters(as_of=pd.Timestamp("2020-02-01").date()))
    row = before[
        (before["rule_id"] == "R6") & (before["subject_id"] == ENEBAKK) & (before["year"] == 2019)
    ]
    assert row["status"].item() == "not_applicable"


def test_a_clean_data_set_has_no_breach_and_no_warning(tmp_path: Path) -> None:
    """The import templates form a small data set that keeps every rule."""
    from core.export import templates

    folder = tmp_path / "clean"
    templates.write_templates(folder)
    db = tmp_path / "db" / "dekomp.duckdb"
    db.parent.mkdir()
    ingest.import_files(db, [(k, folder / f"{k}.csv") for k in LOAD_ORDER])
    with store.Store(db).snapshot() as s:
        result = views.frame(s, "compliance", Filters())
    assert set(result["rule_id"]) >= {"R1", "R3", "R4", "R5", "R6", "R7", "R8", "R10"}
    assert set(result["status"]) == {"ok"}, result[result["status"] != "ok"].to_string()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            Filters(municipality="3207"),
            {"Ski kommune", "Oppegård kommune", "Nordre Follo kommune", "Follo Steinerskole SA"},
        ),
        (
            Filters(municipality="3020"),
            {"Ski kommune", "Oppegård kommune", "Nordre Follo kommune", "Follo Steinerskole SA"},
        ),
        (
            Filters(municipality="0213", year=2021),
            {"Nordre Follo kommune", "Follo Steinerskole SA"},
        ),
        (
            Filters(municipality="0217", year=2018),
            {"Oppegård kommune", "Ski kommune", "Follo Steinerskole SA"},
        ),
        (Filters(municipality="0301", owner_type="municipality"), {"Oslo kommune"}),
    ],
)
def test_municipality_filter_follows_the_reforms(snap, filters, expected) -> None:
    assert set(views.frame(snap, "distribution", filters)["owner_name"]) == expected


def test_forum_and_owner_type_filters(snap) -> None:
    dist = views.frame(
        snap, "distribution", Filters(year=2018, forum="follo", owner_type="private")
    )
    assert set(dist["forum_id"]) <= {"follo"}
    assert set(dist["owner_type"]) <= {"private"}
    follo = views.frame(snap, "distribution", Filters(year=2018, forum="follo"))
    assert {"Ski kommune", "Oppegård kommune", "Akershus fylkeskommune"} <= set(follo["owner_name"])
    # Forums with a member in Oslo: Oslo kommune's forum and the private schools'.
    forums = views.frame(snap, "forums", Filters(year=2018, municipality="0301"))
    assert list(forums["forum_id"]) == ["friskoler", "oslo"]
    forums = views.frame(
        snap, "forums", Filters(year=2018, municipality="0301", owner_type="municipality")
    )
    assert list(forums["forum_id"]) == ["oslo"]


def test_projects_as_of_a_date(snap) -> None:
    early = views.frame(snap, "projects", Filters(as_of=pd.Timestamp("2019-01-01").date()))
    late = views.frame(snap, "projects", Filters())
    p = "P2019-04"
    assert late.loc[late["project_id"] == p, "stale"].item()
    assert late.loc[late["project_id"] == p, "last_report_date"].item().isoformat() == "2020-10-13"
    assert early.loc[early["project_id"] == "P2018-01", "status"].item() in {"planned", "started"}
    assert (late["spent_to_date_nok"] >= 0).all()
    by_month = views.frame(snap, "status-by-month", Filters())
    last = by_month[by_month["month"] == by_month["month"].max()]
    assert last["projects"].sum() == len(late)


def test_funding_over_time_adds_up_to_the_forums(snap) -> None:
    f = Filters(year=2019)
    funding = views.frame(snap, "funding-over-time", f)
    forums = views.frame(snap, "forums", f)
    assert funding["awarded_nok"].sum() == forums["awarded_nok"].sum()
    assert funding["paid_nok"].sum() == forums["paid_nok"].sum()
    assert funding["confirmed_nok"].sum() == forums["confirmed_used_nok"].sum()
    assert funding["awarded_cumulative_nok"].iloc[-1] == forums["awarded_nok"].sum()


def test_confirmed_use_split_over_awards_adds_up(snap) -> None:
    forums = views.frame(snap, "forums", Filters())
    total = snap.scalar("SELECT sum(amount_used_nok) FROM confirmation")
    assert forums["confirmed_used_nok"].sum() == total


@pytest.mark.parametrize("year", [2018, 2019, 2020, 2021])
def test_compliance_for_one_year_equals_that_year_of_all(snap, compliance_rows, year) -> None:
    """The year filter selects that year's rows of the rules' evaluation."""
    one = views.frame(snap, "compliance", Filters(year=year)).reset_index(drop=True)
    part = compliance_rows[compliance_rows["year"] == year].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, part)


def test_facts_of_another_date_are_handed_out_as_copies(demo_folder: Path) -> None:
    store_ = store.Store(demo_folder / "dekomp.duckdb")
    day = dt.date(2020, 6, 30)
    with store_.snapshot() as s:
        first = views.frame(s, "compliance", Filters(year=2019, as_of=day))
        first.loc[:, "status"] = "changed"
        second = views.frame(s, "compliance", Filters(year=2019, as_of=day))
    assert "changed" not in set(second["status"])
    assert len(second) == len(first) > 0


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(year=2018, forum="follo"),
        Filters(year=2020, municipality="3020"),
        Filters(owner_type="private", as_of=dt.date(2020, 6, 30)),
        Filters(year=2030),
    ],
)
def test_key_figures_are_the_sums_of_their_views(snap, filters) -> None:
    """Each overview figure is the sum of the CSV the overview offers with it."""
    k = views.key_figures(snap, filters)
    forums = views.frame(snap, "forums", filters)
    assert k.frame_nok == views.frame(snap, "scheme-years", filters)["frame_nok"].sum()
    assert k.entitlement_nok == forums["entitlement_nok"].sum()
    assert k.awarded_nok == forums["awarded_nok"].sum()
    assert k.paid_nok == forums["paid_nok"].sum()
    assert k.owners_taking_part == views.frame(snap, "distribution", filters)["takes_part"].sum()
    projects = views.frame(snap, "projects", filters)
    assert k.projects_by_status == projects["status"].value_counts().to_dict()
    rules = views.frame(snap, "compliance", filters)
    breaches = rules.loc[rules["status"] == "breach", "rule_id"].value_counts().to_dict()
    assert k.breaches_by_rule == breaches


def test_key_figures_of_the_demo_year_2018(snap) -> None:
    k = views.key_figures(snap, Filters(year=2018, forum="follo"))
    assert (k.frame_nok, k.entitlement_nok, k.awarded_nok) == (39_700_000, 4_925_395, 5_037_000)
    assert k.owners_taking_part == 8
    assert k.projects_by_status == {"completed": 2}
    assert k.breaches_by_rule == {"R4": 1}
