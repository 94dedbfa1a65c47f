"""What the compliance rules cost when evaluated live, as of a date (the
date filter, which the derived tables do not answer), on the national-scale
data of ``make bench``: reading their inputs and evaluating them, for one
year and for every year, median of ``--repeat`` runs.

    .venv/bin/python -m bench.rules [--scale 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from bench.harness import dataset

DATES = (dt.date(2024, 6, 1), dt.date(2025, 3, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from core import store, views
    from core.compliance import evaluate
    from core.filters import Filters

    db = dataset(args.scale)
    with store.Store(db).snapshot() as snap:
        for as_of in DATES:
            for year in (as_of.year, None):
                f = Filters(year=year, as_of=as_of)
                inputs_s, evaluate_s, rows = [], [], 0
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    inputs = views.compliance_inputs(snap, f)
                    inputs_s.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    rows = len(evaluate(inputs))
                    evaluate_s.append(time.perf_counter() - started)
                print(
                    f"as of {as_of}, {'year ' + str(year) if year else 'every year':10s}"
                    f"  inputs {statistics.median(inputs_s):5.2f} s"
                    f"  evaluate {statistics.median(evaluate_s):5.2f} s  {rows:6d} rows"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
