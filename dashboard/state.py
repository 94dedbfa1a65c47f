"""The app's shared state, kept in the URL and mirrored in a dcc.Store:
the filter query string and the language."""

from __future__ import annotations

from urllib.parse import parse_qsl

from core.filters import FilterError, Filters
from dashboard.i18n import valid

LANG_KEY = "lang"


def read_state(state: dict | None) -> tuple[Filters, str]:
    """Filters and language from the store; anything invalid counts as unset."""
    state = state or {}
    lang = valid(state.get("lang"))
    try:
        filters = Filters.from_query(dict(parse_qsl(state.get("query") or "")))
    except FilterError:
        filters = Filters()
    return filters, lang


def query_of(filters: Filters, lang: str) -> str:
    """The URL query: the filters, and the language when it is not bokmål."""
    query = filters.to_query()
    if lang != "nb":
        query = f"{query}&{LANG_KEY}={lang}" if query else f"{LANG_KEY}={lang}"
    return query
