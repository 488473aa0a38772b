import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tui.sim.clock import ManualClock, SimClock

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


class RealTime:
    """The real clock a SimClock scales, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def simulated_seconds(clock: SimClock | ManualClock) -> float:
    """The clock's own monotonic reading: simulated seconds, moved by hand here (no real time is measured)."""
    return clock.monotonic()


def test_sim_clock_runs_speed_times_faster_than_real_time():
    real = RealTime()
    clock = SimClock(START, speed=100, real_time=real)
    real.now += 0.05
    assert clock.now() == START + timedelta(seconds=5)
    assert simulated_seconds(clock) == pytest.approx(5)
    assert clock.time() == pytest.approx(clock.now().timestamp())


async def test_sim_clock_sleep_is_scaled():
    real = RealTime()
    clock = SimClock(START, speed=1000, real_time=real, real_sleep=real.sleep)
    await clock.sleep(50)
    assert real.slept == [pytest.approx(0.05)]
    assert simulated_seconds(clock) == pytest.approx(50)


def test_sim_clock_defaults_to_now():
    before = datetime.now(UTC)
    clock = SimClock(real_time=RealTime())  # held still: its time is where it started
    after = datetime.now(UTC)
    assert before <= clock.now() <= after


async def test_manual_clock_moves_only_when_told():
    clock = ManualClock(START)
    assert clock.now() == START
    clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)
    assert simulated_seconds(clock) == 90
    await clock.sleep(10)
    assert simulated_seconds(clock) == 100
    clock.set(START + timedelta(hours=1))
    assert clock.now() == START + timedelta(hours=1)
    assert simulated_seconds(clock) == 3600


def test_manual_clock_wall_jump_leaves_monotonic_alone():
    clock = ManualClock(START)
    clock.jump_wall(8 * 3600)
    assert clock.now() == START + timedelta(hours=8)
    assert simulated_seconds(clock) == 0


async def test_manual_clock_sleep_yields_to_other_tasks():
    clock = ManualClock(START)
    seen = []

    async def other():
        seen.append("ran")

    task = asyncio.create_task(other())
    await clock.sleep(1)
    await task
    assert seen == ["ran"]
