"""The shell around every page: navbar from the page registry, the filter
bar, the language switch, the page container and the footer; and the
callbacks that keep the filters, the URL and the language in step.

Flow: the URL sets the controls on load (and on back/forward); the controls
set the state store; the store rewrites the URL in place (clientside, no
reload) and every page, chart, table and download reads the store.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from core import export, fmt
from core.data.store import StoreError
from core.data.summary import data_summary
from core.export import snapshot as zip_snapshot
from core.filters import FilterError, Filters
from core.views import FilterOptions, filter_options
from dashboard import ids, present
from dashboard.components import text
from dashboard.data import snapshot
from dashboard.i18n import LANGUAGES, translator, valid
from dashboard.outputs import OUTPUTS
from dashboard.state import LANG_KEY, query_of, read_state


def _nav_links() -> list[dbc.NavItem]:
    return [
        dbc.NavItem(
            dbc.NavLink(
                translator("nb")(f"nav.{page['module'].split('.')[-1]}"),
                href=page["relative_path"],
                active="exact",
                id={"type": ids.NAV_LINK, "page": page["module"].split(".")[-1]},
            )
        )
        for page in dash.page_registry.values()
    ]


def _control(name: str, control: object, md: int = 2) -> dbc.Col:
    label_key = f"filter.{name}"
    return dbc.Col(
        [
            html.Label(
                translator("nb")(label_key),
                htmlFor=f"filter-{name.replace('_', '-')}",
                id={"type": ids.FILTER_LABEL, "name": name},
                className="form-label small fw-semibold mb-1",
            ),
            control,
        ],
        xs=12,
        sm=6,
        md=md,
        className="mb-2",
    )


# The filter bar's dropdowns: name (label key filter.<name>), id, width (md columns).
DROPDOWNS = (
    ("year", ids.F_YEAR, 2),
    ("forum", ids.F_FORUM, 3),
    ("municipality", ids.F_MUNICIPALITY, 3),
    ("owner_type", ids.F_OWNER_TYPE, 2),
)
DROPDOWN_IDS = [i for _, i, _ in DROPDOWNS]


def _dialect_options(lang: str) -> list[dict[str, str]]:
    tr = translator(lang)
    return [
        {"label": tr("download.dialect_excel"), "value": "excel"},
        {"label": tr("download.dialect_csv"), "value": "csv"},
    ]


def filter_bar() -> html.Section:
    tr = translator("nb")
    return html.Section(
        dbc.Card(
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            *(
                                _control(name, dcc.Dropdown(id=i, placeholder=tr("filter.all")), md)
                                for name, i, md in DROPDOWNS
                            ),
                            _control(
                                "as_of",
                                dcc.DatePickerSingle(
                                    id=ids.F_AS_OF,
                                    display_format="DD.MM.YYYY",
                                    first_day_of_week=1,
                                    clearable=True,
                                    placeholder=tr("filter.as_of_default"),
                                ),
                                2,
                            ),
                        ],
                        className="g-2 align-items-end",
                    ),
                    html.Div(
                        [
                            html.Label(
                                tr("download.dialect"),
                                htmlFor=ids.DIALECT,
                                id=ids.text("download.dialect"),
                                className="small fw-semibold me-2 mb-0 text-nowrap",
                            ),
                            dbc.Select(
                                id=ids.DIALECT,
                                options=_dialect_options("nb"),
                                value="excel",
                                size="sm",
                                persistence=True,
                                style={"maxWidth": "12rem"},
                            ),
                            dbc.Button(
                                text("action.snapshot", at="shell"),
                                id=ids.SNAPSHOT_BUTTON,
                                color="secondary",
                                outline=True,
                                size="sm",
                                n_clicks=0,
                                className="ms-3 text-nowrap",
                            ),
                            dcc.Download(id=ids.SNAPSHOT_DOWNLOAD),
                        ],
                        className="d-flex align-items-center mt-2",
                    ),
                ],
                className="py-2",
            ),
            className="mb-3 shadow-sm filter-bar",
        ),
        role="search",
        **{"aria-label": tr("filter.region_label")},
    )


def shell() -> html.Div:
    tr = translator("nb")
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.STATE),
            dcc.Store(id=ids.URL_SYNC),
            html.A(
                tr("nav.skip"),
                href="#main",
                className="visually-hidden-focusable skip-link",
                id=ids.text("nav.skip"),
            ),
            dbc.Navbar(
                dbc.Container(
                    [
                        dbc.NavbarBrand("Dekomp monitor", href="/"),
                        dbc.Nav(_nav_links(), navbar=True, className="me-auto"),
                        html.Div(
                            [
                                html.Label(
                                    tr("language.label"),
                                    htmlFor=ids.LANG,
                                    className="visually-hidden",
                                    id=ids.text("language.label"),
                                ),
                                dbc.Select(
                                    id=ids.LANG,
                                    options=[
                                        {"label": v, "value": k} for k, v in LANGUAGES.items()
                                    ],
                                    value="nb",
                                    size="sm",
                                ),
                            ]
                        ),
                    ],
                    fluid="xl",
                ),
                color="dark",
                dark=True,
                class_name="mb-3",
            ),
            dbc.Container(
                [
                    filter_bar(),
                    html.Div(id=ids.NOTICE),
                    html.Main(dash.page_container, id="main", tabIndex="-1"),
                    html.Footer(
                        [
                            html.Span(id=ids.DATA_VERSION),
                            " · ",
                            text("footer.attribution"),
                        ],
                        className="small text-muted border-top pt-2 mt-4 mb-3",
                    ),
                ],
                fluid="xl",
            ),
        ]
    )


# --- URL -> controls ----------------------------------------------------------

ALL_YEARS = "alle"  # ?aar=alle: every year; no aar: the latest year


@callback(
    *[Output(i, "options") for i in DROPDOWN_IDS],
    *[Output(i, "value") for i in DROPDOWN_IDS],
    Output(ids.F_AS_OF, "date"),
    Output(ids.LANG, "value"),
    Output(ids.NOTICE, "children"),
    Input(ids.URL, "search"),
    Input(ids.LANG, "value"),
)
def url_to_controls(search: str | None, lang_value: str | None) -> tuple:
    """Options and values together, so a value never arrives before its
    option. A change of language only relabels the options."""
    params = dict(parse_qsl((search or "").lstrip("?")))
    from_url = ctx.triggered_id != ids.LANG
    lang = valid(params.get(LANG_KEY)) if from_url else valid(lang_value)
    tr = translator(lang)
    try:
        with snapshot() as snap:
            opts = filter_options(snap)
            # The same for everybody on this version and language.
            options = OUTPUTS.get_or_compute(
                (snap.path, "filter-options", lang), lambda: (_options(opts, tr), True)
            )
    except StoreError as err:
        # No database yet (or a broken folder): say so instead of breaking.
        notice = dbc.Alert(str(err), color="danger", id="store-error")
        return ([], [], [], [], None, None, None, None, None, lang, notice)
    if not from_url:
        return (*options, *[dash.no_update] * 7)
    year_param = params.pop("aar", None)
    notice = None
    try:
        f = Filters.from_query(params)
    except FilterError as err:
        f = Filters()
        notice = dbc.Alert(f"{tr('error.bad_url')} {err}", color="warning", dismissable=True)
    if year_param == ALL_YEARS:
        year: int | str = ALL_YEARS
    elif year_param and year_param.isdigit() and int(year_param) in opts.years:
        year = int(year_param)
    else:
        year = opts.years[-1] if opts.years else ALL_YEARS
    as_of = f.as_of.isoformat() if f.as_of else None
    # The language only when it changes: following a link in the navigation
    # bar then does not ask again for everything that follows the language.
    lang_out = dash.no_update if lang == lang_value else lang
    return (*options, year, f.forum, f.municipality, f.owner_type, as_of, lang_out, notice)


def _options(opts: FilterOptions, tr: Callable[..., str]) -> tuple[list[dict], ...]:
    """The filter bar's options: years, forums, municipalities, owner types."""
    return (
        [{"label": tr("filter.all_years"), "value": ALL_YEARS}]
        + [{"label": str(y), "value": y} for y in opts.years],
        [{"label": name, "value": fid} for fid, name in opts.forums],
        [
            {"label": f"{name} ({knr}, {start}–{end or ''})", "value": knr}
            for knr, name, start, end in opts.municipalities
        ],
        [{"label": tr(f"owner_type.{t}"), "value": t} for t in opts.owner_types],
    )


# --- controls -> state --------------------------------------------------------


@callback(
    Output(ids.STATE, "data"),
    Output(ids.DATA_VERSION, "children"),
    *[Input(i, "value") for i in DROPDOWN_IDS],
    Input(ids.F_AS_OF, "date"),
    Input(ids.LANG, "value"),
)
def controls_to_state(year, forum, municipality, owner_type, as_of, lang) -> tuple[dict, str]:
    """The filter state every card reads, and the footer's data version with
    it: the cards answer from the version published now, so the footer says
    which, without a request of its own on every click."""
    lang = valid(lang)
    all_years = year in (ALL_YEARS, None)
    try:
        f = Filters.parse(
            year=None if all_years else year,
            forum=forum,
            municipality=municipality,
            owner_type=owner_type,
            as_of=(as_of or "")[:10] or None,
        )
    except FilterError:
        f = Filters()
    url_query = query_of(f, lang)
    if all_years:
        url_query = f"aar={ALL_YEARS}" + (f"&{url_query}" if url_query else "")
    state = {"query": f.to_query(), "lang": lang, "url_query": url_query}
    return state, _data_version(lang)


# state -> URL (in place, no reload) and <html lang>
clientside_callback(
    """
    function(state) {
        if (!state) { return window.dash_clientside.no_update; }
        const query = state.url_query ? '?' + state.url_query : '';
        if (window.location.search !== query) {
            window.history.replaceState(null, '', window.location.pathname + query);
        }
        document.documentElement.lang = state.lang || 'nb';
        return query;
    }
    """,
    Output(ids.URL_SYNC, "data"),
    Input(ids.STATE, "data"),
)

# state -> the page links keep the filters (in the browser: no request per click)
clientside_callback(
    """
    function(state, hrefs) {
        const query = state && state.url_query ? '?' + state.url_query : '';
        return hrefs.map(href => (href || '/').split('?')[0] + query);
    }
    """,
    Output({"type": ids.NAV_LINK, "page": ALL}, "href"),
    Input(ids.STATE, "data"),
    State({"type": ids.NAV_LINK, "page": ALL}, "href"),
)


# --- options, labels and links that follow the data and the language -----------


def _data_version(lang: str) -> str:
    """The footer's data version, and that the data is illustrative where it
    is the demo data (imported data is not)."""
    tr = translator(lang)
    try:
        with snapshot() as snap:
            version = snap.version
            is_demo = data_summary(snap).is_demo
    except StoreError:
        return tr("footer.no_data")
    text = tr(
        "footer.version",
        version=version.version_id,
        time=fmt.datetime(version.created_at, present.locale(lang)),
    )
    return f"{text} · {tr('footer.demo')}" if is_demo else text


@callback(
    Output({"type": ids.TEXT, "key": ALL, "at": ALL}, "children"),
    Output({"type": ids.FILTER_LABEL, "name": ALL}, "children"),
    Output({"type": ids.TAB_LABEL, "key": ALL, "card": ALL}, "label"),
    Output({"type": ids.NAV_LINK, "page": ALL}, "children"),
    Output(ids.F_AS_OF, "placeholder"),
    *[Output(i, "placeholder") for i in (ids.F_FORUM, ids.F_MUNICIPALITY, ids.F_OWNER_TYPE)],
    Input(ids.LANG, "value"),
)
def follow_language(lang_value: str | None) -> tuple:
    """Every label in the chosen language. It reads the language selector,
    not the filter state, so a filter click does not ask for it again."""
    tr = translator(valid(lang_value))
    return (
        [tr(o["id"]["key"]) for o in ctx.outputs_list[0]],
        [tr(f"filter.{o['id']['name']}") for o in ctx.outputs_list[1]],
        [tr(o["id"]["key"]) for o in ctx.outputs_list[2]],
        [tr(f"nav.{o['id']['page']}") for o in ctx.outputs_list[3]],
        tr("filter.as_of_default"),
        *[tr("filter.all")] * 3,
    )


# --- downloads ----------------------------------------------------------------


@callback(
    Output({"type": ids.DOWNLOAD, "view": dash.MATCH, "card": dash.MATCH}, "data"),
    Input({"type": ids.DOWNLOAD_BUTTON, "view": dash.MATCH, "card": dash.MATCH}, "n_clicks"),
    State(ids.STATE, "data"),
    State(ids.DIALECT, "value"),
    prevent_initial_call=True,
)
def download(n_clicks: int, state: dict | None, dialect: str | None) -> dict:
    view = ctx.triggered_id["view"]
    filters, _ = read_state(state)
    try:
        with snapshot() as snap:
            data = export.view_bytes(snap, view, filters, export.DIALECTS[_dialect(dialect)])
            name = export.file_name(view, filters, snap.version.version_id)
    except StoreError:
        raise PreventUpdate from None
    return dcc.send_bytes(data, name, type="text/csv")


def _dialect(value: str | None) -> str:
    return value if value in export.DIALECTS else "excel"


@callback(
    Output(ids.SNAPSHOT_DOWNLOAD, "data"),
    Input(ids.SNAPSHOT_BUTTON, "n_clicks"),
    State(ids.STATE, "data"),
    State(ids.DIALECT, "value"),
    prevent_initial_call=True,
)
def download_snapshot(n_clicks: int, state: dict | None, dialect: str | None) -> dict:
    """Every view under the filters as one ZIP (core.export.snapshot, as the CLI)."""
    filters, _ = read_state(state)
    try:
        with snapshot() as snap:
            data = zip_snapshot.build(snap, filters, export.DIALECTS[_dialect(dialect)])
            name = zip_snapshot.file_name(filters, snap.version.version_id)
    except StoreError:
        raise PreventUpdate from None
    return dcc.send_bytes(data, name, type="application/zip")


@callback(Output(ids.DIALECT, "options"), Input(ids.LANG, "value"))
def dialect_labels(lang_value: str | None) -> list[dict[str, str]]:
    return _dialect_options(valid(lang_value))
