"""LiveSession end to end against the in-process simulator: startup, the run loop, user actions, texts."""

import asyncio
from datetime import timedelta

from tui.live.events import (
    CallsChanged,
    Channel,
    ChannelStatus,
    OutboxChanged,
    OutboxState,
    PollState,
    PollStatus,
)
from tui.screenshots import scene
from tui.sim import SimConfig
from tui.wiring import demo_session

from .conftest import make_env


def a_conversation(sim):
    """A (company_id, customer phone) the simulator already has a conversation with."""
    conversation = next(iter(sim.account.conversations.values()))
    return conversation.company_id, conversation.customer.phone


def server_messages(sim, company_id, phone, content):
    conversation = sim.account.conversations[sim.account.conversation_by_customer[(company_id, phone)]]
    return [m for m in conversation.messages if m.direction == "outgoing" and m.content.startswith(content)]


async def test_start_shows_the_store_before_any_request(tmp_path):
    first = make_env(tmp_path)
    await first.session.start()
    await first.drive(timedelta(minutes=10))
    known = set(first.session.state.calls)
    await first.session.stop()

    second = make_env(tmp_path)
    requests_at_first_calls = []

    def listener(event):
        if isinstance(event, CallsChanged) and not requests_at_first_calls:
            requests_at_first_calls.append(len(second.sim.request_log))
            assert {call.id for call in event.new} == known

    second.session.subscribe(listener)
    await second.session.start()
    assert requests_at_first_calls == [0]
    assert second.session.companies
    assert second.session.status.last_success is not None  # from the store
    await second.session.stop()


async def test_start_while_unreachable_is_offline_not_a_crash(tmp_path):
    env = make_env(tmp_path)
    env.sim.faults.drop_rate = 1.0
    await env.session.start()
    assert env.session.status.state is PollState.OFFLINE
    assert "companies" in env.session.status.message
    await env.session.stop()


async def test_a_rejected_key_stops_polling_until_told(tmp_path):
    env = make_env(tmp_path, api_key="wrong-key")
    await env.session.start()
    assert env.session.status.state is PollState.AUTH_FAILED
    runner = asyncio.create_task(env.session.run())
    for _ in range(50):
        await asyncio.sleep(0)
    assert env.session.status.state is PollState.AUTH_FAILED
    requests = len(env.sim.request_log)
    for _ in range(50):
        await asyncio.sleep(0)
    assert len(env.sim.request_log) == requests
    env.session.refresh_now()  # the user fixed the key (here: not) and asks to try again
    while len(env.sim.request_log) == requests:
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)
    assert env.session.status.state is PollState.AUTH_FAILED
    assert len(env.sim.request_log) == requests + 1
    await env.session.stop()
    await asyncio.wait_for(runner, 1)


async def test_run_polls_pauses_and_stops(env):
    runner = asyncio.create_task(env.session.run())
    while not env.session.state.calls:
        await asyncio.sleep(0.001)
    assert any(isinstance(e, PollStatus) and e.next_poll_at is not None for e in env.events)
    env.session.set_paused(True)
    await asyncio.sleep(0.05)
    assert env.session.status.state is PollState.PAUSED
    requests = len(env.our_requests())
    await asyncio.sleep(0.05)
    assert len(env.our_requests()) == requests
    env.session.refresh_now()  # one poll while paused
    while len(env.our_requests()) == requests:
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.05)
    assert env.session.status.state is PollState.PAUSED
    requests = len(env.our_requests())
    env.session.set_paused(False)
    while len(env.our_requests()) == requests:
        await asyncio.sleep(0.001)
    await env.session.stop()
    await asyncio.wait_for(runner, 1)


async def test_open_and_update_a_call(env):
    await env.drive(timedelta(minutes=40))
    own = env.sim.account.calls_by_id
    enriched = next(e.id for e in env.sim.events if e.kind == "call_enriched" and e.id in own)
    call = await env.session.open_call(enriched)
    assert call.conversational_transcript and call.recording
    updated = await env.session.update_call(enriched, note="Call back after 3pm")
    assert updated.note == "Call back after 3pm"
    assert env.session.state.calls[enriched].conversational_transcript  # kept from the detail read
    assert own[enriched].note == "Call back after 3pm"


async def test_open_a_conversation_brings_its_messages(env):
    await env.drive(timedelta(minutes=1))
    conversation_id = next(iter(env.session.state.conversations))
    conversation = await env.session.open_conversation(conversation_id)
    assert conversation.messages


async def test_text_sent_once_even_when_the_answer_is_lost(env):
    company_id, phone = a_conversation(env.sim)
    env.sim.faults.drop_after_send = True
    item = env.session.send_text(company_id=company_id, customer_phone_number=phone, content="See you at 3pm")
    assert env.session.outbox_items(phone)[-1].state is OutboxState.QUEUED
    await env.session.outbox.process()
    env.sim.faults.reset()
    states = [e.item.state for e in env.events if isinstance(e, OutboxChanged) and e.item.id == item.id]
    assert OutboxState.CHECKING in states
    assert env.session.outbox_items(phone)[-1].state is OutboxState.SENT
    assert len(server_messages(env.sim, company_id, phone, "See you at 3pm")) == 1
    await env.session.outbox.process()
    assert len(server_messages(env.sim, company_id, phone, "See you at 3pm")) == 1


async def test_opted_out_number_fails_with_the_reason(env):
    company_id, phone = a_conversation(env.sim)
    env.sim.account.opted_out.add((company_id, phone))
    env.session.send_text(company_id=company_id, customer_phone_number=phone, content="Hello")
    await env.session.outbox.process()
    item = env.session.outbox_items(phone)[-1]
    assert item.state is OutboxState.FAILED and "opted out" in item.error


async def test_texting_not_enabled_is_learned_from_the_failure(tmp_path):
    env = make_env(tmp_path, config=SimConfig(seed=7, texting_enabled=False))
    await env.session.start()
    assert env.session.texting_enabled is None
    company_id, phone = a_conversation(env.sim)
    env.session.send_text(company_id=company_id, customer_phone_number=phone, content="Hello")
    await env.session.outbox.process()
    assert env.session.texting_enabled is False
    assert env.session.outbox_items(phone)[-1].state is OutboxState.FAILED
    await env.session.stop()


async def test_drafts_survive_a_restart(tmp_path):
    env = make_env(tmp_path)
    env.session.save_draft("conversation:Qm1", "Half-written reply")
    await env.session.stop()
    again = make_env(tmp_path)
    assert again.session.load_draft("conversation:Qm1") == "Half-written reply"
    again.session.clear_draft("conversation:Qm1")
    assert again.session.load_draft("conversation:Qm1") == ""
    await again.session.stop()


async def test_demo_session_runs_on_the_simulator_and_writes_only_to_its_dir(tmp_path):
    data_dir = tmp_path / "demo"
    session, simulator = demo_session(seed=7, speed=200.0, data_dir=data_dir)
    await session.start()
    runner = asyncio.create_task(session.run())
    for _ in range(200):
        if session.state.calls:
            break
        await asyncio.sleep(0.05)
    assert session.state.calls and session.companies
    assert session.account_id == simulator.account_id
    await session.stop()
    await asyncio.wait_for(runner, 1)
    assert {path.parent for path in tmp_path.rglob("*") if path.is_file()} == {data_dir}


async def test_a_corrupt_store_is_set_aside_and_said_so(tmp_path):
    (tmp_path / "callrail.sqlite3").write_bytes(b"garbage" * 1000)
    env = make_env(tmp_path)
    await env.session.start()
    first_status = next(e for e in env.events if isinstance(e, PollStatus))
    assert "moved to callrail.sqlite3.corrupt-" in first_status.message
    assert list(tmp_path.glob("callrail.sqlite3.corrupt-*"))
    await env.session.stop()


async def test_the_demo_pushes_webhooks_to_its_own_receiver_and_polls_only_to_reconcile(tmp_path):
    session, simulator = demo_session(seed=7, speed=200.0, data_dir=tmp_path / "demo")
    await session.start()
    runner = asyncio.create_task(session.run())
    try:

        def delivered() -> list:  # logged once the receiver has answered, which can be after it took it in
            return [r for r in simulator.webhooks.log if r.outcome == "delivered"]

        for _ in range(400):
            if session.backstop.status.channel is Channel.PUSH and delivered():
                break
            await asyncio.sleep(0.05)
        assert session.backstop.status == ChannelStatus(Channel.PUSH, "webhooks arriving")
        deliveries = delivered()
        assert deliveries and all(r.url.startswith("http://127.0.0.1:") for r in deliveries)
        assert session.webhooks is not None and set(session.webhooks.enabled()) == set(session.companies)
    finally:
        await session.stop()
        await asyncio.wait_for(runner, 1)


async def test_live_again_as_soon_as_a_request_succeeds_not_at_the_next_retry(tmp_path):
    built = scene(tmp_path)  # a clock that stands still unless moved: the poller's retry never comes
    session, clock = built.session, built.clock
    await session.start()
    runner = asyncio.create_task(session.run())

    async def until(condition, move: bool = False) -> None:
        for _ in range(2000):
            if condition():
                return
            if move:
                clock.advance(1)
            await asyncio.sleep(0.01)
        raise AssertionError("never")

    try:
        await until(lambda: session.status.state is PollState.OK and session.state.calls)
        call_id = next(iter(session.state.calls))
        built.simulator.faults.error_rate = 1.0
        session.refresh_now()
        await until(lambda: session.status.state is PollState.OFFLINE, move=True)
        built.simulator.faults.reset()
        await session.open_call(call_id)  # the user opens a call: CallRail answers
        await until(lambda: session.status.state is PollState.OK)
    finally:
        await session.stop()
        runner.cancel()


async def test_stop_ends_the_sources_before_its_clean_ups_run(tmp_path):
    """A source still working (say, putting webhook URLs back) when the app stops must not race the
    clean-up that takes them out: the sources are ended first."""
    env = make_env(tmp_path)
    order: list[str] = []
    started = asyncio.Event()

    class Busy:
        async def batches(self):
            started.set()
            try:
                await asyncio.Event().wait()
            finally:
                order.append("source ended")
            yield  # never reached: an async generator

        def refresh_now(self) -> None: ...

        def texting_happened(self) -> None: ...

    async def clean_up() -> None:
        order.append("clean-up")

    env.session.add_source(Busy())
    env.session.before_stop(clean_up)
    await env.session.start()
    env.session.set_paused(True)
    runner = asyncio.create_task(env.session.run())
    await asyncio.wait_for(started.wait(), 10)
    await env.session.stop()
    await runner
    assert order == ["source ended", "clean-up"]
