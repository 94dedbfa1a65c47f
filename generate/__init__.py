"""One generator of test data in the import format (one CSV file per kind,
as data/demo/ holds them), with two profiles:

    python -m generate demo [--out DIR]                             # data/demo/
    python -m generate national [--scale S] [--out DIR] [--db DB]   # bench/cache/national

- demo.py: Oslo og Akershus 2018-2021 from the public figures, with planted
  breaches of each rule; the files in data/demo/ are its output, byte for byte.
- national.py: all of Norway 2018-2026, synthetic, sized by ``--scale`` for
  the performance work (bench/, load/).

Both build on builder.py (the steps they take alike, entitlements from
core.rules.allocation as the app computes them), common.py (dates, organisation
numbers, writing and reading back the CSV files) and reference.py (the
figures and vocabulary). No clock, no network, a fixed seed: the same bytes
on every run.
"""
