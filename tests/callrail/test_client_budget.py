"""The client with the real rate budget, against the simulator on one manual clock."""

from __future__ import annotations

import httpx
import pytest

from tui.callrail import CallRailClient, RateLimited
from tui.callrail.budget import Limits, RateBudget

LIMITS = Limits(hourly=20, daily=10_000, sms_hourly=5, sms_daily=50)


@pytest.fixture
def sim_config():
    from tui.sim import SimConfig

    return SimConfig(seed=7, history_days=2, hourly_limit=LIMITS.hourly, sms_hourly_limit=LIMITS.sms_hourly)


@pytest.fixture
async def budgeted(sim):
    budget = RateBudget(sim.account_id, limits=LIMITS, share=0.8, clock=sim.clock)
    transport = httpx.ASGITransport(app=sim.app)
    async with CallRailClient(
        sim.api_key, base_url="http://sim.test/v3/", transport=transport, budget=budget, clock=sim.clock
    ) as client:
        yield client, budget


async def test_the_budget_keeps_the_client_under_the_server_limit(sim, budgeted) -> None:
    client, budget = budgeted
    started = sim.clock.now()
    for _ in range(40):
        await client.list_companies(sim.account_id, background=True)
    assert all(record.status != 429 for record in sim.request_log)
    assert (sim.clock.now() - started).total_seconds() > 3600  # it waited for the hourly window
    assert budget.snapshot().used_hour <= 16


async def test_texts_count_in_the_sms_bucket(sim, budgeted) -> None:
    client, budget = budgeted
    conversation = (await client.list_conversations(sim.account_id, per_page=1)).items[0]
    await client.send_text(
        sim.account_id,
        company_id=conversation.company_id,
        customer_phone_number=conversation.customer_phone_number,
        content="See you at 3.",
    )
    assert budget.snapshot().sms_used_hour == 1


async def test_a_server_429_makes_the_budget_back_off(sim, budgeted) -> None:
    client, budget = budgeted
    sim.faults.burst_429(30)
    with pytest.raises(RateLimited):
        await client.list_accounts()
    assert budget.available_in("general") >= 60
