"""The figures, built with plotly.graph_objects from a view's DataFrame as
it is (no reshaping here beyond picking columns), in the user's language.

Colours: the Okabe-Ito palette, safe for colour-blind readers; every chart
has a title, and its table twin carries the same numbers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import PLOTLY_SEPARATORS, translator, valid

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
STATUS_BAR_COLOURS = {"breach": "#D55E00", "warning": "#E69F00"}
STATUS_COLOURS = {
    "planned": "#56B4E9",
    "started": "#0072B2",
    "ongoing": "#009E73",
    "delayed": "#E69F00",
    "completed": "#999999",
    "cancelled": "#D55E00",
}


def _layout(fig: go.Figure, title: str, lang: str, height: int = 380) -> go.Figure:
    # The card's heading titles the chart (and names it for screen readers).
    fig.update_layout(
        meta={"title": title},
        separators=PLOTLY_SEPARATORS[valid(lang)],
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        template="plotly_white",
        colorway=OKABE_ITO,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
    )
    return fig


def empty(message: str, lang: str, title: str = "") -> go.Figure:
    fig = go.Figure()
    # Wrapped, so that it fits the narrow cards too.
    wrapped = "<br>".join(textwrap.wrap(message, 40))
    fig.add_annotation(
        text=wrapped, showarrow=False, font={"size": 14}, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, lang, height=240)


def _month_axis(fig: go.Figure) -> None:
    # Plotly's month names are English; numeric months read the same in every language.
    fig.update_xaxes(tickformat="%m.%Y", hoverformat="%m.%Y")


def _money_axis(fig: go.Figure, axis: str = "y") -> None:
    fig.update_layout({f"{axis}axis": {"tickformat": ",.0f", "ticksuffix": " kr"}})


def funding_over_time(frame: pd.DataFrame, lang: str) -> go.Figure:
    tr = translator(lang)
    fig = go.Figure()
    colours = {"awarded": "#0072B2", "paid": "#009E73", "spent": "#E69F00", "confirmed": "#CC79A7"}
    for column, colour in colours.items():
        fig.add_trace(
            go.Scatter(
                x=frame["month"],
                y=frame[f"{column}_cumulative_nok"],
                name=tr(f"series.{column}"),
                mode="lines",
                line={"shape": "hv", "width": 2, "color": colour},
            )
        )
    _money_axis(fig)
    _month_axis(fig)
    return _layout(fig, tr("chart.funding_over_time"), lang)


def forums_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Entitlement against awarded and paid, per forum."""
    tr = translator(lang)
    label = _labels(frame, "forum_name")
    series = [
        ("entitlement_nok", "series.entitlement"),
        ("awarded_nok", "series.awarded"),
        ("paid_nok", "series.paid"),
    ]
    fig = go.Figure(_hbars(frame, label, series, tr))
    fig.update_layout(barmode="group", yaxis={"autorange": "reversed"})
    _money_axis(fig, "x")
    return _layout(fig, tr("chart.forums"), lang, height=max(320, 60 * len(frame) + 80))


def forum_split(frame: pd.DataFrame, lang: str) -> go.Figure:
    """What each forum awarded to institutions and to owners."""
    tr = translator(lang)
    label = _labels(frame, "forum_name")
    series = [
        ("institution_awarded_nok", "series.institutions"),
        ("owner_awarded_nok", "series.owners"),
    ]
    fig = go.Figure(_hbars(frame, label, series, tr))
    fig.update_layout(barmode="stack", yaxis={"autorange": "reversed"})
    _money_axis(fig, "x")
    return _layout(fig, tr("chart.forum_split"), lang, height=max(300, 34 * len(frame) + 80))


def _hbars(
    frame: pd.DataFrame,
    label: list[str],
    series: list[tuple[str, str]],
    tr: Callable[..., str],
    colours: dict[str, str] | None = None,
) -> list[go.Bar]:
    """Horizontal bars, one trace per (column, catalog key) of ``frame``."""
    return [
        go.Bar(
            y=label,
            x=frame[column],
            name=tr(key),
            orientation="h",
            marker_color=(colours or {}).get(column),
        )
        for column, key in series
    ]


def _labels(frame: pd.DataFrame, column: str) -> list[str]:
    """Bar labels: the names, with the year when the rows span several years."""
    several_years = frame["year"].nunique() > 1
    return [
        f"{name} {year}" if several_years else str(name)
        for name, year in zip(frame[column], frame["year"], strict=True)
    ]


def owners_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Owners sorted by entitlement: entitlement against awarded."""
    tr = translator(lang)
    ordered = frame.sort_values("entitlement_nok", ascending=False, kind="stable")
    label = _labels(ordered, "owner_name")
    series = [("entitlement_nok", "series.entitlement"), ("awarded_nok", "series.awarded")]
    fig = go.Figure(_hbars(ordered, label, series, tr))
    fig.update_layout(barmode="group", yaxis={"autorange": "reversed"})
    _money_axis(fig, "x")
    return _layout(fig, tr("chart.owners"), lang, height=max(360, 18 * len(ordered) + 100))


def treemap(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Forum -> owner, sized by entitlement."""
    tr = translator(lang)
    members = frame[frame["forum_id"].notna() & (frame["entitlement_nok"] > 0)]
    forum_totals = members.groupby(["forum_id", "forum_name"], as_index=False)[
        "entitlement_nok"
    ].sum()
    ids = list(forum_totals["forum_id"]) + [
        f"{f}/{o}/{y}"
        for f, o, y in zip(members["forum_id"], members["owner_id"], members["year"], strict=True)
    ]
    labels = list(forum_totals["forum_name"]) + list(members["owner_name"])
    parents = [""] * len(forum_totals) + list(members["forum_id"])
    values = list(forum_totals["entitlement_nok"]) + list(members["entitlement_nok"])
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            hovertemplate="%{label}<br>%{value:,.0f} kr<extra></extra>",
        )
    )
    return _layout(fig, tr("chart.treemap"), lang, height=460)


# Served by the app (dashboard.create_app) and fetched once by the browser,
# which caches it: the figure only names it, instead of carrying 600 KB of
# shapes in every response.
GEOJSON_URL = "/geo/kommuner-2020.geojson"


def municipality_map(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Entitlement per teacher FTE by municipality (2020 boundaries)."""
    tr = translator(lang)
    data = frame.groupby(["map_municipality_number", "map_municipality_name"], as_index=False)[
        ["awarded_nok", "teacher_fte"]
    ].sum()
    per_fte = [
        float(a) / float(t) if t else None
        for a, t in zip(data["awarded_nok"], data["teacher_fte"], strict=True)
    ]
    fig = go.Figure(
        go.Choropleth(
            geojson=GEOJSON_URL,
            featureidkey="properties.knr",
            locations=data["map_municipality_number"],
            z=per_fte,
            text=data["map_municipality_name"],
            colorscale="Blues",
            marker={"line": {"color": "white", "width": 0.6}},
            colorbar={"title": {"text": tr("chart.map_unit")}, "tickformat": ",.0f"},
            hovertemplate="%{text}<br>%{z:,.0f} kr<extra></extra>",
        )
    )
    # Mercator keeps Norway's shapes at 60° N; the default projection widens them.
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    return _layout(fig, tr("chart.map"), lang, height=460)


def status_by_month(frame: pd.DataFrame, lang: str) -> go.Figure:
    tr = translator(lang)
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["month"],
                y=part["projects"],
                name=tr(f"status.{status}"),
                marker_color=colour,
            )
        )
    fig.update_layout(barmode="stack", bargap=0.1)
    _month_axis(fig)
    return _layout(fig, tr("chart.status_by_month"), lang)


def timeline(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Each project from start to planned end, coloured by its status."""
    tr = translator(lang)
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        starts = pd.to_datetime(part["start_date"])
        ends = pd.to_datetime(part["planned_end"])
        fig.add_trace(
            go.Bar(
                y=part["title"],
                x=(ends - starts).dt.days * 86_400_000,
                base=starts,
                orientation="h",
                name=tr(f"status.{status}"),
                marker_color=colour,
                customdata=part[["project_id"]],
                hovertemplate="%{y}<br>%{base|%d.%m.%Y} – %{x}<extra>%{customdata[0]}</extra>",
            )
        )
    fig.update_layout(yaxis={"autorange": "reversed", "automargin": True}, xaxis={"type": "date"})
    fig.update_xaxes(tickformat="%m.%Y", dtick="M6", hoverformat="%d.%m.%Y")
    return _layout(fig, tr("chart.timeline"), lang, height=max(360, 22 * len(frame) + 100))


def spending(frame: pd.DataFrame, lang: str) -> go.Figure:
    tr = translator(lang)
    fig = go.Figure()
    for i, (forum, part) in enumerate(frame.groupby("forum_name", sort=True)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["spent_to_date_nok"],
                name=str(forum),
                mode="lines",
                line={"color": colour, "width": 2},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["budget_nok"],
                name=f"{forum} – {tr('series.budget')}",
                mode="lines",
                line={"color": colour, "dash": "dot", "width": 1},
                showlegend=False,
            )
        )
    _money_axis(fig)
    _month_axis(fig)
    return _layout(fig, tr("chart.spending"), lang, height=420)


def compliance_summary(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Breaches and warnings per rule."""
    tr = translator(lang)
    per_rule = frame.groupby("rule_id", sort=False)[["breach", "warning"]].sum()
    order = sorted(per_rule.index, key=lambda r: int(r[1:]))
    per_rule = per_rule.loc[order]
    fig = go.Figure(
        [
            go.Bar(
                x=list(per_rule.index),
                y=per_rule[status],
                name=tr(f"status.{status}"),
                marker_color=colour,
                text=[n or "" for n in per_rule[status]],  # no "0" labels
                textposition="outside",
            )
            for status, colour in STATUS_BAR_COLOURS.items()
        ]
    )
    fig.update_layout(barmode="group")
    return _layout(fig, tr("chart.compliance_summary"), lang)


def compliance_owners(frame: pd.DataFrame, lang: str) -> go.Figure:
    """The owners with breaches or warnings, most first."""
    tr = translator(lang)
    flagged = frame[(frame["breach"] > 0) | (frame["warning"] > 0)]
    label = _labels(flagged, "owner_name")
    series = [("breach", "status.breach"), ("warning", "status.warning")]
    fig = go.Figure(_hbars(flagged, label, series, tr, STATUS_BAR_COLOURS))
    fig.update_layout(barmode="stack", yaxis={"autorange": "reversed"}, xaxis={"dtick": 1})
    return _layout(
        fig, tr("chart.compliance_owners"), lang, height=max(260, 22 * len(flagged) + 100)
    )


CHARTS: dict[str, Callable[[pd.DataFrame, str], go.Figure]] = {
    "funding_over_time": funding_over_time,
    "forums": forums_bars,
    "forum_split": forum_split,
    "owners": owners_bars,
    "treemap": treemap,
    "map": municipality_map,
    "status_by_month": status_by_month,
    "timeline": timeline,
    "spending": spending,
    "compliance_summary": compliance_summary,
    "compliance_owners": compliance_owners,
}
