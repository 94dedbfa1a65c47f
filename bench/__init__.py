"""Benchmarks and the national-scale test data they run on (``bench.generate``)."""
