"""What a date filter costs the first time it is asked for: each fact
computed as of another date (core.data.facts), on the national-scale data
of ``make bench``, median of ``--repeat`` runs. The data's last date reads
the facts stored at publish and computes nothing.

    .venv/bin/python -m bench.facts [--scale 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from bench.harness import dataset
from core.data import facts, store

DATES = (dt.date(2024, 6, 1), dt.date(2025, 3, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    db = dataset(args.scale)
    with store.Store(db).snapshot() as snap:
        for as_of in DATES:
            times: dict[str, list[float]] = {name: [] for name in facts.FACTS}
            rows: dict[str, int] = {}
            for _ in range(args.repeat):
                for name, fact in facts.FACTS.items():
                    started = time.perf_counter()
                    table = fact.build(snap, as_of)
                    times[name].append(time.perf_counter() - started)
                    rows[name] = table.num_rows
                    snap.register(f"fact_{name}", table)  # what later facts read
                for name in facts.FACTS:
                    snap.unregister(f"fact_{name}")
            total = sum(statistics.median(t) for t in times.values())
            print(f"as of {as_of}: {total:5.2f} s in all")
            for name, t in times.items():
                print(f"  {name:15s} {statistics.median(t):6.3f} s  {rows[name]:8d} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
