"""Two replicas on one Redis: one event log, numbered the same on both, so a viewer that leaves one
resumes on the other from its last number with nothing missed and nothing twice."""

from __future__ import annotations

import asyncio
import json

import websockets

from tests.hub.conftest import START, WAIT_S, until
from tests.hub.replicas.conftest import nodes
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


async def _connect(node, token: str, since: int | None = None, log: str | None = None):
    socket = await websockets.connect(
        node.ws_url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=WAIT_S
    )
    await socket.send(json.dumps({"type": "hello", "since": since, "log": log}))
    return socket


async def _numbered_until_caught_up(socket) -> tuple[list[int], dict]:
    """The numbers of the events before ``caught_up``, and the first message (a snapshot, or not)."""
    seqs: list[int] = []
    first = None
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
        first = first or message
        if message["type"] == "caught_up":
            return seqs, first
        if "seq" in message and message["type"] != "snapshot":
            seqs.append(message["seq"])


async def _numbered(socket, through: int) -> list[int]:
    seqs: list[int] = []
    while not seqs or seqs[-1] < through:
        message = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
        if "seq" in message:
            seqs.append(message["seq"])
    return seqs


async def test_a_viewer_resumes_on_the_other_replica_with_nothing_missed_or_doubled(tmp_path, redis_url):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        token = a.hub.tokens.add("Dana")
        socket = await _connect(a, token)
        _, snapshot = await _numbered_until_caught_up(socket)
        assert snapshot["type"] == "snapshot"
        start, log_id = snapshot["seq"], snapshot["log"]
        seen: list[int] = []
        for node in (a, b, a, b):  # changes made on both replicas
            sim.clock.advance(600)
            await node.hub.session.poll_once()
        seen += await _numbered(socket, a.replica.events.last_seq)
        await socket.close()

        for node in (b, a, b):  # while the viewer is away
            sim.clock.advance(600)
            await node.hub.session.poll_once()
        socket = await _connect(b, token, since=seen[-1], log=log_id)
        missed, first = await _numbered_until_caught_up(socket)
        assert first["type"] != "snapshot"
        seen += missed
        sim.clock.advance(600)
        await a.hub.session.poll_once()
        last = a.replica.events.last_seq
        seen += await _numbered(socket, last)
        await socket.close()
        assert seen == list(range(start + 1, last + 1))


async def test_both_replicas_tell_their_viewers_every_event_in_the_same_order(tmp_path, redis_url):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        token = a.hub.tokens.add("Dana")
        on_a, on_b = await _connect(a, token), await _connect(b, token)
        caught_up_a, snapshot_a = await _numbered_until_caught_up(on_a)
        caught_up_b, snapshot_b = await _numbered_until_caught_up(on_b)
        for node in (a, b, b, a):
            sim.clock.advance(900)
            await node.hub.session.poll_once()
        last = a.replica.events.last_seq
        told_a = caught_up_a + await _numbered(on_a, last)
        told_b = caught_up_b + await _numbered(on_b, last)
        # each viewer gets every event after its own snapshot, once and in order (the replicas' own
        # start-up events may fall before one snapshot and after the other)
        assert told_a == list(range(snapshot_a["seq"] + 1, last + 1))
        assert told_b == list(range(snapshot_b["seq"] + 1, last + 1))
        both = max(snapshot_a["seq"], snapshot_b["seq"])
        assert [n for n in told_a if n > both] == [n for n in told_b if n > both]
        await until(lambda: a.hub.session.state.calls.keys() == b.hub.session.state.calls.keys(), WAIT_S)
        await on_a.close()
        await on_b.close()
