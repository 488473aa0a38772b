from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime

import httpx
import pytest

from tests.loopback import serving
from tui.callrail.client import CallRailClient
from tui.callrail.clock import SystemClock

KEY = "test-key-0123456789abcdef"


class InstantClock(SystemClock):
    """Real time, but backoff sleeps return at once (and are recorded)."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


class RecordingBudget:
    """Stands in for RateBudget: records what the client asks and reports."""

    def __init__(self) -> None:
        self.acquired: list[tuple[str, bool]] = []
        self.responses: list[tuple[str, int]] = []

    async def acquire(self, bucket: str, background: bool = False) -> None:
        self.acquired.append((str(bucket), background))

    def on_response(self, bucket: str, status: int, headers: httpx.Headers) -> None:
        self.responses.append((str(bucket), status))


@pytest.fixture
def clock() -> InstantClock:
    return InstantClock()


@pytest.fixture
async def mock_client(clock: InstantClock) -> AsyncIterator[Callable[..., CallRailClient]]:
    """A client whose requests go to ``handler`` (sync or async, gets the httpx.Request)."""
    clients: list[CallRailClient] = []

    def make(handler, **options) -> CallRailClient:
        options.setdefault("clock", clock)
        client = CallRailClient(KEY, transport=httpx.MockTransport(handler), **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


# the simulator, in-process and over loopback TCP

SIM_START = datetime(2026, 3, 11, 16, 30, tzinfo=UTC)  # a Wednesday, mid-morning across US zones


@pytest.fixture
def sim_config(request):
    """Override per test with ``@pytest.mark.parametrize("sim_config", [{...}], indirect=True)``."""
    from tui.sim import SimConfig

    return SimConfig(**{"seed": 7, "history_days": 2, **getattr(request, "param", {})})


@pytest.fixture
def sim(sim_config):
    from tui.sim import Simulator
    from tui.sim.clock import ManualClock

    return Simulator(sim_config, clock=ManualClock(SIM_START))


@pytest.fixture(params=["asgi", "tcp"])
async def connect_sim(request, sim, clock) -> AsyncIterator[Callable[..., CallRailClient]]:
    """Makes clients of the simulator, once in-process (ASGITransport) and once over loopback TCP."""
    async with AsyncExitStack() as stack:
        if request.param == "asgi":
            base_url, transport = "http://sim.test/v3/", httpx.ASGITransport(app=sim.app)
        else:
            base_url, transport = await stack.enter_async_context(serving(sim.app)), None

        def make(**options) -> CallRailClient:
            options.setdefault("clock", clock)
            options.setdefault("api_key", sim.api_key)
            client = CallRailClient(base_url=base_url, transport=transport, **options)
            stack.push_async_callback(client.aclose)
            return client

        yield make


@pytest.fixture
def sim_client(connect_sim) -> CallRailClient:
    return connect_sim()
