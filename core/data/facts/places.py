"""The facts that do not depend on the date: forum members, municipality
numbers related by the reforms and as drawn on the map, the scheme's
parameters per year."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.data.store import Snapshot

if TYPE_CHECKING:
    import pyarrow as pa

MAP_YEAR = 2020  # the year of the municipality boundaries in data/geo/


def members(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """The forums' member owners per year, with what the owner filters ask."""
    return snap.arrow(
        "SELECT m.year, m.forum_id, m.owner_id, o.owner_type::VARCHAR AS owner_type, o.knr "
        "FROM forum_member m JOIN school_owner o USING (owner_id)"
    )


def related_municipalities(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Every municipality number with each number related to it by the
    reforms: itself, the numbers that took over from it, and every number
    those took over from. Nordre Follo (3020 or 3207) gives 0213 Ski and 0217
    Oppegård; Ski gives Nordre Follo and, through it, Oppegård."""
    return snap.arrow(
        """
        WITH RECURSIVE later(start, knr) AS (
            SELECT knr, knr FROM municipality
            UNION SELECT l.start, s.successor_knr FROM municipality_successor s
            JOIN later l ON s.knr = l.knr
        ), earlier(start, knr) AS (
            SELECT start, knr FROM later
            UNION SELECT e.start, s.knr FROM municipality_successor s
            JOIN earlier e ON s.successor_knr = e.knr
        )
        SELECT start AS knr, knr AS related FROM earlier
        """
    )


_MAP_NUMBERS = """
WITH RECURSIVE forward(knr, map_knr) AS (
    -- Each number to its successors until a number valid in the map's year.
    SELECT knr, knr FROM municipality
    UNION
    SELECT f.knr, s.successor_knr FROM forward f
    JOIN municipality_successor s ON s.knr = f.map_knr AND s.year <= $map_year
), map_number AS (
    SELECT f.knr, f.map_knr FROM forward f JOIN municipality m ON m.knr = f.map_knr
    WHERE $map_year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
), backward AS (
    -- Numbers of later reforms back to their predecessor valid in the map's year.
    SELECT s.successor_knr AS knr, s.knr AS map_knr FROM municipality_successor s
    JOIN municipality m ON m.knr = s.knr
    WHERE $map_year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
)
SELECT mp.knr, mp.map_knr, m.name AS map_name
FROM (SELECT * FROM map_number UNION SELECT * FROM backward) mp
JOIN municipality m ON m.knr = mp.map_knr
"""


def map_numbers(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Each municipality number and the number (and name) it is drawn as on
    the map (boundaries of MAP_YEAR)."""
    return snap.arrow(_MAP_NUMBERS, {"map_year": MAP_YEAR})


def scheme_years(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """The scheme's parameters per year and region, as the export shows them."""
    return snap.arrow(
        """
        SELECT sy.year, sy.region_id, r.short_name AS region_name, sy.frame_nok,
               sy.cofinancing_rate,
               array_to_string(sy.levels_in_scope::VARCHAR[], '+') AS levels_in_scope,
               array_to_string(sy.owner_types_in_scope::VARCHAR[], '+') AS owner_types_in_scope,
               sy.needs_deadline, sy.reporting_deadline, sy.stale_after_days,
               sy.nonparticipant_policy::VARCHAR AS nonparticipant_policy
        FROM scheme_year sy JOIN region r USING (region_id)
        """
    )
