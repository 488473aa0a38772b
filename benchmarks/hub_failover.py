"""Hub replicas over Redis: the replica that holds the lease dies in the middle of the day.

Two replicas (real uvicorn servers on loopback) share a ``redis-server`` this benchmark starts; the
simulator is served over loopback too, on a fast clock. Viewers (real viewer sessions) connect through a
load balancer that spreads their sockets and HTTP connections over both replicas, and keep sending texts,
each under its idempotency key; every few texts the answer is lost on a dropped connection, and the viewer
retries it on a new one (which the balancer may hand to the other replica). Mid-day the replica holding
the lease is killed: its tasks and server stopped, its lease never released, as a crash would.

- ``hub_failover_s``: from the kill to the moment the other replica has polled and sent a text (goal ≤
  15 s) under the production lease (``LEASE_TTL_S``, the baseline): the dead holder's lease runs out
  within its TTL of the last renewal (every third of it), and the other replica tries every third.
- ``hub_events_lost``: events a viewer never received, counted over its reconnects and the failover: gaps
  in the numbers it applied, numbers it never reached, and calls of the simulator's day (up to a last
  poll) missing from its state or shown differently from the surviving replica (goal 0).
- ``hub_texts_duplicated``: texts the simulator received more than once (goal 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn

from benchmarks.balancer import balancing
from benchmarks.figures import Figure
from benchmarks.redis_server import redis_running
from benchmarks.replica_node import Node
from benchmarks.scratch import scratch_dir
from benchmarks.webhooks import free_port
from tui.hub.replicas.lease import LEASE_TTL_S
from tui.hub.replicas.replica import join
from tui.hub.serve import hub_running
from tui.live.events import OutboxState
from tui.live.session import LiveSession
from tui.sim import SimConfig, Simulator
from tui.sim.clock import SimClock
from tui.wiring import hub_on_session, session_for_account, session_for_hub

START = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 11:00 in New York: the busy middle of the day
SPEED = 60.0  # a simulated minute each second
VIEWERS = 6
TEXT_EVERY_S = 0.5  # one of the viewers sends a text this often (real seconds)
DROP_EVERY = 4  # every fourth text a viewer hands over loses its answer and is retried
WAIT_S = 60.0  # a guard against a hang, never a measure
SETTLED = (OutboxState.SENT, OutboxState.FAILED, OutboxState.UNKNOWN, OutboxState.HELD)


class Counting(httpx.AsyncBaseTransport):
    """A replica's way to the simulator, noting when it polled (calls lists) and sent texts."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.polls: list[float] = []
        self.sends: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "GET" and request.url.path.endswith("/calls.json"):
            self.polls.append(time.perf_counter())
        if request.method == "POST" and "text-messages" in request.url.path:
            self.sends.append(time.perf_counter())
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class DroppingAnswers(httpx.AsyncBaseTransport):
    """A viewer's HTTP: every ``every``-th text it hands over reaches the hub, but the connection drops
    before the answer; the viewer retries with the same key on a new connection."""

    def __init__(self, every: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.every = every
        self.handed = 0
        self.dropped = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path == "/api/texts":
            self.handed += 1
            if self.handed % self.every == 0:
                await response.aclose()
                await self.inner.aclose()
                self.inner = httpx.AsyncHTTPTransport()
                self.dropped += 1
                raise httpx.ReadError("the connection dropped before the answer", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class Tap:
    """What a viewer applied: the numbers of the events its session took, gaps counted, and its
    snapshots (the first one, and any a reconnect needed)."""

    def __init__(self, source) -> None:
        self.source = source
        self.gaps = 0
        self.snapshots = 0
        self.joins = 0  # a first connection, then each reconnect
        read = source._read

        def reading(message):
            before = source.seq
            batch = read(message)
            if message.get("type") == "snapshot":
                self.snapshots += 1
            elif message.get("type") == "caught_up":
                self.joins += 1
            elif before is not None and source.seq is not None and source.seq > before + 1:
                self.gaps += source.seq - before - 1
            return batch

        source._read = reading


@dataclass
class Viewer:
    session: LiveSession
    transport: DroppingAnswers
    tap: Tap
    runner: asyncio.Task


async def _serve_simulator(sim: Simulator, stack: contextlib.AsyncExitStack) -> str:
    port = free_port()
    config = uvicorn.Config(
        sim.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)

    async def stop() -> None:
        server.should_exit = True
        await task

    stack.push_async_callback(stop)
    return f"http://127.0.0.1:{port}/v3/"


async def _start_node(home: Path, sim: Simulator, api: str, redis_url: str, name: str, ttl: float) -> Node:
    replica = join(redis_url, sim.account_id, lease_ttl_s=ttl, name=name)
    transport = Counting()
    folder = home / name
    session = session_for_account(
        api_key=sim.api_key,
        account_id=sim.account_id,
        data_dir=folder,
        base_url=api,
        clock=sim.clock,
        transport=transport,
        replica=replica,
    )
    hub = hub_on_session(session, folder, folder, sim.api_key, None, replica)
    await session.start()
    node = Node(name, replica, hub, transport, free_port())
    await node.stack.enter_async_context(hub_running(hub, "127.0.0.1", node.port))
    node.runner = asyncio.create_task(hub.run())
    return node


async def _until(condition, what: str) -> None:
    deadline = time.perf_counter() + WAIT_S
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"never happened: {what}")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def _viewers(url: str, node: Node, home: Path, count: int) -> AsyncIterator[list[Viewer]]:
    viewers: list[Viewer] = []
    try:
        for number in range(count):
            transport = DroppingAnswers(DROP_EVERY)
            token = node.hub.tokens.add(f"viewer {number}")
            session = session_for_hub(url, token, data_dir=home / f"v{number}", transport=transport)
            tap = Tap(session.poller)
            await session.start()
            viewers.append(Viewer(session, transport, tap, asyncio.create_task(session.run())))
        yield viewers
    finally:
        for viewer in viewers:
            viewer.runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await viewer.runner
            await viewer.session.stop()
            await viewer.transport.aclose()


async def _texting(viewers: list[Viewer], sent: list[str]) -> None:
    """The viewers take turns texting callers of the day, each caller once (no colleague's reply to
    confirm), each text's words its own (so the simulator's copies can be counted)."""
    texted: set[str] = set()
    for turn in itertools.count():
        viewer = viewers[turn % len(viewers)]
        call = next(
            (
                call
                for call in viewer.session.state.calls_newest_first()
                if call.customer_phone_number
                and call.tracking_phone_number
                and call.company_id
                and call.customer_phone_number not in texted
            ),
            None,
        )
        if call is not None:
            texted.add(call.customer_phone_number)
            content = f"Thanks for calling, we will ring you back (bench text {turn})"
            viewer.session.send_text(
                company_id=call.company_id,
                customer_phone_number=call.customer_phone_number,
                content=content,
                tracking_number=call.tracking_phone_number,
            )
            sent.append(content)
        await asyncio.sleep(TEXT_EVERY_S)


def _duplicated(sim: Simulator, sent: list[str]) -> int:
    """Texts the simulator holds more than once (its first text to a caller carries an opt-out notice
    after the words)."""
    copies = Counter(
        content
        for conversation in sim.account.conversations.values()
        for message in conversation.messages
        if message.direction == "outgoing"
        for content in sent
        if message.content.startswith(content)
    )
    return sum(n - 1 for n in copies.values() if n > 1)


def _lost(viewers: list[Viewer], survivor: Node, sim: Simulator, day_from: datetime, polled_at: datetime):
    """Per viewer: gaps in what it applied, numbers it never reached, calls of the simulator's day it
    lacks, and calls it shows otherwise than the surviving replica."""
    last = survivor.replica.events.last_seq
    started = [c.id for c in sim.account.calls if day_from <= c.started_at <= polled_at]
    truth = survivor.hub.session.state.calls
    lost = 0
    for viewer in viewers:
        state = viewer.session.state.calls
        lost += viewer.tap.gaps + (last - (viewer.session.poller.seq or 0))
        lost += sum(1 for call_id in started if call_id not in state)
        lost += sum(
            1
            for call_id, call in truth.items()
            if call_id not in state or state[call_id].model_dump() != call.model_dump()
        )
    return lost


async def measure(
    *, hours_before: float, hours_after: float, viewers: int, lease_ttl_s: float
) -> list[Figure]:
    with redis_running() as redis_url, scratch_dir("bench-failover-") as folder:
        return await _day(Path(folder), redis_url, hours_before, hours_after, viewers, lease_ttl_s)


async def _day(
    home: Path, redis_url: str, hours_before: float, hours_after: float, count: int, ttl: float
) -> list[Figure]:
    sim = Simulator(SimConfig(seed=7), clock=SimClock(START, speed=SPEED))
    sent: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        api = await _serve_simulator(sim, stack)
        nodes = [await _start_node(home, sim, api, redis_url, name, ttl) for name in ("A", "B")]
        for node in nodes:
            stack.push_async_callback(node.close)
        await _until(lambda: any(node.leading for node in nodes), "a replica takes the lease")
        leader, survivor = nodes if nodes[0].leading else nodes[::-1]
        url = await stack.enter_async_context(balancing([node.port for node in nodes]))
        day_from = sim.clock.now()
        viewers = await stack.enter_async_context(_viewers(url, leader, home, count))
        texting = asyncio.create_task(_texting(viewers, sent))
        await asyncio.sleep(hours_before * 3600 / SPEED)

        killed_at = time.perf_counter()
        await leader.kill()
        await _until(lambda: any(at > killed_at for at in survivor.transport.polls), "polls resume")
        await _until(lambda: any(at > killed_at for at in survivor.transport.sends), "sends resume")
        resumed = max(
            min(at for at in survivor.transport.polls if at > killed_at),
            min(at for at in survivor.transport.sends if at > killed_at),
        )
        await asyncio.sleep(hours_after * 3600 / SPEED)

        texting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await texting
        await _until(lambda: _settled(viewers), "every viewer's texts are settled")
        polled_at = sim.clock.now()
        polls = len(survivor.transport.polls)
        await _until(lambda: len(survivor.transport.polls) >= polls + 2, "a last poll")
        with contextlib.suppress(TimeoutError):  # one that never does has its missing events counted
            await _until(lambda: _caught_up(viewers, survivor), "the viewers catch up")
        lost = _lost(viewers, survivor, sim, day_from, polled_at)
        retried = sum(viewer.transport.dropped for viewer in viewers)
        snapshots = sum(viewer.tap.snapshots for viewer in viewers)
        reconnects = sum(viewer.tap.joins - 1 for viewer in viewers)
        events = survivor.replica.events.last_seq
    duplicated = _duplicated(sim, sent)
    return [
        Figure(
            "hub_failover_s",
            resumed - killed_at,
            "s",
            goal=15,
            baseline=ttl,
            note=f"baseline: the lease's TTL, {ttl:g} s (production's)",
        ),
        Figure(
            "hub_events_lost",
            lost,
            "events",
            goal=0,
            note=f"{events} events to {count} viewers; {snapshots} snapshots",
        ),
        Figure("hub_failover_reconnects", reconnects, "viewers", note="viewers that moved to the survivor"),
        Figure(
            "hub_texts_duplicated",
            duplicated,
            "texts",
            goal=0,
            note=f"{len(sent)} texts, {retried} retried after a dropped answer",
        ),
    ]


def _settled(viewers: list[Viewer]) -> bool:
    return all(
        item.state in SETTLED for viewer in viewers for item in viewer.session.outbox_items() if item.id > 0
    )


def _caught_up(viewers: list[Viewer], survivor: Node) -> bool:
    last = survivor.replica.events.last_seq
    return all(viewer.session.poller.seq == last for viewer in viewers)


def run(*, quick: bool = False) -> list[Figure]:
    hours = 0.25 if quick else 0.5
    return asyncio.run(
        measure(hours_before=hours, hours_after=hours, viewers=VIEWERS, lease_ttl_s=LEASE_TTL_S)
    )
