"""The figures are plain dicts (dashboard/charts.py): plotly.graph_objects
accepts every one of them (it rejects any property Plotly does not know),
and they carry the views' numbers."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from core import views
from core.data import store
from core.filters import Filters
from dashboard import charts, present
from dashboard.i18n import translator

# (card, view, chart) as the pages declare them (dashboard/pages/*.py).
CARDS = [
    ("dist-forums", "forums", "forums"),
    ("dist-split", "forums", "forum_split"),
    ("dist-owners", "distribution", "owners"),
    ("dist-treemap", "distribution", "treemap"),
    ("dist-map", "municipalities", "map"),
    ("comp-summary", "compliance-summary", "compliance_summary"),
    ("comp-owners", "compliance-owners", "compliance_owners"),
    ("proj-status", "status-by-month", "status_by_month"),
    ("proj-timeline", "projects", "timeline"),
    ("proj-spending", "spending-over-time", "spending"),
    ("ov-funding", "funding-over-time", "funding_over_time"),
]


@pytest.fixture(scope="module")
def snap(demo_folder: Path):
    with store.Store(demo_folder / "dekomp.duckdb").snapshot() as snapshot:
        yield snapshot


def test_every_chart_is_drawn_by_a_card(demo_folder: Path) -> None:
    from dashboard import create_app
    from dashboard.components import Card
    from dashboard.settings import Settings

    create_app(Settings(db=demo_folder / "dekomp.duckdb"))  # pages register with an app
    from dashboard.pages import compliance, distribution, overview, projects

    declared = [
        *distribution.CARDS,
        compliance.SUMMARY,
        compliance.OWNERS,
        projects.STATUS,
        projects.TIMELINE,
        projects.SPENDING,
        overview.FUNDING,
    ]
    assert all(isinstance(card, Card) for card in declared)
    assert {(c.name, c.view, c.chart) for c in declared} == set(CARDS)
    assert {chart for _, _, chart in CARDS} == set(charts.CHARTS)


@pytest.mark.parametrize(("card", "view", "chart"), CARDS, ids=[c[0] for c in CARDS])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_figure_is_valid_plotly(snap, card: str, view: str, chart: str, lang: str) -> None:
    frame = views.frame(snap, view, Filters(year=2019))
    assert not frame.empty
    figure = charts.CHARTS[chart](frame, lang)
    validated = go.Figure(figure)  # raises on any unknown property or bad value
    assert validated.layout.meta["title"]
    assert validated.layout.separators == (", " if lang == "nb" else ".,")
    assert len(validated.data) >= 1


def test_the_forum_bars_carry_the_forum_figures(snap) -> None:
    frame = views.frame(snap, "forums", Filters(year=2018))
    figure = charts.forums_bars(frame, "nb")
    entitlement = figure["data"][0]
    assert entitlement["name"] == translator("nb")("series.entitlement")
    assert entitlement["y"] == [str(n) for n in frame["forum_name"]]
    assert entitlement["x"] == [int(v) for v in frame["entitlement_nok"]]
    assert sum(entitlement["x"]) == int(frame["entitlement_nok"].sum())


def test_values_are_json_numbers() -> None:
    from decimal import Decimal

    import pandas as pd

    assert present.values(pd.Series([1, None], dtype="Int64")) == [1, None]
    assert present.values([Decimal("12.5"), Decimal("3.0"), float("nan"), "x"]) == [
        12.5,
        3,
        None,
        "x",
    ]


def test_decimal_values_from_an_arrow_column_are_those_of_decimal() -> None:
    """core.data.store keeps DECIMAL in Arrow columns; their chart values must be
    what float(Decimal) and int give, to the last bit (Arrow's own cast to
    float is off by one unit in the last place for some values)."""
    import random
    from decimal import Decimal

    import pandas as pd
    import pyarrow as pa

    rng = random.Random(7)
    for scale in (1, 4):
        exact = [Decimal(rng.randint(-(10**8), 10**8)).scaleb(-scale) for _ in range(2000)]
        exact += [Decimal("12").scaleb(0).quantize(Decimal(1).scaleb(-scale)), None]
        column = pd.Series(pd.array(exact, dtype=pd.ArrowDtype(pa.decimal128(12, scale))))
        assert present.values(column) == present.values(exact)
        assert type(present.values(column)[-2]) is int


def test_an_empty_figure_says_why(snap) -> None:
    figure = go.Figure(charts.empty("Ingen data for utvalget", "nb", "Fordeling"))
    assert figure.layout.annotations[0].text == "Ingen data for utvalget"
    assert figure.layout.meta["title"] == "Fordeling"


@pytest.mark.parametrize("f", [Filters(year=2019), Filters(municipality="0301")], ids=str)
def test_the_map_colours_start_at_zero(snap, f: Filters) -> None:
    """kr per FTE from 0 to the largest value, also for a single
    municipality (whose colour bar had one label repeated)."""
    frame = views.frame(snap, "municipalities", f)
    trace = charts.municipality_map(frame, "nb")["data"][0]
    sums: dict[str, list[float]] = {}
    for knr, awarded, fte in zip(
        frame["map_municipality_number"], frame["awarded_nok"], frame["teacher_fte"], strict=True
    ):
        total = sums.setdefault(str(knr), [0.0, 0.0])
        total[0] += float(awarded)
        total[1] += float(fte)
    expected = {knr: a / t for knr, (a, t) in sums.items() if t}
    assert dict(zip(trace["locations"], trace["z"], strict=True)) == pytest.approx(expected)
    assert trace["zmin"] == 0
    assert trace["zmax"] == pytest.approx(max(expected.values()))
    go.Figure(charts.municipality_map(frame, "nb"))  # valid for Plotly


def test_a_map_without_amounts_keeps_plotlys_own_scale(snap) -> None:
    frame = views.frame(snap, "municipalities", Filters(year=2019))
    frame = frame.assign(awarded_nok=frame["awarded_nok"] * 0)
    trace = charts.municipality_map(frame, "nb")["data"][0]
    assert set(trace["z"]) == {0.0}
    assert "zmin" not in trace and "zmax" not in trace
