"""The lease: one replica polls and sends texts at a time; when it dies another takes over within the
lease's life, a text queued before the death is sent exactly once, and a holder with an old fencing token
cannot claim a text."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from tests.hub.conftest import START, WAIT_S, until
from tests.hub.replicas import conftest as replicas_conftest
from tests.hub.replicas.conftest import LEASE_TTL_S, nodes
from tests.hub.test_hub_actions import text_for
from tui.hub.replicas.replica import join
from tui.live.events import OutboxState
from tui.live.outbox_records import OutboxTaken
from tui.sim import SimConfig, Simulator
from tui.sim.clock import SimClock

TAKEOVER_WAIT_S = LEASE_TTL_S * 2 + WAIT_S  # a guard, not a measure


def _callers(node):
    return (
        call
        for call in node.hub.session.state.calls_newest_first()
        if call.customer_phone_number and call.tracking_phone_number and call.company_id
    )


def _sends(sim: Simulator) -> int:
    return sum(1 for r in sim.request_log if r.method == "POST" and "text-messages" in r.path)


async def test_one_replica_polls_and_another_takes_over_and_sends_a_queued_text_once(tmp_path, redis_url):
    sim = Simulator(SimConfig(seed=7), clock=SimClock(START, speed=30))
    async with nodes(tmp_path, sim, redis_url, "A", "B", paused=False) as pair:
        await until(lambda: any(node.leading for node in pair), WAIT_S)
        leader, other = pair if pair[0].leading else pair[::-1]
        await until(lambda: leader.transport.polls > 0, WAIT_S)
        assert not other.leading and other.transport.polls == 0

        token = other.hub.tokens.add("Dana")
        await until(lambda: any(_callers(other)), WAIT_S)
        call = next(_callers(other))
        text = text_for(call, "k1", "On our way")
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=WAIT_S) as http:
            answer = await http.post(f"{other.url}/api/texts", json=text)
        assert answer.status_code == 201
        item_id = answer.json()["item"]["id"]
        await leader.kill()  # whether it sent the text or not, it is gone without releasing the lease

        polls_before = other.transport.polls
        await until(lambda: other.leading, TAKEOVER_WAIT_S)
        await until(lambda: other.transport.polls > polls_before, WAIT_S)
        records = other.replica.outbox
        await until(lambda: records.outbox_item(item_id).state is OutboxState.SENT, WAIT_S)
        assert _sends(sim) == 1


async def test_a_holder_with_an_old_fencing_token_cannot_claim_a_text(redis_url):
    stale = join(redis_url, "ACC1", lease_ttl_s=LEASE_TTL_S, name="A")
    fresh = join(redis_url, "ACC1", lease_ttl_s=LEASE_TTL_S, name="B")
    assert await stale.lease.acquire()
    old_holder = stale.lease.holder
    stale.shared.sync.delete(stale.shared.key("lease"))  # its lease ran out while it stalled
    assert await fresh.lease.acquire()
    assert fresh.lease.token > stale.lease.token
    now = datetime.now(UTC)
    item = stale.outbox.add_outbox_item(
        company_id="COM1", customer_phone_number="+15555550123", tracking_number=None, content="hi", now=now
    )
    assert stale.lease.holder == old_holder  # it has not noticed yet
    with pytest.raises(OutboxTaken):
        stale.outbox.set_outbox_state(item.id, OutboxState.SENDING, now=now)
    assert fresh.outbox.set_outbox_state(item.id, OutboxState.SENDING, now=now).state is OutboxState.SENDING
    for replica in (stale, fresh):
        await replica.aclose()


class FailingSends(replicas_conftest.Counting):
    """CallRail unreachable for texts only."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "text-messages" in request.url.path:
            self.sends += 1
            raise httpx.ConnectError("down", request=request)
        return await self.inner.handle_async_request(request)


async def test_the_lease_holders_failed_send_waits_its_retry_delay(tmp_path, redis_url, monkeypatch):
    """A text put back in the queue after a failed send does not wake its own outbox through Redis: one
    attempt, then the retry's delay (seconds) before the next (it was about 90 attempts in 0.3 s)."""
    monkeypatch.setattr(replicas_conftest, "Counting", FailingSends)
    sim = Simulator(SimConfig(seed=7), clock=SimClock(START))  # real time: a retry waits for real
    node = await replicas_conftest.start_node(tmp_path, sim, redis_url, "A")
    try:
        await until(lambda: node.leading, WAIT_S)
        session = node.hub.session
        await session.poll_once()
        call = next(c for c in session.state.calls_newest_first() if c.customer_phone_number and c.company_id)
        session.send_text(
            company_id=call.company_id, customer_phone_number=call.customer_phone_number, content="On our way"
        )
        await until(lambda: session.outbox_items()[-1].error != "", WAIT_S)
        for _ in range(30):  # a short look: a self-woken outbox sends again within milliseconds
            await asyncio.sleep(0.01)
        assert node.transport.sends <= 2  # the attempt (the client tries a refused connection twice)
        assert session.outbox_items()[-1].state is OutboxState.QUEUED
    finally:
        await node.close()
