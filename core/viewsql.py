"""The views that are one SQL statement, as SQL, importable without pandas.

``dekomp export`` of such a view lets DuckDB write the CSV (core.export) and
never builds a DataFrame, so the command starts without importing pandas.
``core.views`` imports the as-of date, the project conditions and the
status-history statement from here, so there is one copy of each.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.filters import Filters, combine, forum_condition, owner_condition, year_condition

if TYPE_CHECKING:
    from core.store import Snapshot

# The default as-of date: the last date anything in the data happened (as
# core.views.data_date), so an export gives the same bytes whenever it is made.
_DATA_DATE = (
    "SELECT greatest("
    " (SELECT max(report_date) FROM status_report),"
    " (SELECT max(paid_date) FROM payment),"
    " (SELECT max(decision_date) FROM award),"
    " (SELECT max(received_date) FROM needs_report),"
    " (SELECT max(received_date) FROM confirmation))"
)


def data_date(snap: Snapshot) -> dt.date:
    value = snap.scalar(_DATA_DATE)
    return value or dt.date(2017, 1, 1)


def with_as_of(snap: Snapshot, f: Filters) -> Filters:
    """``f`` with its as-of date filled in (the data's last date if none)."""
    return f if f.as_of is not None else f.with_as_of(data_date(snap))


def project_where(f: Filters) -> str:
    """Projects started by the as-of date, by start year, forum, and the lead
    owner's municipality and type (as core.views._project_where)."""
    return combine(
        "p.start_date <= $as_of",
        year_condition(f, "year(p.start_date)"),
        forum_condition(f, "p.forum_id"),
        owner_condition(Filters(municipality=f.municipality, owner_type=f.owner_type), "o"),
    )


_STATUS_HISTORY = """
SELECT s.project_id, p.title, p.forum_id, p.lead_owner_id, s.report_date,
       s.status::VARCHAR AS status, s.spent_to_date_nok, s.participants, s.note
FROM status_report s
JOIN project p USING (project_id)
JOIN school_owner o ON o.owner_id = p.lead_owner_id
WHERE s.report_date <= $as_of AND {where}
ORDER BY s.project_id, s.report_date
"""


def status_history_sql(f: Filters) -> str:
    """The statement behind ``status-history`` (every status report up to
    the as-of date); ``f`` must have its as-of date (``with_as_of``)."""
    return _STATUS_HISTORY.format(where=project_where(f))
