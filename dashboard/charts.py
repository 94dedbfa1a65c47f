"""The figures, as plain Plotly figure dicts built from a view's DataFrame
as it is (no reshaping here beyond picking columns), in the user's language.

Dicts, not plotly.graph_objects: a filter click rebuilds every chart of the
page, and graph_objects validate every property on every build (15-40 ms a
figure, measured with bench/run.py's data; docs/performance.md), which is most
of a callback's time once the data comes from the stored facts. The properties
used here are checked once, in tests/dashboard/test_charts.py, by feeding
every figure to ``plotly.graph_objects.Figure``, which rejects unknown ones.

Colours: the Okabe-Ito palette, safe for colour-blind readers; every chart
has a title, and its table twin carries the same numbers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import plotly.io as pio
from plotly.colors import sequential

from core import fmt
from dashboard.i18n import PLOTLY_SEPARATORS, translator, valid
from dashboard.present import items, locale, plain, texts, values

Figure = dict[str, Any]

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


def _plotly_white() -> dict[str, Any]:
    """plotly_white, as plotly.py would embed it, for the trace types used
    (made once, as the module loads: it takes plotly.py about 80 ms)."""
    white = pio.templates["plotly_white"]
    data = white.data.to_plotly_json()
    return {
        "layout": white.layout.to_plotly_json(),
        "data": {kind: data[kind] for kind in ("bar", "scatter", "choropleth") if kind in data},
    }


def _scale(colours: list[str]) -> list[list[Any]]:
    """plotly.py's named colour scale as the list it would send: plotly.js
    has its own scales under some of the same names (its "Blues" ends in grey)."""
    step = 1 / (len(colours) - 1)
    return [[round(i * step, 4), c] for i, c in enumerate(colours)]


TEMPLATE = _plotly_white()
BLUES = _scale(sequential.Blues)


# A chart draws no more than a reader can tell apart; the table and the CSV
# keep every row, and the chart says how many it shows.
MAX_BARS = 60
MAX_LINES = 8
MAX_TILES = 500


def _largest(frame: pd.DataFrame, size: pd.Series, limit: int) -> pd.DataFrame:
    """The ``limit`` rows with the largest ``size``, in the frame's order."""
    if len(frame) <= limit:
        return frame
    keep = size.sort_values(ascending=False, kind="stable").index[:limit]
    return frame.loc[frame.index.isin(keep)]


def _shown_note(shown: int, total: int, lang: str) -> list[dict[str, Any]]:
    """An annotation "Showing N of M" when a chart leaves rows out."""
    if shown >= total:
        return []
    loc = locale(lang)
    text = translator(lang)(
        "chart.truncated", shown=fmt.number(shown, 0, loc), total=fmt.number(total, 0, loc)
    )
    return [
        {
            "text": text,
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 1,
            "xanchor": "right",
            "yanchor": "bottom",
            "font": {"size": 11, "color": "#555"},
        }
    ]


def _figure(
    data: list[dict[str, Any]], title: str, lang: str, height: int = 380, **layout: Any
) -> Figure:
    # The card's heading titles the chart (and names it for screen readers).
    base = {
        "template": TEMPLATE,
        "meta": {"title": title},
        "separators": PLOTLY_SEPARATORS[valid(lang)],
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "colorway": OKABE_ITO,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
    }
    for key, value in layout.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return {"data": data, "layout": base}


def empty(message: str, lang: str, title: str = "") -> Figure:
    # Wrapped, so that it fits the narrow cards too.
    wrapped = "<br>".join(textwrap.wrap(message, 40))
    annotation = {
        "text": wrapped,
        "showarrow": False,
        "font": {"size": 14},
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
    }
    return _figure(
        [],
        title,
        lang,
        height=240,
        annotations=[annotation],
        xaxis={"visible": False},
        yaxis={"visible": False},
    )


# Plotly's month names are English; numeric months read the same in every language.
MONTH_AXIS = {"tickformat": "%m.%Y", "hoverformat": "%m.%Y"}
MONEY_AXIS = {"tickformat": ",.0f", "ticksuffix": " kr"}


def funding_over_time(frame: pd.DataFrame, lang: str) -> Figure:
    tr = translator(lang)
    colours = {"awarded": "#0072B2", "paid": "#009E73", "spent": "#E69F00", "confirmed": "#CC79A7"}
    month = texts(frame["month"])
    data = [
        {
            "type": "scatter",
            "x": month,
            "y": values(frame[f"{column}_cumulative_nok"]),
            "name": tr(f"series.{column}"),
            "mode": "lines",
            "line": {"shape": "hv", "width": 2, "color": colour},
        }
        for column, colour in colours.items()
    ]
    return _figure(data, tr("chart.funding_over_time"), lang, xaxis=MONTH_AXIS, yaxis=MONEY_AXIS)


def forums_bars(frame: pd.DataFrame, lang: str) -> Figure:
    """Entitlement against awarded and paid, per forum (the largest by
    entitlement when there are more than MAX_BARS)."""
    shown = _largest(frame, frame["entitlement_nok"], MAX_BARS // 2)  # three bars each
    series = [
        ("entitlement_nok", "series.entitlement"),
        ("awarded_nok", "series.awarded"),
        ("paid_nok", "series.paid"),
    ]
    return _row_bars(shown, len(frame), "forum_name", series, "chart.forums", lang, (60, 320, 80))


def forum_split(frame: pd.DataFrame, lang: str) -> Figure:
    """What each forum awarded to institutions and to owners."""
    awarded = frame["institution_awarded_nok"] + frame["owner_awarded_nok"]
    shown = _largest(frame, awarded, MAX_BARS)
    series = [
        ("institution_awarded_nok", "series.institutions"),
        ("owner_awarded_nok", "series.owners"),
    ]
    size = (34, 300, 80)
    return _row_bars(
        shown, len(frame), "forum_name", series, "chart.forum_split", lang, size, barmode="stack"
    )


def _row_bars(
    shown: pd.DataFrame,
    total: int,
    label_column: str,
    series: list[tuple[str, str]],
    title_key: str,
    lang: str,
    size: tuple[int, int, int],  # pixels per row, least height, room for axes and legend
    colours: dict[str, str] | None = None,
    barmode: str = "group",
    xaxis: dict[str, Any] = MONEY_AXIS,
) -> Figure:
    """Horizontal bars, one trace per (column, catalog key) of ``series`` and
    one row per row of ``shown`` from the top, as tall as its rows need,
    saying how many of ``total`` rows it shows."""
    tr = translator(lang)
    label = _labels(shown, label_column)
    bars = []
    for column, key in series:
        bar: dict[str, Any] = {
            "type": "bar",
            "y": label,
            "x": values(shown[column]),
            "name": tr(key),
            "orientation": "h",
        }
        colour = (colours or {}).get(column)
        if colour:
            bar["marker"] = {"color": colour}
        bars.append(bar)
    per_row, least, room = size
    return _figure(
        bars,
        tr(title_key),
        lang,
        height=max(least, per_row * len(shown) + room),
        annotations=_shown_note(len(shown), total, lang),
        yaxis={"autorange": "reversed"},
        barmode=barmode,
        xaxis=xaxis,
    )


def _labels(frame: pd.DataFrame, column: str) -> list[str]:
    """Bar labels: the names, with the year when the rows span several years."""
    several_years = frame["year"].nunique() > 1
    return plain(
        f"{name} {year}" if several_years else name
        for name, year in zip(items(frame[column]), items(frame["year"]), strict=True)
    )


def owners_bars(frame: pd.DataFrame, lang: str) -> Figure:
    """Owners sorted by entitlement: entitlement against awarded."""
    # The sort of one column, then the rows drawn: sorting every column of
    # the distribution of all years (5,900 rows) took most of this chart.
    largest = frame["entitlement_nok"].sort_values(ascending=False, kind="stable")
    shown = frame.loc[largest.index[:MAX_BARS]]
    series = [("entitlement_nok", "series.entitlement"), ("awarded_nok", "series.awarded")]
    return _row_bars(shown, len(frame), "owner_name", series, "chart.owners", lang, (18, 360, 100))


def treemap(frame: pd.DataFrame, lang: str) -> Figure:
    """Forum -> owner, sized by entitlement."""
    tr = translator(lang)
    members = frame[frame["forum_id"].notna() & (frame["entitlement_nok"] > 0)]
    forum_totals = members.groupby(["forum_id", "forum_name"], as_index=False)[
        "entitlement_nok"
    ].sum()
    # The forums' totals count every member; the largest members are drawn.
    total = len(members)
    members = _largest(members, members["entitlement_nok"], MAX_TILES)
    ids = texts(forum_totals["forum_id"]) + [
        f"{f}/{o}/{y}"
        for f, o, y in zip(
            *(items(members[c]) for c in ("forum_id", "owner_id", "year")), strict=True
        )
    ]
    labels = plain(forum_totals["forum_name"]) + plain(members["owner_name"])
    parents = [""] * len(forum_totals) + texts(members["forum_id"])
    sizes = values(forum_totals["entitlement_nok"]) + values(members["entitlement_nok"])
    trace = {
        "type": "treemap",
        "ids": ids,
        "labels": labels,
        "parents": parents,
        "values": sizes,
        "branchvalues": "total",
        "hovertemplate": "%{label}<br>%{value:,.0f} kr<extra></extra>",
    }
    return _figure(
        [trace],
        tr("chart.treemap"),
        lang,
        height=460,
        annotations=_shown_note(len(members), total, lang),
    )


# Served by the app (dashboard.create_app) and fetched once by the browser,
# which caches it: the figure only names it, instead of carrying 600 KB of
# shapes in every response.
GEOJSON_URL = "/geo/kommuner-2020.geojson"


def municipality_map(frame: pd.DataFrame, lang: str) -> Figure:
    """Entitlement per teacher FTE by municipality (2020 boundaries)."""
    tr = translator(lang)
    # Summed over the years in the frame (one row per municipality and year).
    sums: dict[tuple[str, str], list[float]] = {}
    for knr, name, awarded, fte in zip(
        items(frame["map_municipality_number"]),
        items(frame["map_municipality_name"]),
        values(frame["awarded_nok"]),
        values(frame["teacher_fte"]),
        strict=True,
    ):
        total = sums.setdefault((str(knr), str(name)), [0.0, 0.0])
        total[0] += float(awarded)
        total[1] += float(fte)
    keys = sorted(sums)
    per_fte = [sums[k][0] / sums[k][1] if sums[k][1] else None for k in keys]
    trace = {
        "type": "choropleth",
        "geojson": GEOJSON_URL,
        "featureidkey": "properties.knr",
        "locations": [knr for knr, _ in keys],
        "z": per_fte,
        "text": plain(name for _, name in keys),
        "colorscale": BLUES,
        "marker": {"line": {"color": "white", "width": 0.6}},
        "colorbar": {"title": {"text": tr("chart.map_unit")}, "tickformat": ",.0f"},
        "hovertemplate": "%{text}<br>%{z:,.0f} kr<extra></extra>",
    }
    # Mercator keeps Norway's shapes at 60° N; the default projection widens them.
    # The colours start at 0 kr: a scale from the smallest to the largest
    # value made municipalities 2 % apart look like opposites (one region's
    # amounts per FTE are nearly equal), and one municipality's map labelled
    # its bar "2 102" five times.
    drawn = [z for z in per_fte if z is not None]
    if drawn and max(drawn) > 0:
        trace.update(zmin=0, zmax=max(drawn))
    geo = {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}}
    return _figure([trace], tr("chart.map"), lang, height=460, geo=geo)


def _by_status(frame: pd.DataFrame) -> Iterable[tuple[str, str, pd.DataFrame]]:
    for status, colour in STATUS_COLOURS.items():
        part = frame[frame["status"] == status]
        if not part.empty:
            yield status, colour, part


def status_by_month(frame: pd.DataFrame, lang: str) -> Figure:
    tr = translator(lang)
    # One pass over the rows (months times statuses), not a mask per status.
    parts: dict[str, tuple[list[str], list[Any]]] = {s: ([], []) for s in STATUS_COLOURS}
    for month, projects, status in zip(
        texts(frame["month"]), values(frame["projects"]), items(frame["status"]), strict=True
    ):
        if status in parts:
            parts[status][0].append(month)
            parts[status][1].append(projects)
    data = [
        {
            "type": "bar",
            "x": parts[status][0],
            "y": parts[status][1],
            "name": tr(f"status.{status}"),
            "marker": {"color": colour},
        }
        for status, colour in STATUS_COLOURS.items()
        if parts[status][0]
    ]
    return _figure(
        data, tr("chart.status_by_month"), lang, barmode="stack", bargap=0.1, xaxis=MONTH_AXIS
    )


def timeline(frame: pd.DataFrame, lang: str) -> Figure:
    """Each project from start to planned end, coloured by its status."""
    tr = translator(lang)
    total = len(frame)
    frame = frame.tail(MAX_BARS)  # the projects started last
    data = []
    for status, colour, part in _by_status(frame):
        starts = pd.to_datetime(part["start_date"])
        ends = pd.to_datetime(part["planned_end"])
        data.append(
            {
                "type": "bar",
                "y": plain(part["title"]),
                "x": values((ends - starts).dt.days * 86_400_000),
                "base": [d.strftime("%Y-%m-%d") for d in starts],
                "orientation": "h",
                "name": tr(f"status.{status}"),
                "marker": {"color": colour},
                "customdata": [[v] for v in plain(part["project_id"])],
                "hovertemplate": "%{y}<br>%{base|%d.%m.%Y} – %{x}<extra>%{customdata[0]}</extra>",
            }
        )
    return _figure(
        data,
        tr("chart.timeline"),
        lang,
        height=max(360, 22 * len(frame) + 100),
        annotations=_shown_note(len(frame), total, lang),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"type": "date", "tickformat": "%m.%Y", "dtick": "M6", "hoverformat": "%d.%m.%Y"},
    )


def spending(frame: pd.DataFrame, lang: str) -> Figure:
    tr = translator(lang)
    budgets = frame.groupby("forum_name", sort=True)["budget_nok"].max()
    shown = set(budgets.sort_values(ascending=False, kind="stable").index[:MAX_LINES])
    data = []
    drawn = frame[frame["forum_name"].isin(shown)]
    for i, (forum, part) in enumerate(drawn.groupby("forum_name", sort=True)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        month = texts(part["month"])
        data.append(
            {
                "type": "scatter",
                "x": month,
                "y": values(part["spent_to_date_nok"]),
                "name": plain([forum])[0],
                "mode": "lines",
                "line": {"color": colour, "width": 2},
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": month,
                "y": values(part["budget_nok"]),
                "name": plain([f"{forum} – {tr('series.budget')}"])[0],
                "mode": "lines",
                "line": {"color": colour, "dash": "dot", "width": 1},
                "showlegend": False,
            }
        )
    return _figure(
        data,
        tr("chart.spending"),
        lang,
        height=420,
        annotations=_shown_note(len(shown), len(budgets), lang),
        xaxis=MONTH_AXIS,
        yaxis=MONEY_AXIS,
    )


def compliance_summary(frame: pd.DataFrame, lang: str) -> Figure:
    """Breaches and warnings per rule."""
    tr = translator(lang)
    per_rule = frame.groupby("rule_id", sort=False)[["breach", "warning"]].sum()
    order = sorted(per_rule.index, key=lambda r: int(r[1:]))
    per_rule = per_rule.loc[order]
    data = []
    for status, colour in STATUS_BAR_COLOURS.items():
        counts = values(per_rule[status])
        data.append(
            {
                "type": "bar",
                "x": [str(r) for r in per_rule.index],
                "y": counts,
                "name": tr(f"status.{status}"),
                "marker": {"color": colour},
                "text": [n or "" for n in counts],  # no "0" labels
                "textposition": "outside",
            }
        )
    return _figure(data, tr("chart.compliance_summary"), lang, barmode="group")


def compliance_owners(frame: pd.DataFrame, lang: str) -> Figure:
    """The owners with breaches or warnings, most first."""
    flagged = frame[(frame["breach"] > 0) | (frame["warning"] > 0)]
    series = [("breach", "status.breach"), ("warning", "status.warning")]
    shown = flagged.head(MAX_BARS)  # the frame lists the most breaches first
    return _row_bars(
        shown,
        len(flagged),
        "owner_name",
        series,
        "chart.compliance_owners",
        lang,
        (22, 260, 100),
        STATUS_BAR_COLOURS,
        barmode="stack",
        xaxis={"dtick": 1},
    )


CHARTS: dict[str, Callable[[pd.DataFrame, str], Figure]] = {
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
