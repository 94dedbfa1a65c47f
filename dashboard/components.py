"""Reusable pieces: a chart card with its table twin and CSV download, a
key-figure card, a download button, and the callback factory that fills a
card from a core view under the current filters."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from core import fmt, views
from core.data.store import Snapshot, frame
from core.filters import Filters
from dashboard import charts, ids, present
from dashboard.data import snapshot
from dashboard.i18n import translator
from dashboard.outputs import OUTPUTS
from dashboard.state import read_state

log = logging.getLogger(__name__)

# The table twin of a chart sends no more rows than a reader scrolls through;
# the card says so, and its CSV download has every row.
MAX_TABLE_ROWS = 500
ANY = "alle"  # a narrowing control's value for every row (a select shows "" as empty)


@dataclass(frozen=True)
class Card:
    """A chart and its table, both drawn from one view."""

    name: str  # unique in the app, prefixed by the page: "dist-forums"
    view: str  # a key of core.views.VIEWS: the table and the download
    chart: str | None  # a key of dashboard.charts.CHARTS; None for a table only
    title_key: str  # catalog key of the card's title
    wrap: tuple[str, ...] = ()  # columns of long text, wrapped in the table
    first: tuple[str, ...] = ()  # columns the table shows first (the CSV keeps its order)
    hidden: tuple[str, ...] = ()  # columns left out of the table (kept in the CSV)
    # Controls of the card that narrow its table on the server, so a cut table
    # never hides what they select: the rows whose column (``narrow_columns``,
    # in the same order) equals the control's value; ``ANY`` selects all.
    narrow_by: tuple[str, ...] = ()
    narrow_columns: tuple[str, ...] = ()

    @property
    def graph_id(self) -> str:
        return f"{self.name}-graph"

    @property
    def grid_id(self) -> str:
        return f"{self.name}-grid"

    @property
    def seen_id(self) -> str:
        """A chart card's store: true once the card has come near the screen."""
        return f"{self.name}-seen"


def text(key: str, tag: type = html.Span, at: str = "", **props: object) -> html.Component:
    """Static text that follows the language switch (bokmål until then)."""
    return tag(translator("nb")(key), id=ids.text(key, at), **props)


def download_button(view: str, card: str, label_key: str = "action.download_csv") -> html.Div:
    return html.Div(
        [
            dbc.Button(
                text(label_key, at=card),
                id=ids.download_button(view, card),
                color="secondary",
                outline=True,
                size="sm",
                n_clicks=0,
            ),
            dcc.Download(id=ids.download(view, card)),
        ],
        className="d-inline-block me-2",
    )


def _grid(spec: Card) -> html.Div:
    return html.Div(
        [
            dag.AgGrid(
                id=spec.grid_id,
                rowData=[],
                columnDefs=[],
                defaultColDef={
                    "sortable": True,
                    "filter": True,
                    "resizable": True,
                    "minWidth": 90,
                },
                dashGridOptions=grid_options("nb"),
                className="ag-theme-alpine",
                style={"width": "100%"},
            ),
            # AG Grid draws its own no-rows text before a callback can set its
            # language; an empty table says so here instead.
            html.P(id=f"{spec.name}-empty", className="text-muted small mt-2 mb-0"),
        ]
    )


GRID_LOCALE_KEYS = (
    "page",
    "of",
    "to",
    "pageSizeSelectorLabel",
    "firstPage",
    "previousPage",
    "nextPage",
    "lastPage",
    "filterOoo",
    "equals",
    "contains",
    "notContains",
    "startsWith",
    "endsWith",
    "blank",
    "notBlank",
    "andCondition",
    "orCondition",
)


def grid_options(lang: str) -> dict:
    tr = translator(lang)
    return {
        "domLayout": "autoHeight",
        "pagination": True,
        "paginationPageSize": 20,
        "suppressNoRowsOverlay": True,
        "localeText": {key: tr(f"grid.{key}") for key in GRID_LOCALE_KEYS},
    }


# Plotly's geo maps fetch their base topology even when it is hidden: serve it
# from the app's assets instead of a CDN.
GRAPH_CONFIG = {"displaylogo": False, "topojsonURL": "/assets/topojson/"}


def _header(spec: Card) -> dbc.CardHeader:
    return dbc.CardHeader(
        html.Div(
            [
                text(spec.title_key, html.H2, at=spec.name, className="h6 mb-0 me-auto"),
                download_button(spec.view, spec.name),
            ],
            className="d-flex align-items-center",
        )
    )


def table_card(spec: Card, controls: object = None) -> dbc.Card:
    """Title, a table and the CSV download (for views that are tables)."""
    body = [controls, _grid(spec)] if controls is not None else [_grid(spec)]
    return dbc.Card(
        [_header(spec), dbc.CardBody(body)], className="mb-4 shadow-sm", id=f"{spec.name}-card"
    )


def card(spec: Card) -> dbc.Card:
    """Title, a chart and its table as two tabs, and the CSV download."""
    tabs = [
        dbc.Tab(
            content,
            label=translator("nb")(f"tab.{tab}"),
            tab_id=tab,
            id={"type": ids.TAB_LABEL, "key": f"tab.{tab}", "card": spec.name},
        )
        for tab, content in (
            ("chart", dcc.Loading(dcc.Graph(id=spec.graph_id, config=GRAPH_CONFIG))),
            ("table", _grid(spec)),
        )
    ]
    body = dbc.CardBody(
        [
            dbc.Tabs(tabs, active_tab="chart", id={"type": ids.TAB, "card": spec.name}),
            dcc.Store(id=spec.seen_id, data=False),
        ]
    )
    return dbc.Card(
        [_header(spec), body], className="mb-4 shadow-sm chart-card", id=f"{spec.name}-card"
    )


# A chart card is drawn once it comes near the screen, and from then on at
# every change of the filters: the charts below the fold cost a page nothing
# until the reader scrolls to them (drawing them was most of a page's opening
# and of a filter change on Fordeling: docs/performance.md, step 9). The
# browser watches the card and turns its store true (set_props); the card's
# callback waits for that.
WATCH_CARD = """
function (storeId) {
    // Run once per card as it enters the page (its store's id never changes);
    // it may run before React has put the card on the page.
    const watch = (tries) => {
        const card = document.getElementById(storeId.replace(/-seen$/, "-card"));
        if (!card) {
            if (tries < 100) { setTimeout(() => watch(tries + 1), 50); }
            return;
        }
        const watcher = new IntersectionObserver((entries) => {
            if (entries.some((entry) => entry.isIntersecting)) {
                watcher.disconnect();
                window.dash_clientside.set_props(storeId, { data: true });
            }
        }, { rootMargin: "200px" });
        watcher.observe(card);
    };
    watch(0);
    return window.dash_clientside.no_update;
}
"""


def register(spec: Card) -> None:
    """The card's callback: the view under the filters, drawn as a chart (if
    any) and as a table. An error shows a message in the card."""
    outputs = [
        Output(spec.grid_id, "rowData"),
        Output(spec.grid_id, "columnDefs"),
        Output(spec.grid_id, "dashGridOptions"),
        Output(f"{spec.name}-empty", "children"),
    ]
    if spec.chart:
        outputs.insert(0, Output(spec.graph_id, "figure"))

    inputs = [Input(ids.STATE, "data"), *(Input(c, "value") for c in spec.narrow_by)]
    if spec.chart:
        inputs.insert(1, Input(spec.seen_id, "data"))
        clientside_callback(WATCH_CARD, Output(spec.seen_id, "data"), Input(spec.seen_id, "id"))

    @callback(*outputs, *inputs)
    def update(state: dict | None, *values: bool | str | None) -> tuple:
        # A chart card's values start with its store (not seen yet: nothing to draw).
        narrow = values[1:] if spec.chart else values
        if spec.chart and not values[0]:
            raise PreventUpdate
        filters, lang = read_state(state)
        try:
            with snapshot() as snap:
                key = (snap.path, spec.name, filters, lang, *narrow)
                return OUTPUTS.get_or_compute(
                    key, lambda: (card_output(spec, snap, filters, lang, narrow), True)
                )
        except Exception:
            log.exception("card %s failed", spec.name)
            tr = translator(lang)
            table = ([], [], grid_options(lang), tr("error.callback"))
            if not spec.chart:
                return table
            return (charts.empty(tr("error.callback"), lang, tr(spec.title_key)), *table)


def card_output(
    spec: Card, snap: Snapshot, filters: Filters, lang: str, narrow: tuple = ()
) -> tuple:
    """A card's chart (if any) and table under the filters. The table shows
    at most MAX_TABLE_ROWS rows and says so; its CSV has them all."""
    tr = translator(lang)
    equal = {c: v for c, v in zip(spec.narrow_columns, narrow, strict=True) if v and v != ANY}
    if spec.chart:  # the chart draws every row, the table shows the first
        rows = views.table(snap, spec.view, filters)
        total, shown = rows.num_rows, rows.slice(0, MAX_TABLE_ROWS)
    else:  # a table alone reads only the rows it shows
        shown, total = views.page(snap, spec.view, filters, MAX_TABLE_ROWS, equal)
    if total == 0:
        note = tr("empty.no_rows")
    elif len(shown) < total:
        loc = present.locale(lang)
        note = tr(
            "table.truncated",
            shown=fmt.number(len(shown), 0, loc),
            total=fmt.number(total, 0, loc),
        )
    else:
        note = None
    columns = present.column_defs(shown, lang, spec.wrap, spec.hidden, spec.first)
    table = (present.records(shown), columns, grid_options(lang), note)
    if not spec.chart:
        return table
    if total == 0:
        figure = charts.empty(tr("empty.no_data"), lang, tr(spec.title_key))
    else:
        figure = charts.CHARTS[spec.chart](frame(rows), lang)
    return (figure, *table)


def kpi(label_key: str, value_id: str, note_id: str | None = None) -> dbc.Col:
    body = [
        text(label_key, html.Div, className="kpi-label text-muted small"),
        html.Div("–", id=value_id, className="kpi-value fs-4 fw-semibold"),
    ]
    if note_id:
        body.append(html.Div(id=note_id, className="small text-muted"))
    return dbc.Col(
        dbc.Card(dbc.CardBody(body), className="h-100 shadow-sm"),
        xs=6,
        md=4,
        className="mb-3",
    )
