"""Pieces both profiles share: dates and rounding for the invented detail,
organisation numbers, the CSV files in the import format, and the read-back
check of what was written against the import contract (core.data.kinds).

A helper that draws takes the profile's ``random.Random``: one seed, one
fixed order of draws, the same bytes on every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.data.kinds import KINDS, LOAD_ORDER
from core.data.parse import orgnr_check_digit

# Numbers the tests use as "unknown owner" (the first is Oslo kommune's): never drawn.
RESERVED_ORGNR = ("958935420", "974760673")
HOLIDAYS = {(1, 1), (5, 1), (5, 17), (12, 24), (12, 25), (12, 26), (12, 31)}


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def plus(date: dt.date, days: int) -> dt.date:
    return date + dt.timedelta(days=days)


def workday(date: dt.date, back: bool = False) -> dt.date:
    """The date itself, or the nearest working day after it (before it when
    ``back``): letters and reports are not dated on weekends or holidays."""
    step = dt.timedelta(days=-1 if back else 1)
    while date.weekday() >= 5 or (date.month, date.day) in HOLIDAYS:
        date += step
    return date


def round_to(value: float, step: int) -> int:
    return round(value / step) * step


def tenths(value: float) -> Decimal:
    return Decimal(str(round(value, 1))).quantize(Decimal("0.1"))


def split(amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` positive parts, round thousands but the last."""
    part = amount // parts // 1000 * 1000 or amount // parts
    return [part] * (parts - 1) + [amount - part * (parts - 1)]


def spread(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Counts of at least 1 and at most ``caps[i]`` that add up to ``total``,
    in proportion to ``weights`` (largest remainder, ties to the lower index).
    Not core.rules.allocation.largest_remainder: that one has no floor and no caps."""
    n = len(weights)
    if not n <= total <= sum(caps):
        raise ValueError(f"cannot spread {total} over {n} items with these caps")
    extra, weight_sum = total - n, sum(weights)
    quotas = [extra * w / weight_sum for w in weights]
    counts = [1 + min(int(q), cap - 1) for q, cap in zip(quotas, caps, strict=True)]
    left = total - sum(counts)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    while left:
        for i in order:
            if left and counts[i] < caps[i]:
                counts[i] += 1
                left -= 1
    return counts


def orgnr(rng: random.Random, taken: set[str]) -> str:
    """A new synthetic organisation number: 9, seven drawn digits and a valid
    mod-11 check digit, not in ``taken`` (and added to it)."""
    while True:
        first = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
        check = orgnr_check_digit(first)
        if check is not None and first + str(check) not in taken:
            taken.add(first + str(check))
            return first + str(check)


# --- Writing ------------------------------------------------------------------------

# Where a kind has two keys, the order that keeps a forum's (or a year's) rows together.
SORT_COLUMNS = {
    "memberships": ("year", "forum_id", "institution_id", "owner_id"),
    "confirmations": ("year", "recipient_institution_id", "recipient_owner_id"),
}


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "+".join(value)
    return str(value)


def render(kind: str, rows: list[tuple[Any, ...]]) -> bytes:
    """The kind's CSV in the import format: UTF-8 without BOM, LF line ends,
    a header of the import columns, rows sorted by the kind's key(s) with
    empty key cells first."""
    columns = KINDS[kind].columns
    wanted = SORT_COLUMNS.get(kind) or [c for key in KINDS[kind].keys for c in key]
    index = [columns.index(c) for c in dict.fromkeys(wanted)]

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (row[i] is not None, row[i] if isinstance(row[i], int) else cell(row[i])) for i in index
        )

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in sorted(rows, key=key):
        assert len(row) == len(columns), (kind, row)
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def write_all(rows: dict[str, list[tuple[Any, ...]]], out: Path) -> dict[str, int]:
    """One CSV file per import kind into ``out``; the row counts."""
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        (out / f"{kind}.csv").write_bytes(render(kind, rows[kind]))
    return {kind: len(rows[kind]) for kind in KINDS}


def files(out: Path) -> list[tuple[str, Path]]:
    """The (kind, path) pairs for ``core.data.ingest.import_files``."""
    return [(kind, out / f"{kind}.csv") for kind in LOAD_ORDER]


# --- Checking what was written ----------------------------------------------------------

# Tables that references point to: table -> (kind, its columns in the file).
TABLE_SOURCE = {
    "region": ("regions", ("region_id",)),
    "municipality": ("municipalities", ("knr",)),
    "institution": ("institutions", ("institution_id",)),
    "school_owner": ("owners", ("owner_id",)),
    "forum": ("forums", ("forum_id",)),
    "forum_year": ("forums", ("forum_id", "year")),
    "award": ("awards", ("award_id",)),
    "project": ("projects", ("project_id",)),
}


def read_back(out: Path) -> tuple[list[str], dict[str, list[Any]]]:
    """Read the files back as the import would: bytes, header and types
    through the kinds' models, and unique keys. The problems and the models."""
    problems: list[str] = []
    parsed: dict[str, list[Any]] = {}
    for kind, spec in KINDS.items():
        raw = (out / f"{kind}.csv").read_bytes()
        if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
            problems.append(f"{kind}: BOM or CR in file")
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
        if tuple(reader.fieldnames or ()) != spec.columns:
            problems.append(f"{kind}: header {reader.fieldnames} != {spec.columns}")
        models = []
        for number, row in enumerate(reader, start=2):
            try:
                models.append(spec.model.model_validate(row))
            except Exception as err:  # pydantic.ValidationError
                problems.append(f"{kind} row {number}: {err}")
        parsed[kind] = models
        for key in spec.keys:
            values = [tuple(getattr(m, c) for c in key) for m in models]
            values = [v for v in values if None not in v]
            if len(values) != len(set(values)):
                problems.append(f"{kind}: duplicate key {key}")
    return problems, parsed


def check(parsed: dict[str, list[Any]]) -> list[str]:
    """What the files must hold together: references, owners active in the
    year and in a valid municipality, awards within the region's frame,
    payments within the award and after its decision, spending never down."""
    problems: list[str] = []
    index = {
        table: {tuple(getattr(m, c) for c in cols) for m in parsed[kind]}
        for table, (kind, cols) in TABLE_SOURCE.items()
    }
    owners = {o.owner_id: o for o in parsed["owners"]}
    for kind, spec in KINDS.items():
        for ref in spec.refs:
            for m in parsed[kind]:
                value = tuple(getattr(m, c) for c in ref.columns)
                if None not in value and value not in index[ref.table]:
                    problems.append(f"{kind}: unknown {ref.table} {value}")
        if spec.owner_year:
            owner_col, year_col = spec.owner_year
            for m in parsed[kind]:
                o = owners.get(getattr(m, owner_col))
                year = getattr(m, year_col)
                if o and not o.active_from <= year <= (o.active_to or 9999):
                    problems.append(f"{kind}: {o.name} not active in {year}")
    munis = {m.knr: m for m in parsed["municipalities"]}
    for o in parsed["owners"]:
        if o.knr:
            m = munis[o.knr]
            if o.active_from > (m.valid_to or 9999) or (o.active_to or 9999) < m.valid_from:
                problems.append(f"owners: {o.name}: knr {o.knr} not valid while active")

    region = {f.forum_id: f.region_id for f in parsed["forums"]}
    awarded: dict[tuple[int, str], int] = defaultdict(int)
    for a in parsed["awards"]:
        awarded[(a.year, region[a.forum_id])] += a.amount_nok
    for f in parsed["frames"]:
        if awarded[(f.year, f.region_id)] > f.frame_nok:
            problems.append(f"awards: {f.region_id} {f.year} awards above the frame")
    awards = {a.award_id: a for a in parsed["awards"]}
    paid: dict[str, int] = defaultdict(int)
    for p in parsed["payments"]:
        paid[p.award_id] += p.amount_nok
        decided = awards[p.award_id].decision_date
        if decided and p.paid_date < decided:
            problems.append(f"payments: {p.payment_id} before the decision")
    for aid, amount in paid.items():
        if amount > awards[aid].amount_nok:
            problems.append(f"payments: award {aid} paid more than awarded")
    last: dict[str, Any] = {}
    for s in parsed["status"]:
        prev = last.get(s.project_id)
        if prev and s.spent_to_date_nok < prev.spent_to_date_nok:
            problems.append(f"status: {s.project_id} spending goes down")
        last[s.project_id] = s
    return problems
