"""What a callback's *first* answer for a filter state costs (the output
cache cleared before each request), in-process through Flask's test client,
on the national-scale data of ``make bench``; ``--profile NAME`` adds a
pyinstrument profile of that callback. docs/performance.md uses it to show
where the callback p95 goes.

    .venv/bin/python -m bench.first_answer [--scale 1.0] [--profile about-years-grid.rowData]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from bench.run import CALLBACKS, dataset, filter_states


def _body(dependencies: list[dict], output: str) -> dict[str, Any]:
    spec = next(d for d in dependencies if output in d["output"])
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]}
        for o in spec["output"].strip(".").split("...")
    ]
    return {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [
            {
                "id": i["id"],
                "property": i["property"],
                "value": "alle" if "comp-" in i["id"] else None,
            }
            for i in spec["inputs"]
        ],
        "changedPropIds": [],
        "state": [],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--profile", metavar="OUTPUT", help="an output id, e.g. ov-projects.children"
    )
    args = parser.parse_args(argv)

    from dashboard import create_app
    from dashboard.outputs import OUTPUTS
    from dashboard.settings import Settings

    db = dataset(args.scale)
    client = create_app(Settings(db=db)).server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    states = filter_states(db)

    def call(body: dict, state: dict) -> float:
        request = json.loads(json.dumps(body))
        for item in request["inputs"]:
            if item["id"] == "filter-state":
                item["value"] = state
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
        times = [call(body, state) for state in states]
        print(
            f"{name:14s} first answer median {statistics.median(times):6.1f} ms"
            f"  max {max(times):6.1f} ms  ({len(times)} filter states)"
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
