"""A hub on the in-process simulator (manual clock), served on a free loopback port, and viewers that
connect to it over real TCP with the ``websockets`` client."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets

from tests.live.conftest import START
from tests.loopback import free_port
from tui.hub.eventlog import LOG_FILE, EventLog
from tui.hub.limits import ActionLimiter
from tui.hub.serve import hub_running
from tui.hub.server import Hub
from tui.hub.tokens import ViewerTokens
from tui.live.events import LiveEvent
from tui.live.session import LiveSession
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import session_for_hub, session_on_simulator

WAIT_S = 10.0  # a guard against a hang, never a measure


@dataclass
class Rig:
    sim: Simulator
    clock: ManualClock
    session: LiveSession
    hub: Hub
    url: str  # http://127.0.0.1:PORT

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws"

    def token(self, name: str) -> str:
        return self.hub.tokens.add(name)

    async def poll(self, minutes: float = 5) -> None:
        """Let ``minutes`` of the simulated day pass, then one poll cycle (merged, so told to viewers)."""
        self.clock.advance(minutes * 60)
        await self.session.poll_once()

    def http(self, token: str | None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=WAIT_S)

    def texts_sent(self) -> list[Any]:
        return [r for r in self.sim.request_log if r.method == "POST" and "text-messages" in r.path]


def build_hub(tmp_path, sim: Simulator, *, limiter: ActionLimiter | None = None) -> Hub:
    session = session_on_simulator(sim, data_dir=tmp_path / "data")
    return Hub(
        session,
        tokens=ViewerTokens(tmp_path / "state"),
        events=EventLog(tmp_path / LOG_FILE),
        limiter=limiter,
        secrets=(sim.api_key,),
    )


@contextlib.asynccontextmanager
async def running_hub(tmp_path, *, limiter: ActionLimiter | None = None) -> AsyncIterator[Rig]:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    hub = build_hub(tmp_path, sim, limiter=limiter)
    session = hub.session
    await session.start()
    session.set_paused(True)  # the test polls (``Rig.poll``); the outbox and the token watch run
    await session.poll_once()
    port = free_port()
    runner = asyncio.create_task(hub.run())
    try:
        async with hub_running(hub, "127.0.0.1", port):
            yield Rig(sim, sim.clock, session, hub, f"http://127.0.0.1:{port}")
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await session.stop()
        hub.events.close()


@pytest.fixture
async def rig(tmp_path) -> AsyncIterator[Rig]:
    async with running_hub(tmp_path) as built:
        yield built


async def connect(
    rig: Rig, token: str | None, *, since: int | None = None, hello: bool = True, close_timeout: float = 10
):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    socket = await websockets.connect(
        rig.ws_url, additional_headers=headers, open_timeout=WAIT_S, close_timeout=close_timeout
    )
    if hello:
        await socket.send(json.dumps({"type": "hello", "since": since}))
    return socket


async def receive(socket, *, kind: str | None = None) -> dict[str, Any]:
    """The next message (of ``kind``, skipping others)."""
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
        if kind is None or message["type"] == kind:
            return message


async def until(condition, seconds: float = WAIT_S) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "the condition never held"
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def viewing(url: str, token: str, data_dir):
    session = session_for_hub(url, token, data_dir=data_dir)
    events: list[LiveEvent] = []
    session.subscribe(events.append)
    await session.start()
    runner = asyncio.create_task(session.run())
    try:
        yield session, events
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await session.stop()
