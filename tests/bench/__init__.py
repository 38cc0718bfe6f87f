"""Benchmarks for SPEC §4 "Quality bars" (run as modules, e.g. `python -m tests.bench.inbound`)."""
