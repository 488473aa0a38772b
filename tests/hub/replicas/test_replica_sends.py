"""A viewer's text retried on another replica while the first is still queueing it: the retry waits for
the first one's outcome and answers with it (or asks to come back), so the text is queued and sent once;
and once even when Redis failed between queueing the text and recording the send."""

from __future__ import annotations

import asyncio

import httpx

from tests.hub.conftest import START, WAIT_S, until
from tests.hub.replicas.conftest import nodes
from tests.hub.test_hub_actions import text_for
from tui.callrail.phones import digits
from tui.hub import actions
from tui.hub.eventlog import Send
from tui.hub.replicas import eventlog as replica_eventlog
from tui.hub.replicas.down import SharedStateDown
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


def _caller(node):
    return next(
        call
        for call in node.hub.session.state.calls_newest_first()
        if call.customer_phone_number and call.tracking_phone_number and call.company_id
    )


def _texts_sent(sim: Simulator) -> int:
    return sum(1 for r in sim.request_log if r.method == "POST" and "text-messages" in r.path)


def _queue_as_the_first_try_does(node, call, key: str) -> int:
    """What ``HubActions.send_text`` does on ``node`` once it holds the claim: queue, then record."""
    item = node.hub.session.send_text(
        company_id=call.company_id,
        customer_phone_number=call.customer_phone_number,
        content="On our way",
        tracking_number=call.tracking_phone_number,
    )
    now = node.hub.session.clock.now().timestamp()
    node.replica.events.record_send(Send("Dana", key, item.id, digits(call.customer_phone_number), now))
    return item.id


async def test_a_retry_on_the_other_replica_answers_with_the_text_the_first_one_queued(tmp_path, redis_url):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        await a.hub.session.poll_once()
        call = _caller(a)
        token = a.hub.tokens.add("Dana")
        assert a.replica.events.claim_send("Dana", "k1")  # A has taken the first try and is queueing it
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=WAIT_S) as http:
            retry = asyncio.create_task(
                http.post(f"{b.url}/api/texts", json=text_for(call, "k1", "On our way"))
            )
            await asyncio.sleep(actions.CLAIM_POLL_S * 2)  # the retry has reached B and found the claim
            assert not retry.done()
            item_id = _queue_as_the_first_try_does(a, call, "k1")
            answer = await retry
            assert answer.status_code == 200 and answer.json()["duplicate"]
            assert answer.json()["item"]["id"] == item_id
            again = await http.post(f"{a.url}/api/texts", json=text_for(call, "k1", "On our way"))
            assert again.json()["duplicate"] and again.json()["item"]["id"] == item_id
        assert [item.id for item in a.replica.outbox.outbox_items()] == [item_id]
        await until(lambda: _texts_sent(sim) == 1)


async def test_a_retry_is_asked_back_while_the_first_try_holds_it_and_queued_once_it_let_go(
    tmp_path, redis_url, monkeypatch
):
    monkeypatch.setattr(actions, "CLAIM_WAIT_S", 0.2)
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        await a.hub.session.poll_once()
        call = _caller(a)
        token = a.hub.tokens.add("Dana")
        text = text_for(call, "k2", "On our way")
        assert a.replica.events.claim_send("Dana", "k2")
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=WAIT_S) as http:
            busy = await http.post(f"{b.url}/api/texts", json=text)
            assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
            assert a.replica.outbox.outbox_items() == []
            a.replica.events.release_send("Dana", "k2")  # A's queueing failed: nothing was queued
            taken = await http.post(f"{b.url}/api/texts", json=text)
            assert taken.status_code == 201 and not taken.json()["duplicate"]
            again = await http.post(f"{a.url}/api/texts", json=text)
            assert again.json()["duplicate"] and again.json()["item"]["id"] == taken.json()["item"]["id"]
        assert len(a.replica.outbox.outbox_items()) == 1
        await until(lambda: _texts_sent(sim) == 1)


async def test_a_text_queued_before_redis_failed_is_found_by_a_retry_after_its_claim_ran_out(
    tmp_path, redis_url, monkeypatch
):
    """Redis failed between queueing the text and recording the send: the claim runs out, and the retry
    on the other replica finds the text by its key in the outbox instead of queueing it again."""
    monkeypatch.setattr(replica_eventlog, "CLAIM_MS", 100)
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with nodes(tmp_path, sim, redis_url, "A", "B") as (a, b):
        await a.hub.session.poll_once()
        call = _caller(a)
        token = a.hub.tokens.add("Dana")
        record = a.replica.events.record_send

        def down_once(send) -> None:
            monkeypatch.setattr(a.replica.events, "record_send", record)
            raise SharedStateDown("Redis at test is unreachable (ConnectionError)")

        monkeypatch.setattr(a.replica.events, "record_send", down_once)
        text = text_for(call, "k3", "On our way")
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=WAIT_S) as http:
            failed = await http.post(f"{a.url}/api/texts", json=text)
            assert failed.status_code == 503
            (queued,) = a.replica.outbox.outbox_items()
            await asyncio.sleep(0.3)  # the claim has run out
            retry = await http.post(f"{b.url}/api/texts", json=text)
            assert retry.status_code == 200 and retry.json()["duplicate"]
            assert retry.json()["item"]["id"] == queued.id
        assert [item.id for item in a.replica.outbox.outbox_items()] == [queued.id]
        await until(lambda: _texts_sent(sim) == 1)
