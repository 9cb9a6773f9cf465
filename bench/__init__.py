"""Benchmarks against the running bot (`make bench`); not part of the test suite."""
