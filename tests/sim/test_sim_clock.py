import asyncio
import time
from datetime import UTC, datetime, timedelta

from tui.sim.clock import ManualClock, SimClock

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_sim_clock_runs_faster_than_real_time():
    clock = SimClock(START, speed=100)
    time.sleep(0.05)
    elapsed = (clock.now() - START).total_seconds()
    assert 4 <= elapsed < 30
    assert clock.now().tzinfo is not None
    assert abs(clock.time() - clock.now().timestamp()) < 1


async def test_sim_clock_sleep_is_scaled():
    clock = SimClock(START, speed=1000)
    before = time.monotonic()
    await clock.sleep(50)
    assert time.monotonic() - before < 1
    assert clock.monotonic() >= 50


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
