"""First answers of two databases side by side: the app served twice (as
``make bench`` serves it: ``bench.app:server``, gunicorn, 2 workers, 4
threads), one server per database, and each unseen filter state asked of
both in turn, the order alternating, so the shared machine's noise falls on
both alike. For a change of what a version stores (its facts, their
storage): build one database with each, then compare.

    .venv/bin/python -m bench.ab A.duckdb B.duckdb [--states 120]

(docs/performance.md, "After the step-8 review", has two such runs.)

Prints each callback's median answer and its ratio to the floor's median,
as ``make bench`` reports first answers; asserts nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import requests

from bench.floor import floor_request
from bench.harness import Gunicorn
from bench.run import (
    CALLBACKS,
    against_floor,
    callback_body,
    filter_states,
    poster,
    rounds,
    with_state,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="the published database A (its link)")
    parser.add_argument("b", type=Path, help="the published database B (its link)")
    parser.add_argument("--states", type=int, default=120, help="unseen filter states")
    args = parser.parse_args(argv)

    # Drawn from A's data: both databases must hold the same data.
    states = filter_states(args.a, args.states + 1)
    with Gunicorn("bench.app:server", args.a) as a, Gunicorn("bench.app:server", args.b) as b:
        specs = requests.get(a.url + "/_dash-dependencies", timeout=30).json()
        bodies = {
            name: callback_body(next(s for s in specs if output in s["output"]))
            for name, output in CALLBACKS.items()
        }
        calls = {"A": poster(a.url), "B": poster(b.url)}
        for call in calls.values():  # imports, connection, first query
            call(floor_request(0))
            for body in bodies.values():
                call(with_state(body, states[0]))
        times: dict[str, dict[str, list[float]]] = {
            side: {"floor": [], **{name: [] for name in bodies}} for side in calls
        }
        for i, state in enumerate(states[1:]):
            for side in ("A", "B") if i % 2 == 0 else ("B", "A"):
                for name, values in rounds(calls[side], bodies, [state]).items():
                    times[side][name] += values
    figures = {side: against_floor(t) for side, t in times.items()}
    print(f"{'':14s} {'A ms':>7s} {'A x':>6s} {'B ms':>7s} {'B x':>6s}")
    print(
        f"{'floor':14s} {figures['A']['floor']['median_ms']:7.2f} {'':6s}"
        f" {figures['B']['floor']['median_ms']:7.2f}"
    )
    for name in bodies:
        fa, fb = figures["A"][name], figures["B"][name]
        print(
            f"{name:14s} {fa['median_ms']:7.2f} {fa['ratio_median']:6.2f}"
            f" {fb['median_ms']:7.2f} {fb['ratio_median']:6.2f}"
        )
    print(
        f"worst: A {figures['A']['ratio_median']:.2f}x ({figures['A']['worst_median']}),"
        f" B {figures['B']['ratio_median']:.2f}x ({figures['B']['worst_median']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
