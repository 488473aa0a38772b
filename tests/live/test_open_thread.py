"""An open thread is read at the pace of the calls list, first among the other reads, so the customer's
reply is in the app within a cycle; not while webhooks carry the texts, and not once it is closed."""

from datetime import timedelta

from tui.live.open_thread import OpenThread
from tui.sim import SimConfig

from .conftest import make_env


def thread_reads(env, conversation_id: str, after=None) -> list:
    return [
        r
        for r in env.our_requests()
        if r.method == "GET"
        and r.path.endswith(f"/text-messages/{conversation_id}.json")
        and (after is None or r.at >= after)
    ]


def call_polls(env, after) -> set:
    return {r.at for r in env.our_requests() if r.path.endswith("/calls.json") and r.at >= after}


def test_the_newest_thread_opened_is_the_one_read_and_none_while_pushed():
    thread = OpenThread()
    assert thread.due(pushed=False) is None
    thread.open("AAAAA")
    thread.open("BBBBB")  # a thread opened over another
    assert thread.due(pushed=False) == "BBBBB" and thread.due(pushed=True) is None
    thread.close("BBBBB")
    assert thread.due(pushed=False) == "AAAAA"
    thread.close("ZZZZZ")  # never opened: nothing changes
    thread.close("AAAAA")
    assert thread.due(pushed=False) is None


async def test_an_open_thread_is_read_every_cycle_until_it_is_closed(env):
    await env.session.poll_once()
    conversation = env.session.state.conversations_newest_first()[0]
    env.session.watch_thread(conversation.id)
    opened = env.clock.now()
    await env.drive(timedelta(minutes=3))
    reads, polls = thread_reads(env, conversation.id, opened), call_polls(env, opened)
    assert len(polls) > 10 and {r.at for r in reads} == polls
    env.session.unwatch_thread(conversation.id)
    closed = env.clock.now()
    await env.drive(timedelta(minutes=3))
    assert thread_reads(env, conversation.id, closed) == []


async def test_while_webhooks_carry_the_texts_an_open_thread_is_not_read_on_its_own(env):
    await env.session.poll_once()
    conversation = env.session.state.conversations_newest_first()[0]
    env.session.watch_thread(conversation.id)
    env.session.poller.set_reconcile((60.0, 120.0))
    pushed = env.clock.now()
    await env.drive(timedelta(minutes=5))
    assert thread_reads(env, conversation.id, pushed) == []
    env.session.poller.set_reconcile(None)  # push fell back to polling: the thread is read again
    polled = env.clock.now()
    await env.drive(timedelta(minutes=1))
    assert len(thread_reads(env, conversation.id, polled)) >= 5


async def test_the_customers_reply_is_in_the_app_within_a_cycle(tmp_path):
    env = make_env(tmp_path, config=SimConfig(seed=7, text_reply_chance=1.0))
    await env.session.start()
    await env.session.poll_once()
    conversation = next(c for c in env.session.state.conversations_newest_first() if c.customer_phone_number)
    env.session.watch_thread(conversation.id)
    env.session.send_text(
        company_id=conversation.company_id,
        customer_phone_number=conversation.customer_phone_number,
        content="We can come by at 3, does that work?",
    )
    await env.session.outbox.process()
    sent_at = env.clock.now()
    held = env.sim.account.conversations[conversation.id]
    seen_at = None
    while seen_at is None and env.clock.now() - sent_at < timedelta(minutes=6):
        env.clock.advance(env.session.poller.next_delay())
        await env.session.poll_once()
        merged = env.session.state.conversations[conversation.id]
        if merged.newest_messages and merged.newest_messages[0].incoming:
            seen_at = env.clock.now()
    answer = next(m for m in held.messages if m.direction == "incoming" and m.created_at > sent_at)
    assert seen_at is not None
    # within one cycle of the calls list (about 5 s at these limits), not the conversations list's 20 s
    assert (seen_at - answer.created_at).total_seconds() <= 8
    await env.session.stop()
