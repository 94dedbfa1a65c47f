"""What the app answers, as hashes, to compare two versions of the code on
the same data: every export view's CSV (both dialects) and every card's
JSON answer, for the bench's 24 filter states and five more (an owner type,
dates: facts computed on demand). A speed-up that changes no answer leaves the files
equal but for the entries it names.

    .venv/bin/python -m bench.outputs --out before.json      # on one commit
    .venv/bin/python -m bench.outputs --out after.json       # on another
    .venv/bin/python -m bench.outputs --compare before.json after.json

docs/performance.md cites it for the first-answer work of 2026-11-29.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from bench.harness import dataset
from bench.run import callback_body, filter_states

MORE_STATES = [
    "eiertype=private",
    "aar=2021&eiertype=county_authority",
    "dato=2023-06-30",
    "aar=2022&dato=2024-03-01&kommune=0301",
    "dato=2021-12-31",
]


def _hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def answers(db: Path) -> dict[str, Any]:
    from core import export, views
    from core.data import store
    from core.filters import Filters
    from dashboard import create_app
    from dashboard.outputs import OUTPUTS
    from dashboard.settings import Settings

    queries = [s["query"] for s in filter_states(db)] + MORE_STATES
    states = {q: Filters.from_query(dict(p.split("=") for p in q.split("&") if p)) for q in queries}
    out: dict[str, Any] = {}
    with store.Store(db).snapshot() as snap:
        for q, f in states.items():
            for name in views.VIEWS:
                for dialect in ("excel", "csv"):
                    data = export.view_bytes(snap, name, f, export.DIALECTS[dialect])
                    out[f"export|{name}|{dialect}|{q}"] = _hash(data)
    client = create_app(Settings(db=db)).server.test_client()
    for spec in client.get("/_dash-dependencies").get_json():
        if "grid.rowData" not in spec["output"] and "ov-projects" not in spec["output"]:
            continue  # the cards (a table, or the overview's figures)
        for q, f in states.items():
            body = callback_body(spec, {"query": f.to_query(), "lang": "nb", "url_query": q})
            OUTPUTS.clear()  # a first answer, as after a new version
            response = client.post("/_dash-update-component", json=body)
            key = f"card|{spec['output'].strip('.').split('.')[0]}|{q}"
            out[key] = _hash(response.data) if response.status_code == 200 else response.status_code
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        print(f"{len(before)} answers before, {len(after)} after, {len(differ)} differ")
        for key in differ:
            print("  ", key)
        return 1 if differ else 0
    if args.out is None:
        parser.error("--out or --compare")
    found = answers(dataset(args.scale))
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    failed = [k for k, v in found.items() if isinstance(v, int)]
    print(f"{len(found)} answers to {args.out}; {len(failed)} not 200")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
