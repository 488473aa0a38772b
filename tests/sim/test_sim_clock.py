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


def test_sim_clock_runs_speed_times_faster_than_real_time():
    real = RealTime()
    clock = SimClock(START, speed=100, real_time=real)
    real.now += 0.05
    assert clock.now() == START + timedelta(seconds=5)
    assert clock.monotonic() == pytest.approx(5)
    assert clock.time() == pytest.approx(clock.now().timestamp())


async def test_sim_clock_sleep_is_scaled():
    real = RealTime()
    clock = SimClock(START, speed=1000, real_time=real, real_sleep=real.sleep)
    await clock.sleep(50)
    assert real.slept == [pytest.approx(0.05)]
    assert clock.monotonic() == pytest.approx(50)


def test_sim_clock_defaults_to_now():
    assert abs((SimClock().now() - datetime.now(UTC)).total_seconds()) < 1


async def test_manual_clock_moves_only_when_told():
    clock = ManualClock(START)
    assert clock.now() == START
    clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)
    assert clock.monotonic() == 90
    await clock.sleep(10)
    assert clock.monotonic() == 100
    clock.set(START + timedelta(hours=1))
    assert clock.now() == START + timedelta(hours=1)
    assert clock.monotonic() == 3600


def test_manual_clock_wall_jump_leaves_monotonic_alone():
    clock = ManualClock(START)
    clock.jump_wall(8 * 3600)
    assert clock.now() == START + timedelta(hours=8)
    assert clock.monotonic() == 0


async def test_manual_clock_sleep_yields_to_other_tasks():
    clock = ManualClock(START)
    seen = []

    async def other():
        seen.append("ran")

    task = asyncio.create_task(other())
    await clock.sleep(1)
    await task
    assert seen == ["ran"]
