"""Snapshot ZIPs: every view's CSV under one filter state, with
``metadata.json`` (filters, as-of date, data version, generation time, app
version, row counts and totals per file) and ``LESMEG.txt`` (every column
defined in Norwegian and English).

Reproducible: the same data version, filters and dialect give the same CSV
files byte for byte, and the same ZIP but for the generation time in
``metadata.json`` (entries are stored in a fixed order with a fixed date).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from core import export, views
from core.columns import COLUMNS
from core.data.store import Snapshot
from core.filters import Filters

# Entries carry this date, not the time of writing, so that ZIPs compare.
ENTRY_DATE = (2017, 1, 1, 0, 0, 0)


def app_version() -> str:
    try:
        return version("dekomp")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "0+unknown"


def totals(frame: pd.DataFrame) -> dict[str, int]:
    """The sum of every money column (``*_nok``) of a view that adds up:
    not running totals, not amounts per teacher FTE."""
    return {
        column: int(frame[column].fillna(0).sum())
        for column in frame.columns
        if column.endswith("_nok") and not column.endswith(("_cumulative_nok", "_per_fte_nok"))
    }


def readme(columns: Iterable[str]) -> str:
    """LESMEG.txt: what the files are, then each column in both languages."""
    lines = [
        "Dekomp monitor – øyeblikksbilde / snapshot",
        "",
        "Hver CSV-fil er én visning under filtrene i metadata.json.",
        "Each CSV file is one view under the filters in metadata.json.",
        "",
        "Kolonner / columns",
        "==================",
    ]
    for name in columns:
        column = COLUMNS[name]
        lines += [
            "",
            f"{name}",
            f"  {column.nb}: {column.definition_nb}",
            f"  {column.en}: {column.definition_en}",
        ]
    return "\n".join(lines).replace("\n", "\r\n") + "\r\n"


def build(
    snap: Snapshot,
    f: Filters,
    dialect: export.Dialect = export.DIALECTS["excel"],
    *,
    generated_at: dt.datetime | None = None,
) -> bytes:
    """The ZIP of every view under ``f``, as bytes."""
    day = views.as_of(snap, f)
    data_version = snap.version
    files: list[tuple[str, bytes]] = []
    metadata_files: dict[str, Any] = {}
    seen_columns: list[str] = []
    for name, view in views.VIEWS.items():
        frame = views.frame(snap, name, f)
        data = export.view_bytes(snap, name, f, dialect)  # the bytes of `dekomp export`
        file = export.file_name(name, f, data_version.version_id)
        files.append((file, data))
        view_totals = totals(frame) if view.summable else {}
        metadata_files[file] = {"view": name, "rows": len(frame), "totals": view_totals}
        seen_columns += [c for c in frame.columns if c not in seen_columns]
    metadata = {
        "filters": {
            "year": f.year,
            "forum": f.forum,
            "municipality": f.municipality,
            "owner_type": f.owner_type,
            "as_of": f.as_of.isoformat() if f.as_of else None,
        },
        "as_of": day.isoformat(),
        "data_version": {
            "id": data_version.version_id,
            "created_at": data_version.created_at.isoformat(),
            "description": data_version.description,
        },
        "dialect": dialect.name,
        "generated_at": (generated_at or dt.datetime.now().replace(microsecond=0)).isoformat(),
        "app_version": app_version(),
        "files": metadata_files,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [
            *files,
            ("metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2).encode()),
            ("LESMEG.txt", readme(seen_columns).encode("utf-8")),
        ]:
            info = zipfile.ZipInfo(name, date_time=ENTRY_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def file_name(f: Filters, version_id: int) -> str:
    return export.file_name("snapshot", f, version_id, suffix="zip")
