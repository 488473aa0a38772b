"""What the replicas share besides the log: the viewers' tokens (added anywhere, revoked everywhere), the
budget ledger (together they never pass the account's limits), and webhook deliveries (kept once)."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime

import httpx
import pytest
import websockets

from tests.hub.conftest import START, WAIT_S
from tests.hub.replicas.conftest import nodes
from tui.callrail.budget import Bucket, Limits, RateBudget
from tui.callrail.errors import BudgetExhausted
from tui.hub.replicas.replica import join, team_tokens
from tui.hub.replicas.shared import connect
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


async def test_a_token_added_through_one_replica_works_on_the_other_and_a_revoke_cuts_both(
    tmp_path, redis_url
):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        token = a.hub.tokens.add("Dana")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(headers=headers, timeout=WAIT_S) as http:
            assert (await http.get(f"{b.url}/api/me")).json()["name"] == "Dana"
        sockets = []
        for node in (a, b):
            socket = await websockets.connect(node.ws_url, additional_headers=headers)
            await socket.send(json.dumps({"type": "hello"}))
            sockets.append(socket)
        team_tokens(redis_url).revoke("Dana")  # as `hub viewer revoke Dana --redis URL` does
        for socket in sockets:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(socket.recv(), WAIT_S)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        async with httpx.AsyncClient(headers=headers, timeout=WAIT_S) as http:
            assert (await http.get(f"{a.url}/api/me")).status_code == 401


def test_two_replicas_spending_at_once_never_pass_the_limits(redis_url):
    limits = Limits(hourly=60, daily=1000)
    scope = "acct-test"
    granted: list[int] = []

    def spender() -> None:
        shared = connect(redis_url, "ACC1")
        budget = RateBudget(scope, limits=limits, share=0.5, store=join_ledger(shared, scope))
        count = 0

        async def spend() -> None:
            nonlocal count
            for _ in range(80):
                try:
                    await budget.acquire(Bucket.GENERAL, wait=False)
                    count += 1
                except BudgetExhausted:
                    pass

        asyncio.run(spend())
        shared.sync.close()
        granted.append(count)

    threads = [threading.Thread(target=spender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S * 6)
    assert len(granted) == 2
    assert sum(granted) == 30  # the hour's 60 at a 0.5 share, however the two interleave


def join_ledger(shared, scope):
    from tui.hub.replicas.ledger import RedisLedger

    return RedisLedger(shared, scope)


async def test_a_delivery_posted_to_both_replicas_is_kept_once(tmp_path, redis_url):
    first, second = (join(redis_url, "ACC1", name=name) for name in ("A", "B"))
    body = json.dumps({"resource_id": "CAL1", "timestamp": datetime.now(UTC).isoformat()}).encode()
    inboxes = [first.inbox(tmp_path / "a.sqlite3"), second.inbox(tmp_path / "b.sqlite3")]
    kept = [inbox.add("COM1", "post_call", body, datetime.now(UTC)) for inbox in inboxes]
    assert sorted(kept) == [False, True]
    pending = inboxes[1].pending()
    assert [delivery.body for delivery in pending] == [body]
    inboxes[0].mark_applied([pending[0].seq], datetime.now(UTC))
    assert inboxes[1].pending() == []  # the next lease holder starts past it
    for inbox in inboxes:
        inbox.close()
    for replica in (first, second):
        await replica.aclose()
