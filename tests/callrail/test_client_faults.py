"""Simulated network and server faults give typed errors, and no request outlives its deadline.

A stalled request that fails at all was cut off by the deadline (the faults stall for longer, or forever);
``clock.slept`` shows whether the client paused to retry within it.
"""

from __future__ import annotations

import re
import socket

import pytest

from tui.callrail import (
    CallRailClient,
    Conversation,
    MalformedResponse,
    NetworkError,
    SendOutcomeUnknown,
    ServerError,
)

DEADLINE = 0.5


async def a_conversation(client: CallRailClient, account_id: str) -> Conversation:
    return (await client.list_conversations(account_id, per_page=1)).items[0]


async def send_to(client: CallRailClient, account_id: str, conversation: Conversation) -> Conversation:
    return await client.send_text(
        account_id,
        company_id=conversation.company_id,
        customer_phone_number=conversation.customer_phone_number,
        content="Running ten minutes late, sorry!",
    )


def requests_to(sim, suffix: str, method: str = "GET") -> int:
    return sum(1 for record in sim.request_log if record.method == method and record.path.endswith(suffix))


@pytest.mark.parametrize(
    "fault", [{"latency": 2.0}, {"hang_rate": 1.0}, {"slow_body": 2.0}], ids=["latency", "hang", "slow-body"]
)
async def test_a_stalled_read_ends_at_the_deadline(sim, connect_sim, clock, fault) -> None:
    client = connect_sim(deadline=DEADLINE)
    for name, value in fault.items():
        setattr(sim.faults, name, value)
    with pytest.raises(NetworkError) as caught:
        await client.list_accounts()
    assert type(caught.value) is NetworkError
    assert clock.slept == []  # the deadline left no time for a retry


@pytest.mark.parametrize("fault", [{"hang_rate": 1.0}, {"slow_body": 2.0}], ids=["hang", "slow-body"])
async def test_a_stalled_send_is_outcome_unknown_at_the_deadline(sim, connect_sim, fault) -> None:
    client = connect_sim(deadline=DEADLINE)
    conversation = await a_conversation(client, sim.account_id)
    for name, value in fault.items():
        setattr(sim.faults, name, value)
    with pytest.raises(SendOutcomeUnknown):
        await send_to(client, sim.account_id, conversation)
    assert requests_to(sim, "text-messages.json", "POST") == 1


async def test_server_errors_are_retried_for_reads_only(sim, connect_sim) -> None:
    client = connect_sim(retries=2)
    conversation = await a_conversation(client, sim.account_id)
    sim.faults.error_rate = 1.0
    with pytest.raises(ServerError):
        await client.list_companies(sim.account_id)
    assert requests_to(sim, "companies.json") == 3
    with pytest.raises(ServerError):
        await send_to(client, sim.account_id, conversation)
    assert requests_to(sim, "text-messages.json", "POST") == 1


async def test_dropped_connections(sim, connect_sim) -> None:
    client = connect_sim()
    conversation = await a_conversation(client, sim.account_id)
    sim.faults.drop_rate = 1.0
    with pytest.raises(NetworkError) as caught:
        await client.list_companies(sim.account_id)
    assert type(caught.value) is NetworkError
    assert requests_to(sim, "companies.json") == 3
    with pytest.raises(SendOutcomeUnknown):
        await send_to(client, sim.account_id, conversation)
    assert requests_to(sim, "text-messages.json", "POST") == 1


async def test_a_text_sent_before_the_connection_dropped(sim, connect_sim) -> None:
    client = connect_sim()
    conversation = await a_conversation(client, sim.account_id)
    sim.faults.drop_after_send = True
    with pytest.raises(SendOutcomeUnknown):
        await send_to(client, sim.account_id, conversation)
    sim.faults.reset()
    after = await client.get_conversation(sim.account_id, conversation.id)
    assert after.messages[0].content.startswith("Running ten minutes late, sorry!")


async def test_truncated_bodies(sim, connect_sim) -> None:
    client = connect_sim()
    conversation = await a_conversation(client, sim.account_id)
    sim.faults.truncate_rate = 1.0
    with pytest.raises(MalformedResponse):
        await client.list_calls(sim.account_id)
    with pytest.raises(SendOutcomeUnknown):
        await send_to(client, sim.account_id, conversation)


async def test_flaky_server_is_survived_by_retries(sim, connect_sim) -> None:
    client = connect_sim(retries=3)
    sim.faults.error_rate = 0.3
    for _ in range(10):
        assert await client.list_companies(sim.account_id)


async def test_nothing_listening(clock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = CallRailClient("key", base_url=f"http://127.0.0.1:{port}/v3/", clock=clock, deadline=DEADLINE)
    async with client:
        with pytest.raises(NetworkError, match="Could not connect"):
            await client.list_accounts()
        with pytest.raises(NetworkError) as caught:
            await client.send_text(
                "ACC1", company_id="COM1", customer_phone_number="+15125550100", content="Hi"
            )
    assert type(caught.value) is NetworkError  # nothing was sent, so this is not an unknown outcome
    assert clock.slept == [0.25]  # the read was retried within the deadline, the send was not


async def test_a_poll_gives_up_at_its_shorter_deadline_a_user_action_waits_longer(sim, connect_sim) -> None:
    """An outage shows within seconds: a poll (``background=True``) stops at ``background_deadline``; what
    the user asked for keeps the whole ``deadline``."""
    client = connect_sim(deadline=30.0, background_deadline=DEADLINE)
    sim.faults.hang_rate = 1.0
    with pytest.raises(NetworkError, match=re.escape(f"within {DEADLINE:g} s")):
        await client.list_calls(sim.account_id, background=True)
    with pytest.raises(NetworkError, match=r"within 0\.8 s"):
        await connect_sim(deadline=0.8, background_deadline=DEADLINE).list_calls(sim.account_id)
