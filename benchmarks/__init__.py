"""Benchmarks: freshness within the rate budget, UI latency at scale, startup and memory.

``uv run python -m benchmarks [--quick] [--json]`` runs them all; each module has one ``run(quick=...)``
that returns its ``Figure``s (see ``figures``).
"""
