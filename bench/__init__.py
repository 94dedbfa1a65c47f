"""Benchmarks, run on the national-scale test data (``python -m generate national``)."""
