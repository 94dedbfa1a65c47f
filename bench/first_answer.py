"""Where a callback's *first* answer for a filter state goes: ``make bench``
times first answers over HTTP (bench/run.py, "first answers"); this runs
them in-process through Flask's test client (the output cache cleared
before each request), on the same data, to take them apart. ``--parts``
splits each callback's first answer into the DuckDB query, Arrow to
pandas, table rows, table columns, chart and the rest (Flask and Dash);
``--profile NAME`` adds a pyinstrument profile of that callback.
docs/performance.md uses it to show where the time goes.

    .venv/bin/python -m bench.first_answer [--scale 1.0] [--parts]
        [--profile about-years-grid.rowData]
"""

from __future__ import annotations

import argparse
import collections
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.harness import dataset
from bench.run import CALLBACKS, callback_body, filter_states, with_state


def _body(dependencies: list[dict], output: str) -> dict[str, Any]:
    return callback_body(next(d for d in dependencies if output in d["output"]))


PARTS: collections.Counter[str] = collections.Counter()  # seconds per part, --parts


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PARTS[label] += time.perf_counter() - started

    return timed


def _time_the_parts() -> None:
    """Wrap the card path's parts in timers (this process only)."""
    from core.data import store
    from dashboard import charts, present

    present.records = _timed("rows", present.records)
    present.column_defs = _timed("columns", present.column_defs)
    for name, chart in list(charts.CHARTS.items()):
        charts.CHARTS[name] = _timed("chart", chart)

    # Snapshot.df is Snapshot.arrow, then store.frame.
    store.Snapshot.arrow = _timed("query", store.Snapshot.arrow)  # type: ignore[method-assign]
    store.frame = _timed("to pandas", store.frame)
    store.Snapshot.rows = _timed("query", store.Snapshot.rows)  # type: ignore[method-assign]
    store.Snapshot.scalar = _timed("query", store.Snapshot.scalar)  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--profile", metavar="OUTPUT", help="an output id, e.g. ov-projects.children"
    )
    parser.add_argument("--parts", action="store_true", help="time the parts of each answer")
    args = parser.parse_args(argv)
    if args.parts:
        _time_the_parts()

    from dashboard import create_app
    from dashboard.outputs import OUTPUTS
    from dashboard.settings import Settings

    db = dataset(args.scale)
    client = create_app(Settings(db=db)).server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    states = filter_states(db)

    def call(body: dict, state: dict) -> float:
        request = with_state(body, state)
        OUTPUTS.clear()
        started = time.perf_counter()
        response = client.post("/_dash-update-component", json=request)
        took = (time.perf_counter() - started) * 1000
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{response.status_code} from {body['output'][:60]}")
        return took

    for name, output in CALLBACKS.items():
        body = _body(dependencies, output)
        call(body, states[0])  # imports, connection
        PARTS.clear()
        times = [call(body, state) for state in states]
        print(
            f"{name:14s} first answer median {statistics.median(times):6.1f} ms"
            f"  max {max(times):6.1f} ms  ({len(times)} filter states)"
        )
        if args.parts:
            means = {k: v * 1000 / len(states) for k, v in sorted(PARTS.items())}
            rest = statistics.mean(times) - sum(means.values())
            print(
                " " * 15
                + "  ".join(f"{k} {v:.2f}" for k, v in means.items())
                + f"  rest {rest:.2f}  (ms, mean per answer)"
            )
    if args.profile:
        from pyinstrument import Profiler

        body = _body(dependencies, args.profile)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for state in states * 3:
            call(body, state)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
