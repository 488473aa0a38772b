"""A simulated day through the real client and budget against the in-process simulator, on a fake clock.

The limits are a tenth of CallRail's so that a day of greedy polling is a few thousand requests.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx

from tui.callrail import CallRailClient, CallRailError
from tui.callrail.budget import DAY, HOUR, Limits, RateBudget
from tui.sim import SimConfig, Simulator

from .test_budget import VirtualClock, max_in_window

START = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
LIMITS = Limits(hourly=100, daily=1000, sms_hourly=15, sms_daily=100)


def simulator(clock: VirtualClock, external_share: float = 0.0) -> Simulator:
    config = SimConfig(
        seed=3,
        history_days=1,
        hourly_limit=LIMITS.hourly,
        daily_limit=LIMITS.daily,
        sms_hourly_limit=LIMITS.sms_hourly,
        sms_daily_limit=LIMITS.sms_daily,
        external_share=external_share,
    )
    return Simulator(config, clock=clock)


def client(sim: Simulator, budget: RateBudget) -> CallRailClient:
    transport = httpx.ASGITransport(app=sim.app)
    return CallRailClient(
        sim.api_key, base_url="http://sim.test/v3/", transport=transport, budget=budget, clock=sim.clock
    )


async def run_until(clock: VirtualClock, end: float, *loops: Callable[[], Awaitable[object]]) -> None:
    """Run each ``loop`` body over and over until the clock reaches ``end``; errors are the app's."""
    rng = random.Random(11)

    async def forever(body: Callable[[], Awaitable[object]]) -> None:
        try:
            while clock.time() < end:
                try:
                    await body()
                except CallRailError:
                    pass
                await clock.sleep(rng.uniform(0, 5))
        finally:
            clock.leave()

    await asyncio.gather(*(forever(body) for body in loops))


def own(sim: Simulator, bucket: str | None = None) -> list:
    return [r for r in sim.request_log if not r.external and (bucket is None or r.bucket == bucket)]


async def test_a_greedy_day_never_meets_a_429():
    clock = VirtualClock(START, tasks=3)
    sim = simulator(clock, external_share=0.15)  # another integration, within the 20% left to it
    budget = RateBudget(sim.account_id, limits=LIMITS, clock=clock)
    account = sim.account_id
    async with client(sim, budget) as api:
        conversation = (await api.list_conversations(account, per_page=1)).items[0]
        await run_until(
            clock,
            clock.time() + DAY,
            lambda: api.list_calls(account, per_page=25, background=True),
            lambda: api.list_companies(account),
            lambda: api.send_text(
                account,
                company_id=conversation.company_id,
                customer_phone_number=conversation.customer_phone_number,
                content="Thanks for calling, we will ring you back.",
            ),
        )
    mine = own(sim)
    assert [r for r in mine if r.status == 429] == []
    stamps = [r.at.timestamp() for r in mine]
    texts = [r.at.timestamp() for r in own(sim, "sms")]
    assert max_in_window(stamps, HOUR) <= 80
    assert max_in_window(stamps, DAY) == 800  # greedy: all of the share, and no more
    assert max_in_window(texts, HOUR) <= 12
    assert max_in_window(texts, DAY) <= 80
    assert any(r.external and r.status == 200 for r in sim.request_log)


async def test_a_429_burst_backs_off_probes_and_recovers():
    clock = VirtualClock(START, tasks=2)
    sim = simulator(clock)
    budget = RateBudget(sim.account_id, limits=LIMITS, clock=clock, rng=random.Random(4))
    account = sim.account_id
    burst_start = clock.time()
    sim.faults.burst_429(400)  # as if another integration had used the account's budget
    async with client(sim, budget) as api:
        await run_until(
            clock,
            burst_start + 1800,
            lambda: api.list_calls(account, per_page=25, background=True),
            lambda: api.list_companies(account),
        )
    during = [r for r in own(sim) if r.at.timestamp() < burst_start + 400]
    assert all(r.status == 429 for r in during)
    # The first 429 may meet a request already in flight; after that, one probe per interval of 60 s or more.
    gaps = [b.at.timestamp() - a.at.timestamp() for a, b in itertools.pairwise(during[1:])]
    assert len(during) <= 5 and all(gap >= 60 for gap in gaps)
    after = [r for r in own(sim) if r.at.timestamp() >= burst_start + 400]
    assert after and all(r.status == 200 for r in after)
    assert len(after) >= 70  # back to full speed: the hour's share is used again
    assert budget.snapshot().backoff_until is None
