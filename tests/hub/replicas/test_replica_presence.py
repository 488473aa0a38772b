"""Presence across replicas: a viewer connected to one replica sees who has a thread open on the other,
the replica that polls reads a thread open on any replica, and a viewer who leaves drops out everywhere."""

from __future__ import annotations

import asyncio
import json

import websockets

from tests.hub.conftest import START, WAIT_S, until
from tests.hub.replicas.conftest import nodes
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


async def _connect(node, token: str):
    socket = await websockets.connect(
        node.ws_url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=WAIT_S
    )
    await socket.send(json.dumps({"type": "hello"}))
    return socket


async def _presence_until(socket, condition) -> list[dict]:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
        viewers = message.get("presence") if message["type"] == "snapshot" else message.get("viewers")
        if message["type"] in ("snapshot", "presence") and condition(viewers):
            return viewers


async def test_a_thread_open_on_one_replica_is_seen_and_read_on_the_other(tmp_path, redis_url):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        await until(lambda: a.leading or b.leading, WAIT_S)
        leader, other = (a, b) if a.leading else (b, a)
        dana, sam = a.hub.tokens.add("Dana"), a.hub.tokens.add("Sam")
        on_other = await _connect(other, dana)
        on_leader = await _connect(leader, sam)
        await _presence_until(on_leader, lambda viewers: {v["name"] for v in viewers} == {"Dana", "Sam"})

        opened = {"type": "presence", "open": "thread:+15555550123", "composing": True, "reading": "CONV1"}
        await on_other.send(json.dumps(opened))
        seen = await _presence_until(on_leader, lambda viewers: any(v["composing"] for v in viewers))
        assert {"name": "Dana", "open": "thread:+15555550123", "composing": True} in seen
        await until(lambda: "CONV1" in leader.hub.threads.watched, WAIT_S)

        await on_other.close()
        await _presence_until(on_leader, lambda viewers: [v["name"] for v in viewers] == ["Sam"])
        await until(lambda: "CONV1" not in leader.hub.threads.watched, WAIT_S)
        await on_leader.close()
