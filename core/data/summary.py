"""What the published data version holds: its id and time, and the row
counts and frames that the dashboard's shell page and /healthz show."""

from __future__ import annotations

from dataclasses import dataclass

from core.data.store import DataVersion, Snapshot

DEMO_DESCRIPTION = "demodata"

# The tables whose rows /healthz counts.
COUNTED_TABLES = (
    "school_owner",
    "forum",
    "institution",
    "teacher_fte",
    "award",
    "payment",
    "project",
    "status_report",
    "confirmation",
)


@dataclass(frozen=True)
class Frame:
    year: int
    region: str
    frame_nok: int


@dataclass(frozen=True)
class DataSummary:
    version: DataVersion
    counts: dict[str, int]
    frames: tuple[Frame, ...]
    is_demo: bool  # built from data/demo: the UI must say the data is illustrative


def data_summary(snap: Snapshot) -> DataSummary:
    """Counts and frames, all read from one snapshot so they agree; read
    once per version (the store's result cache: a version never changes)."""
    return snap.memo(("data-summary",), lambda: _read(snap))


def _read(snap: Snapshot) -> DataSummary:
    counts_sql = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM {table}" for table in COUNTED_TABLES
    )
    counts = {table: int(n) for table, n in snap.rows(counts_sql)}
    frames = tuple(
        Frame(year, region, int(frame))
        for year, region, frame in snap.rows(
            # The office's name as it was that year (Fylkesmannen i Oslo og Viken, ...).
            "SELECT s.year, coalesce(n.name, r.short_name), s.frame_nok FROM scheme_year s "
            "JOIN region r USING (region_id) "
            "LEFT JOIN region_name n ON n.region_id = s.region_id "
            "  AND s.year BETWEEN n.valid_from AND coalesce(n.valid_to, 9999) "
            "ORDER BY s.year, 2"
        )
    )
    is_demo = bool(
        snap.scalar("SELECT count(*) FROM data_version WHERE description = ?", [DEMO_DESCRIPTION])
    )
    return DataSummary(snap.version, counts, frames, is_demo)
