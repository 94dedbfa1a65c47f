"""Only the export figure of ``make bench``, measured as bench.run's
``measure_export`` does: ``dekomp export status-history --dialect csv --out
FILE`` of the national data as a subprocess against DuckDB's own COPY of the
same statement on a fresh read-only connection in this process, run after
run, median of ``--repeat``. Besides wall time it reports CPU time (user +
system, all threads; the subprocess's from getrusage), which other work on a
shared machine disturbs much less, and the start of the command alone
(``import core.cli`` in a new interpreter).

    .venv/bin/python -m bench.export_only                 # scale 1.0, 5 runs
    .venv/bin/python -m bench.export_only --scale 0.01 --dialect excel
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.harness import BIN, dataset, run_command
from bench.run import TARGETS
from core import views
from core.data import store
from core.filters import Filters


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(run: object) -> tuple[float, float]:
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    run()  # type: ignore[operator]
    wall = time.perf_counter() - started
    return wall, time.process_time() - cpu + _children_cpu() - children


def measure(db: Path, repeat: int, dialect: str) -> dict[str, float]:
    with store.Store(db).snapshot() as snap:
        version_file = snap.path
        sql, params = views.statement(snap, "status-history", Filters())
    runs: dict[str, list[tuple[float, float]]] = {"export": [], "copy": [], "start": []}
    with tempfile.TemporaryDirectory(prefix="dekomp-bench-") as tmp:
        out, copy_out = Path(tmp) / "export.csv", Path(tmp) / "copy.csv"
        command = [str(BIN / "dekomp"), "export", "status-history", "--dialect", dialect]
        command += ["--db", str(db), "--out", str(out)]

        def export() -> None:
            run_command(command, 600, stderr=subprocess.DEVNULL)

        def copy() -> None:
            with duckdb.connect(str(version_file), read_only=True) as conn:
                conn.execute(f"COPY ({sql}) TO '{copy_out}' (FORMAT csv)", params)

        def start() -> None:
            run_command([str(BIN / "python"), "-c", "import core.cli"], 60)

        for _ in range(repeat):
            runs["export"].append(_timed(export))
            runs["copy"].append(_timed(copy))
            runs["start"].append(_timed(start))
        with out.open("rb") as handle:
            rows = sum(1 for _ in handle) - 1
    figures = {"rows": float(rows)}
    for name, timings in runs.items():
        figures[f"{name}_s"] = statistics.median(t[0] for t in timings)
        figures[f"{name}_cpu_s"] = statistics.median(t[1] for t in timings)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dialect", choices=["csv", "excel"], default="csv")
    args = parser.parse_args(argv)
    m = measure(dataset(args.scale), args.repeat, args.dialect)
    lines = [
        (f"export status-history ({int(m['rows'])} rows)", "export"),
        ("duckdb COPY (same query)", "copy"),
        ("import core.cli alone", "start"),
    ]
    print(f"{'':36} {'wall':>8} {'cpu':>8}")
    for label, key in lines:
        print(f"{label:36} {m[key + '_s']:7.3f}s {m[key + '_cpu_s']:7.3f}s")
    wall, cpu = m["export_s"] / m["copy_s"], m["export_cpu_s"] / m["copy_cpu_s"]
    print(f"ratio: wall {wall:.2f}x, cpu {cpu:.2f}x (target {TARGETS['export_ratio']}x wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
