"""Component ids, defined once. Page-specific ids are prefixed by the page."""

from __future__ import annotations

URL = "url"
STATE = "filter-state"  # dcc.Store: {"query": "aar=2018&forum=follo", "lang": "nb"}
URL_SYNC = "url-sync"  # target of the clientside callback that writes the URL
NOTICE = "filter-notice"
DATA_VERSION = "data-version-footer"

F_YEAR = "filter-year"
F_FORUM = "filter-forum"
F_MUNICIPALITY = "filter-municipality"
F_OWNER_TYPE = "filter-owner-type"
F_AS_OF = "filter-as-of"
LANG = "language"
DIALECT = "download-dialect"
SNAPSHOT_BUTTON = "snapshot-button"
SNAPSHOT_DOWNLOAD = "snapshot-download"

FILTER_LABEL = "filter-label"  # {"type": FILTER_LABEL, "name": ...}
NAV_LINK = "nav-link"  # {"type": NAV_LINK, "page": module name}
TEXT = "text"  # {"type": TEXT, "key": catalog key, "at": place}: text that follows the language

DOWNLOAD_BUTTON = "download-button"  # {"type": ..., "view": ..., "card": ...}
DOWNLOAD = "download"
TAB = "card-tabs"
TAB_LABEL = "tab-label"  # {"type": TAB_LABEL, "key": catalog key, "card": ...}


def download_button(view: str, card: str) -> dict[str, str]:
    return {"type": DOWNLOAD_BUTTON, "view": view, "card": card}


def download(view: str, card: str) -> dict[str, str]:
    return {"type": DOWNLOAD, "view": view, "card": card}


def text(key: str, at: str = "") -> dict[str, str]:
    """The same message may appear in several places; ``at`` keeps ids unique."""
    return {"type": TEXT, "key": key, "at": at or key}
