"""The team inbox's handled marks are shared by the replicas: a mark made through one is in the other's
snapshot, a second mark of the same item through the other answers with the first, and an undo through
either takes it off for both; marks older than the store keeps its calls are taken out."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx
import websockets

from tests.hub.conftest import START, WAIT_S
from tests.hub.replicas.conftest import nodes
from tui.hub.replicas.marks import RedisHandledMarks
from tui.hub.replicas.shared import connect
from tui.live.store_pruning import STORE_KEEPS
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


async def _snapshot_marks(node, token: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    async with websockets.connect(node.ws_url, additional_headers=headers, open_timeout=WAIT_S) as socket:
        await socket.send(json.dumps({"type": "hello"}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
            if message["type"] == "snapshot":
                return {mark["key"]: mark["by"] for mark in message["handled"]}


async def test_a_mark_made_through_one_replica_holds_on_the_other(tmp_path, redis_url):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        await a.hub.session.poll_once()
        call_id = next(iter(a.hub.session.state.calls))
        key = f"call:{call_id}"
        dana, sam = a.hub.tokens.add("Dana"), a.hub.tokens.add("Sam")

        async def post(node, token: str, path: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(headers=headers, timeout=WAIT_S) as http:
                return await http.post(f"{node.url}{path}", json={"key": key})

        marked = await post(a, dana, "/api/handled")
        assert marked.status_code == 201
        assert await _snapshot_marks(b, sam) == {key: "Dana"}
        again = await post(b, sam, "/api/handled")
        assert again.status_code == 200 and again.json()["duplicate"]
        assert again.json()["mark"]["by"] == "Dana"

        assert (await post(b, sam, "/api/handled/undo")).status_code == 200
        assert await _snapshot_marks(a, dana) == {}
        assert (await post(a, dana, "/api/handled/undo")).status_code == 404


def test_a_mark_takes_out_those_older_than_the_store_keeps(redis_url):
    marks = RedisHandledMarks(connect(redis_url, "ACC1"))
    marks.add("call:old", by="Dana", now=START)
    marks.add("call:kept", by="Sam", now=START + timedelta(days=2))
    marks.add("call:new", by="Sam", now=START + STORE_KEEPS + timedelta(days=1))
    assert [key for key, _, _ in marks.all()] == ["call:kept", "call:new"]
    assert marks.add("call:kept", by="Dana", now=START + STORE_KEEPS + timedelta(days=1))[1] == "Sam"
