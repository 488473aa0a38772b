from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.callrail.budget import DAY, HOUR, Bucket, Limits, RateBudget, default_state_dir
from tui.callrail.errors import BudgetExhausted
from tui.sim.clock import ManualClock

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SMALL = Limits(hourly=20, daily=50, sms_hourly=5, sms_daily=8, outbound_hourly=3, outbound_daily=6)


class VirtualClock(ManualClock):
    """A fake clock for several tasks that only ever block in ``sleep``: once all of them sleep, time
    jumps to the earliest deadline and that sleeper wakes (a ManualClock would add up their sleeps)."""

    def __init__(self, start: datetime, tasks: int) -> None:
        super().__init__(start)
        self._tasks = tasks
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        deadline = self.monotonic() + max(0.0, seconds)
        heapq.heappush(self._sleepers, (deadline, next(self._order), woken))
        self._wake()
        await woken

    def leave(self) -> None:
        """A task is done: the others no longer wait for it to sleep."""
        self._tasks -= 1
        self._wake()

    def _wake(self) -> None:
        if self._sleepers and len(self._sleepers) == self._tasks:
            deadline, _, woken = heapq.heappop(self._sleepers)
            self.advance(max(0.0, deadline - self.monotonic()))
            woken.set_result(None)


def simulated_seconds(clock: ManualClock) -> float:
    """How far the manual clock has been moved since ``START`` (no real time is measured)."""
    return (clock.now() - START).total_seconds()


def make(clock: ManualClock, **options) -> RateBudget:
    options.setdefault("rng", random.Random(1))
    return RateBudget("ACC1", clock=clock, **options)


def max_in_window(stamps: list[float], length: float) -> int:
    """The most stamps in any closed span of ``length`` seconds."""
    stamps = sorted(stamps)
    best, first = 0, 0
    for last, stamp in enumerate(stamps):
        while stamps[first] < stamp - length:
            first += 1
        best = max(best, last - first + 1)
    return best


async def fill(budget: RateBudget, bucket: Bucket = Bucket.GENERAL, *, background: bool = False) -> int:
    taken = 0
    while True:
        try:
            await budget.acquire(bucket, background=background, wait=False)
        except BudgetExhausted:
            return taken
        taken += 1


@settings(max_examples=60, deadline=None)
@given(
    share=st.sampled_from([1.0, 0.8, 0.5]),
    pattern=st.lists(
        st.tuples(
            st.floats(0, 2 * HOUR),
            st.sampled_from(list(Bucket)),
            st.booleans(),
            st.sampled_from([None, 200, 429]),  # the response, if one comes
            st.none() | st.integers(0, 60),  # what the server says is used this hour
        ),
        max_size=150,
    ),
)
def test_never_more_than_share_in_any_window(share, pattern):
    """Whatever the requests and responses (429s, headers), each rolling window holds at most the share."""
    clock = ManualClock(START)
    budget = make(clock, limits=SMALL, share=share)
    taken: dict[Bucket, list[float]] = {bucket: [] for bucket in Bucket}

    async def run() -> None:
        for gap, bucket, background, status, used in pattern:
            clock.advance(gap)
            fits = budget.available_in(bucket, background=background) == 0
            try:
                await budget.acquire(bucket, background=background, wait=False)
            except BudgetExhausted as exc:
                assert not fits and exc.available_in > 0 and exc.bucket == bucket.value
                continue
            assert fits
            taken[bucket].append(clock.time())
            if status is not None:
                headers = (
                    {}
                    if used is None
                    else {"x-rate-limit-hourly-allowed": "20", "x-rate-limit-hourly-used": str(used)}
                )
                budget.on_response(bucket, status, headers)

    asyncio.run(run())
    general = taken[Bucket.GENERAL] + taken[Bucket.SMS] + taken[Bucket.OUTBOUND]
    for stamps, hourly, daily in [
        (general, SMALL.hourly, SMALL.daily),
        (taken[Bucket.SMS], SMALL.sms_hourly, SMALL.sms_daily),
        (taken[Bucket.OUTBOUND], SMALL.outbound_hourly, SMALL.outbound_daily),
    ]:
        assert max_in_window(stamps, HOUR) <= int(hourly * share)
        assert max_in_window(stamps, DAY) <= int(daily * share)


async def test_caps_are_share_of_limits_and_sms_counts_as_general():
    clock = ManualClock(START)
    budget = make(clock)
    assert await fill(budget, Bucket.SMS) == 120
    snap = budget.snapshot()
    assert (snap.sms_used_hour, snap.sms_limit_hour, snap.sms_limit_day) == (120, 120, 800)
    assert (snap.used_hour, snap.limit_hour, snap.limit_day) == (120, 800, 8000)
    assert await fill(budget) == 680
    assert await fill(budget, Bucket.OUTBOUND) == 0


async def test_background_reserve_keeps_room_for_user_actions():
    clock = ManualClock(START)
    budget = make(clock)
    # the app's share is 800 an hour; the default reserve keeps 2.5% of it for the user
    assert await fill(budget, background=True) == 780
    assert budget.available_in(background=True) > 0
    assert budget.available_in() == 0
    assert await fill(budget) == 20


async def test_wait_or_refuse():
    clock = ManualClock(START)
    budget = make(clock, limits=SMALL)
    await fill(budget)
    with pytest.raises(BudgetExhausted) as refused:
        await budget.acquire(wait=False)
    assert refused.value.available_in == pytest.approx(HOUR, abs=1)
    with pytest.raises(BudgetExhausted):
        await budget.acquire(max_wait=60)
    assert simulated_seconds(clock) == 0  # the manual clock's: refused at once

    await budget.acquire()
    assert simulated_seconds(clock) == pytest.approx(HOUR, abs=1)


async def test_a_cap_below_one_request_refuses_at_once():
    budget = make(ManualClock(START), limits=Limits(sms_hourly=1))
    with pytest.raises(BudgetExhausted, match="too small"):
        await budget.acquire(Bucket.SMS)


async def test_wall_clock_jumps():
    clock = ManualClock(START)
    budget = make(clock, limits=SMALL)
    await fill(budget)
    clock.jump_wall(-600)  # an NTP correction back: the requests still count
    assert budget.snapshot().used_hour == 16
    assert budget.available_in() == pytest.approx(HOUR + 600, abs=1)
    clock.jump_wall(2 * HOUR)  # a laptop sleep: the hour has passed
    assert budget.available_in() == 0


async def test_daily_window_is_rolling():
    clock = ManualClock(START)
    budget = make(clock, limits=SMALL)  # 16 an hour, 40 a day
    for _ in range(3):
        await fill(budget)
        clock.advance(HOUR + 1)
    assert budget.snapshot().used_day == 40
    assert budget.available_in() == pytest.approx(DAY - 3 * (HOUR + 1), abs=1)


async def test_429_backs_off_with_jitter_then_one_probe_per_interval():
    clock = ManualClock(START)
    budget = make(clock)
    await budget.acquire()
    budget.on_response(Bucket.GENERAL, 429, {})
    first = budget.available_in()
    assert 60 <= first <= 75
    other = make(ManualClock(START), rng=random.Random(2))
    other.on_response(Bucket.GENERAL, 429, {})
    assert other.available_in() != first
    with pytest.raises(BudgetExhausted, match="slow down"):
        await budget.acquire(wait=False)

    budget.on_response(Bucket.GENERAL, 429, {})  # the answer to a request sent before the first 429
    assert budget.available_in() == first

    clock.advance(first)
    await budget.acquire(wait=False)  # the probe
    assert budget.snapshot().probing
    with pytest.raises(BudgetExhausted):
        await budget.acquire(wait=False)
    budget.on_response(Bucket.GENERAL, 429, {})
    second = budget.available_in()
    assert 120 <= second <= 150
    assert not budget.snapshot().probing

    for _ in range(6):  # failed probes double the interval up to the cap
        clock.advance(budget.available_in())
        await budget.acquire(wait=False)
        budget.on_response(Bucket.GENERAL, 429, {})
    assert 900 <= budget.available_in() <= 900 * 1.25

    clock.advance(budget.available_in())
    await budget.acquire(wait=False)
    budget.on_response(Bucket.GENERAL, 200, {})
    assert budget.snapshot().backoff_until is None
    assert await fill(budget) > 700

    budget.on_response(Bucket.GENERAL, 429, {})  # a new episode starts again at 60 s
    assert 60 <= (budget.snapshot().backoff_until - clock.now()).total_seconds() <= 75


async def test_lost_probe_is_replaced_after_an_interval_and_waiters_follow_a_successful_probe():
    clock = ManualClock(START)
    budget = make(clock)
    budget.on_response(Bucket.GENERAL, 429, {})
    clock.advance(budget.available_in())
    await budget.acquire(wait=False)  # a probe whose answer never comes
    clock.advance(60)
    await budget.acquire(wait=False)  # the next probe

    waiter = asyncio.create_task(budget.acquire())
    await asyncio.sleep(0)
    assert not waiter.done()
    budget.on_response(Bucket.GENERAL, 200, {})
    await asyncio.wait_for(waiter, 1)
    assert simulated_seconds(clock) < 60 + 75 + 2


async def test_retry_after_is_honoured_when_longer():
    clock = ManualClock(START)
    budget = make(clock)
    budget.on_response(Bucket.GENERAL, 429, {"Retry-After": "300"})
    assert budget.available_in() == pytest.approx(300, abs=0.01)
    later = make(ManualClock(START))
    later.on_response(Bucket.GENERAL, 429, {"retry-after": "Mon, 02 Mar 2026 08:10:00 GMT"})
    assert later.available_in() == pytest.approx(600, abs=0.01)
    short = make(ManualClock(START))
    short.on_response(Bucket.GENERAL, 429, {"Retry-After": "5"})
    assert short.available_in() >= 60


async def test_headers_account_for_other_integrations():
    clock = ManualClock(START)
    budget = make(clock)
    for _ in range(10):
        await budget.acquire()
    # The server counts 500 this hour: 490 of them are someone else's.
    budget.on_response(
        Bucket.GENERAL,
        200,
        {"x-rate-limit-hourly-allowed": "1000", "x-rate-limit-hourly-used": "500"},
    )
    snap = budget.snapshot()
    assert (snap.used_hour, snap.limit_hour, snap.limit_day) == (10, 510, 8000)
    assert await fill(budget) == 500  # the account's total reaches 1000, not more
    clock.advance(HOUR)
    assert budget.snapshot().limit_hour == 800  # others' use has left the window


async def test_headers_with_a_lower_allowance_and_fewer_used_than_we_counted():
    clock = ManualClock(START)
    budget = make(clock)
    for _ in range(3):
        await budget.acquire(Bucket.SMS)
    budget.on_response(
        Bucket.SMS,
        201,
        {
            "X-Rate-Limit-Hourly-Allowed": "100",
            "X-Rate-Limit-Hourly-Used": "1",  # a clock-hour server that has just reset
            "X-Rate-Limit-Daily-Allowed": "500",
            "X-Rate-Limit-Daily-Used": "garbage",
        },
    )
    snap = budget.snapshot()
    assert (snap.sms_limit_hour, snap.sms_limit_day, snap.limit_hour) == (80, 800, 800)


async def test_state_survives_a_restart_and_is_shared(tmp_path: Path):
    clock = ManualClock(START)
    first = make(clock, state_dir=tmp_path, limits=SMALL)
    for _ in range(5):
        await first.acquire()
    first.on_response(Bucket.GENERAL, 429, {})
    second = make(clock, state_dir=tmp_path, limits=SMALL)
    assert second.snapshot().used_hour == 5
    assert second.snapshot().backoff_until == first.snapshot().backoff_until
    assert RateBudget("ACC2", clock=clock, state_dir=tmp_path).snapshot().used_hour == 0

    clock.advance(first.available_in())
    await second.acquire()  # the probe
    with pytest.raises(BudgetExhausted):
        await first.acquire(wait=False)
    second.on_response(Bucket.GENERAL, 200, {})
    assert await fill(first) + await fill(second) == 16 - 6

    clock.advance(DAY + 1)
    await first.acquire()
    assert first.snapshot().used_day == 1
    assert len((tmp_path / "ACC1.json").read_text()) < 200  # older than a day: pruned


def test_scope_must_not_be_a_key(tmp_path: Path):
    with pytest.raises(ValueError):
        RateBudget('Token token="abc"', state_dir=tmp_path)
    assert default_state_dir().parts[-2:] == ("callrail-tui", "budget")


async def test_corrupt_state_is_set_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    for garbage in ["{not json", '{"version": 1, "stamps": []}', "[]"]:
        (tmp_path / "ACC1.json").write_text(garbage)
        budget = make(ManualClock(START), state_dir=tmp_path)
        with caplog.at_level(logging.WARNING):
            await budget.acquire()
        assert "unreadable" in caplog.text
        assert budget.snapshot().used_hour == 1
        assert [p.read_text() for p in tmp_path.glob("ACC1.json.corrupt-*")] == [garbage]
        for path in tmp_path.glob("ACC1.json*"):
            path.unlink()
        caplog.clear()


WORKER = """
import asyncio, sys, time
from pathlib import Path
from tui.callrail.budget import Limits, RateBudget
from tui.callrail.errors import BudgetExhausted

async def main():
    state_dir, me, other = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    budget = RateBudget("ACC1", limits=Limits(hourly=100), state_dir=state_dir)
    (state_dir / me).touch()
    while not (state_dir / other).exists():
        time.sleep(0.001)
    taken = 0
    for _ in range(100):
        try:
            await budget.acquire(wait=False)
            taken += 1
        except BudgetExhausted:
            pass
        await asyncio.sleep(0.002)
    print(taken)

asyncio.run(main())
"""


def test_two_processes_share_one_budget(tmp_path: Path):
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), me, other], stdout=subprocess.PIPE, text=True
        )
        for me, other in [("a", "b"), ("b", "a")]
    ]
    taken = [int(worker.communicate(timeout=30)[0]) for worker in workers]
    assert sum(taken) == 80
    assert all(n > 0 for n in taken), taken  # they really ran side by side
    assert RateBudget("ACC1", state_dir=tmp_path).snapshot().used_hour == 80


async def test_concurrent_acquires_in_one_process_take_no_more_than_the_cap():
    clock = ManualClock(START)
    budget = make(clock, limits=SMALL)
    results = await asyncio.gather(*(budget.acquire(max_wait=10) for _ in range(30)), return_exceptions=True)
    assert sum(r is None for r in results) == 16


async def test_simulated_day_greedy_callers_never_exceed_the_share():
    """Three greedy loops (background polls, user actions, texts) run a whole day on a fake clock."""
    clock = VirtualClock(START, tasks=3)
    budget = make(clock)
    end = clock.time() + DAY
    taken: dict[str, list[float]] = {"poll": [], "user": [], "sms": []}
    rng = random.Random(5)

    async def loop(name: str, bucket: Bucket, background: bool, pause: float) -> None:
        while clock.time() < end:
            await budget.acquire(bucket, background=background)
            taken[name].append(clock.time())
            await clock.sleep(rng.uniform(0, pause))
            budget.on_response(bucket, 429 if rng.random() < 0.001 else 200, {})
        clock.leave()

    await asyncio.gather(
        loop("poll", Bucket.GENERAL, True, 2),
        loop("user", Bucket.GENERAL, False, 30),
        loop("sms", Bucket.SMS, False, 60),
    )
    general = taken["poll"] + taken["user"] + taken["sms"]
    assert max_in_window(general, HOUR) <= 800
    assert max_in_window(general, DAY) <= 8000
    assert max_in_window(taken["sms"], HOUR) <= 120
    assert max_in_window(taken["poll"], HOUR) <= 720
    assert len(general) > 7900  # greedy callers do get (almost) all of the share


def test_reading_the_budget_takes_no_lock(tmp_path: Path):
    """The app reads the budget for its first frame while another process may be saving it: a read waits
    for no one, as a save replaces the file whole."""
    from filelock import FileLock

    budget = make(ManualClock(START), state_dir=tmp_path)
    asyncio.run(budget.acquire())
    with FileLock(str(tmp_path / "ACC1.json.lock"), timeout=0):  # another process's save in progress
        assert budget.snapshot().used_hour == 1
        assert budget.available_in() == 0


def test_a_reader_leaves_an_unreadable_state_for_the_writer(tmp_path: Path):
    (tmp_path / "ACC1.json").write_text("{not json")
    budget = make(ManualClock(START), state_dir=tmp_path)
    assert budget.snapshot().used_hour == 0
    assert not list(tmp_path.glob("ACC1.json.corrupt-*"))
    asyncio.run(budget.acquire())
    assert [p.read_text() for p in tmp_path.glob("ACC1.json.corrupt-*")] == ["{not json"]
