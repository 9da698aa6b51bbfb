"""Benchmarks of the zhifa API (`python -m benchmarks`); not part of the installed distribution."""
