"""A real ``redis-server`` for the session (never a fake), and hub replicas on one simulator sharing it:
each replica a real uvicorn server on a free loopback port with its own session, store and transport (so
the test can count who polls and who sends)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from benchmarks.redis_server import RedisMissing, redis_running
from benchmarks.replica_node import Node
from tests.loopback import free_port
from tui.hub.replicas.replica import join
from tui.hub.serve import hub_running
from tui.sim import Simulator
from tui.wiring import hub_on_session, session_on_simulator

LEASE_TTL_S = 1.0  # short in tests; production's is LEASE_TTL_S in tui.hub.replicas.lease
NO_REDIS = (
    "redis-server is not installed: the hub replica tests run against a real Redis. "
    "Install it (Debian: apt-get install redis-server; .ci/run does)."
)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A real redis-server for the session (the benchmarks' launcher: a free port, nothing saved)."""
    try:
        with redis_running() as url:
            yield url
    except RedisMissing:
        pytest.fail(NO_REDIS)


@pytest.fixture
def redis_url(redis_server) -> str:
    """The session's Redis, emptied for this test."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return redis_server


class Counting(httpx.AsyncBaseTransport):
    """The simulator's transport, counting this replica's polls (calls lists) and text sends."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.polls = 0
        self.sends = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/calls.json"):
            self.polls += 1
        if request.method == "POST" and "text-messages" in request.url.path:
            self.sends += 1
        return await self.inner.handle_async_request(request)


async def start_node(
    tmp_path: Path, sim: Simulator, redis_url: str, name: str, *, paused: bool = True
) -> Node:
    replica = join(redis_url, sim.account_id, lease_ttl_s=LEASE_TTL_S, name=name)
    transport = Counting(httpx.ASGITransport(app=sim.app))
    folder = tmp_path / name
    session = session_on_simulator(sim, data_dir=folder, replica=replica, transport=transport)
    hub = hub_on_session(session, folder, folder, sim.api_key, None, replica)
    await session.start()
    session.set_paused(paused)
    node = Node(name, replica, hub, transport, free_port())
    await node.stack.enter_async_context(hub_running(hub, "127.0.0.1", node.port))
    node.runner = asyncio.create_task(hub.run())
    return node


@contextlib.asynccontextmanager
async def nodes(tmp_path, sim, redis_url, *names: str, paused: bool = True) -> AsyncIterator[list[Node]]:
    started: list[Node] = []
    try:
        for name in names:
            started.append(await start_node(tmp_path, sim, redis_url, name, paused=paused))
        yield started
    finally:
        for node in started:
            await node.close()
