"""How fast the simulator lives through a day: the tests and the benchmarks run whole days of it on a
manual clock, so a slow day makes every one of them slow.

``sim_day_ms``: advancing a fresh simulator through 24 hours (planning the day and applying every call,
text, form and webhook event). Baseline: the same day's calls written out once as the API's JSON, the
least any simulator must do to serve them.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from benchmarks.figures import Figure
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.sim.serializers import call_json

START = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
DAY_GOAL_MS = 1000.0
API_BASE = "http://sim.bench/v3"


def one_day() -> tuple[float, float]:
    clock = ManualClock(START)
    sim = Simulator(SimConfig(seed=7), clock=clock)
    clock.advance(timedelta(days=1).total_seconds())
    began = time.perf_counter()
    sim.advance()
    day_ms = (time.perf_counter() - began) * 1000
    account = sim.account
    began = time.perf_counter()
    json.dumps([call_json(account, call, UTC, set(), API_BASE) for call in account.calls_by_id.values()])
    write_ms = (time.perf_counter() - began) * 1000
    return day_ms, write_ms


def run(*, quick: bool = False) -> list[Figure]:
    runs = [one_day() for _ in range(2 if quick else 5)]
    day = statistics.median(day for day, _ in runs)
    write = statistics.median(write for _, write in runs)
    return [Figure("sim_day_ms", day, "ms", goal=DAY_GOAL_MS, baseline=write)]
