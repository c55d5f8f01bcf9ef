"""Benchmarks for `make bench`: speed and quality figures written to bench/results.md."""
