"""The command line of the generator: ``python -m generate demo|national``.

The demo is read back after writing and checked (common.check and the
planted breaches of demo_check); exit status 1 if anything is off. The
national data is checked by importing it (``--db``): at scale 1.0 a read-back
would take twice as long as generating it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.data import ingest
from generate import demo, national
from generate.common import check, files, read_back, write_all
from generate.demo_check import check_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generate", description="Write test data in the import format."
    )
    profiles = parser.add_subparsers(dest="profile", required=True)
    one = profiles.add_parser("demo", help="Oslo og Akershus 2018-2021 (data/demo/)")
    one.add_argument("--out", type=Path, default=demo.OUT_DIR)
    one.add_argument("--seed", type=int, default=demo.SEED)
    all_ = profiles.add_parser("national", help="all of Norway 2018-2026, synthetic")
    all_.add_argument("--out", type=Path, default=national.OUT_DIR)
    all_.add_argument("--scale", type=float, default=1.0)
    all_.add_argument("--db", type=Path, help="also import the files into this database")
    args = parser.parse_args(argv)
    if args.profile == "national" and args.scale <= 0:
        parser.error("--scale must be positive")

    started = time.perf_counter()
    if args.profile == "demo":
        counts = write_all(demo.DemoBuilder(args.seed).build(), args.out)
    else:
        counts = write_all(national.NationalBuilder(args.scale).build(), args.out)
    took = time.perf_counter() - started
    total_bytes = 0
    for kind, count in counts.items():
        size = (args.out / f"{kind}.csv").stat().st_size
        total_bytes += size
        print(f"{kind + '.csv':20} {count:8} rows {size / 1e6:9.2f} MB")
    print(f"{'all':20} {sum(counts.values()):8} rows {total_bytes / 1e6:9.2f} MB")
    print(f"generated in {took:.1f} s")

    if args.profile == "demo":
        problems, parsed = read_back(args.out)
        if not problems:  # every row parsed: check what the files hold together
            problems = check(parsed) + check_demo(parsed)
        if problems:
            print(f"{len(problems)} problems:", file=sys.stderr)
            for problem in problems:
                print("  " + problem, file=sys.stderr)
            return 1
    elif args.db:
        started = time.perf_counter()
        try:
            result = ingest.import_files(args.db, files(args.out), description=national.DESCRIPTION)
        except ingest.ImportRejected as err:
            for problem in err.problems[:50]:
                print(problem, file=sys.stderr)
            print(f"{len(err.problems)} problems", file=sys.stderr)
            return 1
        print(f"imported in {time.perf_counter() - started:.1f} s: version {result.version_id}")
    return 0
