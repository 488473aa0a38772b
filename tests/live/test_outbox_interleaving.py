"""The user's decision on a text and the outbox's own work on it, in every order (issue: "send again"
pressed during a read-back killed the sender). The simulator is real; a gate between it and the app holds
the requests the test wants to interleave with."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tests.live.conftest import make_env
from tests.live.gate import Fate, GatedTransport, hold_all
from tests.live.test_session_sim import a_conversation, server_messages
from tui.live.events import OutboxHealth, OutboxState
from tui.live.outbox import NothingToDecide
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock

from .conftest import START

WORDS = "Your part is in, we can fit it Thursday."


@pytest.fixture
async def gated(tmp_path):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    transport = GatedTransport(sim.app)
    env = make_env(tmp_path / "data", sim=sim, transport=transport)
    await env.session.start()
    env.transport = transport
    yield env
    await env.session.stop()


def queue_text(env, content: str = WORDS):
    company_id, phone = a_conversation(env.sim)
    item = env.session.send_text(company_id=company_id, customer_phone_number=phone, content=content)
    return item, company_id, phone


def state_of(env, item_id: int) -> OutboxState:
    return next(item for item in env.session.outbox_items() if item.id == item_id).state


def on_server(env, company_id: str, phone: str, content: str = WORDS) -> int:
    return len(server_messages(env.sim, company_id, phone, content))


async def send_then_start_check(env, send_fate: Fate):
    """Queue a text, lose its send as ``send_fate`` says, and stop at the first read-back request."""
    item, company_id, phone = queue_text(env)
    env.transport.policy = hold_all
    task = asyncio.create_task(env.session.outbox.process())
    send = await env.transport.next_held()
    assert send.what.endswith("/text-messages.json") and send.request.method == "POST"
    send.decide(send_fate)
    read_back = await env.transport.next_held()
    assert read_back.request.method == "GET"
    return item, company_id, phone, task, read_back


@pytest.mark.parametrize("sent", [False, True], ids=["send again", "it was sent"])
async def test_a_decision_during_the_read_back_is_refused_and_the_check_finishes(gated, sent):
    item, company_id, phone, task, read_back = await send_then_start_check(gated, Fate.LOST_BEFORE)
    assert state_of(gated, item.id) is OutboxState.CHECKING
    with pytest.raises(NothingToDecide, match="Still checking"):
        gated.session.resolve_unknown(item.id, sent=sent)
    assert state_of(gated, item.id) is OutboxState.CHECKING
    read_back.decide(Fate.DELIVER)
    await gated.transport.release_until_done(task)
    assert state_of(gated, item.id) is OutboxState.UNKNOWN  # checked: CallRail does not have it

    gated.session.resolve_unknown(item.id, sent=sent)
    gated.transport.policy = lambda request: Fate.DELIVER
    await gated.session.outbox.process()
    assert state_of(gated, item.id) is OutboxState.SENT
    assert on_server(gated, company_id, phone) == (0 if sent else 1)


async def test_send_again_during_the_read_back_of_a_text_that_went_out_sends_nothing_twice(gated):
    item, company_id, phone, task, read_back = await send_then_start_check(gated, Fate.LOST_AFTER)
    with pytest.raises(NothingToDecide):
        gated.session.resolve_unknown(item.id, sent=False)
    read_back.decide(Fate.DELIVER)
    await gated.transport.release_until_done(task)
    assert state_of(gated, item.id) is OutboxState.SENT
    with pytest.raises(NothingToDecide, match="has been sent"):
        gated.session.resolve_unknown(item.id, sent=False)
    await gated.session.outbox.process()
    assert on_server(gated, company_id, phone) == 1


async def test_a_decision_while_the_text_is_being_sent_is_refused(gated):
    item, company_id, phone = queue_text(gated)
    gated.transport.policy = hold_all
    task = asyncio.create_task(gated.session.outbox.process())
    send = await gated.transport.next_held()
    assert state_of(gated, item.id) is OutboxState.SENDING
    for sent in (False, True):
        with pytest.raises(NothingToDecide, match="being sent"):
            gated.session.resolve_unknown(item.id, sent=sent)
    send.decide(Fate.DELIVER)
    await gated.transport.release_until_done(task)
    assert state_of(gated, item.id) is OutboxState.SENT
    assert on_server(gated, company_id, phone) == 1


async def test_a_failed_read_back_keeps_checking_and_the_user_waits_for_it(gated):
    item, company_id, phone, task, read_back = await send_then_start_check(gated, Fate.LOST_BEFORE)
    read_back.decide(Fate.REFUSED)
    await gated.transport.release_until_done(task, Fate.REFUSED)  # the client's retries fail too
    delay = task.result()
    assert delay is not None and delay > 0
    assert state_of(gated, item.id) is OutboxState.CHECKING
    with pytest.raises(NothingToDecide):
        gated.session.resolve_unknown(item.id, sent=False)

    gated.transport.policy = lambda request: Fate.DELIVER
    await gated.session.outbox.process()
    assert state_of(gated, item.id) is OutboxState.UNKNOWN
    gated.session.resolve_unknown(item.id, sent=False)
    await gated.session.outbox.process()
    assert state_of(gated, item.id) is OutboxState.SENT
    assert on_server(gated, company_id, phone) == 1


async def test_texts_queued_behind_a_checked_text_still_go_out(gated):
    item, company_id, phone, task, read_back = await send_then_start_check(gated, Fate.LOST_BEFORE)
    second, *_ = queue_text(gated, "A second text, queued during the check.")
    read_back.decide(Fate.DELIVER)
    await gated.transport.release_until_done(task)
    assert state_of(gated, item.id) is OutboxState.UNKNOWN
    assert state_of(gated, second.id) is OutboxState.SENT
    assert on_server(gated, company_id, phone, "A second text") == 1


async def wait_until(condition, turns: int = 2000) -> None:
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def test_an_unexpected_error_sets_the_text_aside_and_the_sender_goes_on(gated):
    first, company_id, phone = queue_text(gated, "First, which hits a bug.")
    second, *_ = queue_text(gated, "Second, which must still go out.")
    posts = []

    def bug_on_first_post(request):
        if request.method == "POST":
            posts.append(request)
            if len(posts) == 1:
                raise RuntimeError("a bug in the app")
        return Fate.DELIVER

    gated.transport.policy = bug_on_first_post
    runner = asyncio.create_task(gated.session.outbox.run())
    try:
        await wait_until(lambda: state_of(gated, second.id) is OutboxState.SENT)
        await wait_until(lambda: state_of(gated, first.id) is OutboxState.UNKNOWN)
        assert not runner.done()
        health = [event for event in gated.events if isinstance(event, OutboxHealth)]
        assert health and "RuntimeError" in health[0].setback and not health[0].problem
        assert on_server(gated, company_id, phone, "First") == 0
        assert on_server(gated, company_id, phone, "Second") == 1
    finally:
        runner.cancel()


async def test_a_broken_store_says_texts_are_not_sent_until_it_works_again(gated, monkeypatch):
    item, company_id, phone = queue_text(gated)
    store = gated.session.store
    working = store.outbox_items

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "outbox_items", broken)
    runner = asyncio.create_task(gated.session.outbox.run())
    try:
        await wait_until(lambda: bool(gated.session.outbox.problem))
        assert gated.session.outbox.problem.startswith("Texts are not being sent")
        assert "OperationalError" in gated.session.outbox.problem
        assert not runner.done()
        monkeypatch.setattr(store, "outbox_items", working)
        gated.session.outbox.wake()
        await wait_until(lambda: state_of(gated, item.id) is OutboxState.SENT)
        await wait_until(lambda: not gated.session.outbox.problem)
        health = [event for event in gated.events if isinstance(event, OutboxHealth)]
        assert health[0].problem and health[-1] == OutboxHealth()
        assert on_server(gated, company_id, phone) == 1
    finally:
        runner.cancel()


async def test_stop_after_the_session_failed_does_not_raise(gated):
    async def broken_outbox():
        raise RuntimeError("a bug in the outbox")

    gated.session.outbox.run = broken_outbox
    runner = asyncio.create_task(gated.session.run())
    with pytest.raises(ExceptionGroup):
        await runner
    await asyncio.sleep(0)
    pollers = [t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "LiveSession._take_in"]
    assert not pollers  # stopped with the outbox, not left running on its own
    await gated.session.stop()  # would raise the outbox's error before the fix
