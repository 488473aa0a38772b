"""One truth: a stretch of a simulated day's deliveries and polls, merged in any order and with any
duplicates, ends in the same state; a late Post-Call never rolls back a newer Call Modified."""

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.live.webhook_rig import START
from tui.callrail.client import CallRailClient
from tui.callrail.fields import DETAIL_CALL_FIELDS
from tui.callrail.models import Call, Conversation
from tui.live.state import LiveState
from tui.live.webhooks.translate import translate
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import SIM_URL


async def _accept(scope, receive, send) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@dataclass(frozen=True)
class Observation:
    at: datetime
    calls: tuple[Call, ...] = ()
    conversations: tuple[Conversation, ...] = ()


async def _stretch() -> list[Observation]:
    """Two busy hours: every delivery, a list poll every twenty minutes, a few calls and threads read."""
    clock = ManualClock(START)
    sim = Simulator(SimConfig(seed=11), clock=clock, webhook_transport=httpx.ASGITransport(app=_accept))
    sim.add_webhook_receiver("http://receiver.test/hooks")
    transport = httpx.ASGITransport(app=sim.app)
    observations: list[Observation] = []
    async with CallRailClient(sim.api_key, base_url=SIM_URL, transport=transport, clock=clock) as client:
        for minute in range(1, 121):
            clock.advance(60)
            await sim.webhooks.deliver_due()
            if minute % 20 == 0:
                calls = [c async for c in client.iter_calls(sim.account_id, date_range="today")]
                conversations = [
                    c async for c in client.iter_conversations(sim.account_id, date_range="today")
                ]
                observations.append(Observation(clock.now(), tuple(calls), tuple(conversations)))
                detail = await client.get_call(sim.account_id, calls[len(calls) // 2].id, DETAIL_CALL_FIELDS)
                observations.append(Observation(clock.now(), (detail,)))
                if conversations:
                    thread = await client.get_conversation(sim.account_id, conversations[0].id)
                    observations.append(Observation(clock.now(), conversations=(thread,)))
    for record in sim.webhooks.log:
        payload = json.loads(record.body)
        records = translate(record.event, record.body, payload["company_resource_id"])
        if records is not None:
            at = records.observed_at
            observations.append(Observation(at, tuple(records.calls), tuple(records.conversations)))
    return observations


@cache
def stretch() -> tuple[Observation, ...]:
    return tuple(asyncio.run(_stretch()))


def merged(order) -> tuple[dict, dict]:
    state = LiveState()
    for observation in order:
        state.merge_calls(observation.calls, observation.at)
        state.merge_conversations(observation.conversations, observation.at)
    calls = {i: c.model_dump(mode="json") for i, c in state.calls.items()}
    conversations = {i: c.model_dump(mode="json") for i, c in state.conversations.items()}
    return calls, conversations


@cache
def in_time_order() -> tuple[dict, dict]:
    return merged(sorted(stretch(), key=lambda o: o.at))


def test_the_stretch_has_what_the_property_needs():
    observations = stretch()
    assert len(observations) > 100
    modified = [o for o in observations if any(c.note or c.tags for c in o.calls)]
    assert modified and any(o.conversations for o in observations)
    calls, conversations = in_time_order()
    assert len(calls) > 20 and conversations
    assert any(c["messages"] for c in conversations.values())  # a thread was read


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_order_and_any_duplicates_end_in_the_same_state(data):
    observations = stretch()
    order = list(data.draw(st.permutations(observations)))
    for index in data.draw(st.lists(st.integers(0, len(observations) - 1), max_size=40)):
        position = data.draw(st.integers(0, len(order)))
        order.insert(position, observations[index])
    assert merged(order) == in_time_order()


def test_a_late_post_call_never_rolls_back_a_newer_call_modified():
    post_call = Call.model_validate({"id": "CAL1", "call_type": "answered", "tags": [], "note": None})
    modified = Call.model_validate(
        {"id": "CAL1", "call_type": "answered", "tags": ["lead"], "note": "call back"}
    )
    state = LiveState()
    state.merge_calls([modified], START + timedelta(minutes=5))
    changes = state.merge_calls([post_call], START)
    assert changes.changed == [] and state.calls["CAL1"].tags == ["lead"]
    assert state.calls["CAL1"].note == "call back"
    again = state.merge_calls([modified], START + timedelta(minutes=5))
    assert again.new == again.changed == []


def test_a_messages_later_status_wins_and_a_list_read_does_not_erase_it():
    def thread(status: str) -> Conversation:
        message = {"direction": "outgoing", "content": "On our way", "created_at": START.isoformat()}
        return Conversation.model_validate({"id": "C1", "messages": [message | {"status": status}]})

    listed = Conversation.model_validate(
        {
            "id": "C1",
            "recent_messages": [{"direction": "outgoing", "content": "On our way", "created_at": START}],
        }
    )
    state = LiveState()
    state.merge_conversations([thread("delivered")], START + timedelta(minutes=2))
    state.merge_conversations([thread("sending")], START + timedelta(minutes=1))
    state.merge_conversations([listed], START + timedelta(minutes=3))
    [message] = state.conversations["C1"].messages
    assert message.status == "delivered"
