from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import pytest

from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock

# A Tuesday, 10:00 in New York: business hours in every company's zone except Los Angeles (07:00).
START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
ROOT = "http://sim.test/v3"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f'Token token="{key}"'}


def client_for(sim: Simulator, key: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url=f"{ROOT}/a/{sim.account_id}/",
        headers=auth(key or sim.api_key),
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def make_sim(clock: ManualClock) -> Callable[..., Simulator]:
    def make(**config) -> Simulator:
        return Simulator(SimConfig(**config), clock=clock)

    return make


@pytest.fixture
def sim(make_sim) -> Simulator:
    return make_sim()


@pytest.fixture
async def api(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(sim) as client:
        yield client


@pytest.fixture(scope="session")
def shared_sim() -> Simulator:
    """One simulator for tests that only read: its clock never moves and nothing writes to it."""
    return Simulator(SimConfig(hourly_limit=10**6, daily_limit=10**7), clock=ManualClock(START))


@pytest.fixture
async def reader(shared_sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(shared_sim) as client:
        yield client
