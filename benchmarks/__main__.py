"""``uv run python -m benchmarks [--quick] [--json] [--only NAME ...]``: run them, print the figures."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from benchmarks import freshness, hub, hub_failover, memory, simulator, startup, ui_scale, web, webhooks
from benchmarks.figures import Figure, as_json, table, with_ratios


def team_hub(*, quick: bool = False) -> list[Figure]:
    """One hub with 25 viewers, then two replicas on a real Redis and the lease holder's failover."""
    return hub.run(quick=quick) + hub_failover.run(quick=quick)


BENCHMARKS = {
    "freshness": freshness.run,
    "ui": ui_scale.run,
    "startup": startup.run,
    "memory": memory.run,
    "simulator": simulator.run,
    "webhooks": webhooks.run,
    "hub": team_hub,
    "web": web.run,
}


def machine() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs (about a minute in all)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    started = time.perf_counter()
    for name in args.only or BENCHMARKS:
        began = time.perf_counter()
        figures += BENCHMARKS[name](quick=args.quick)
        print(f"{name}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    figures = with_ratios(figures)
    if args.json:
        print(json.dumps({"machine": machine(), **as_json(figures)}, indent=2))
    else:
        print(f"# {machine()}; {time.perf_counter() - started:.0f} s{' (quick)' if args.quick else ''}")
        print(table(figures))
    missed = [figure.key for figure in figures if figure.met is False]
    if missed:
        print(f"missed goals: {', '.join(missed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
