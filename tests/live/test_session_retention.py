"""The session on start (the newest stored calls first, the rest in batches) and over days (it forgets
calls older than the lookback, and says so with ``CallsChanged.removed``)."""

from datetime import timedelta

from tui.callrail.models import Call, Conversation
from tui.live import session as session_module
from tui.live.events import CallsChanged, ConversationsChanged
from tui.live.poller import LOOKBACK

from .conftest import START, make_env


def a_call(call_id: str, start, **fields) -> Call:
    return Call.model_validate(
        {
            "id": call_id,
            "start_time": start.isoformat(),
            "company_id": "COM1",
            "customer_phone_number": "+15125550100",
            "call_type": "answered",
            "duration": 60,
            "recording": "https://r",
            **fields,
        }
    )


def stored_day(count: int) -> list[Call]:
    return [a_call(f"CALS{n:05d}", START - timedelta(minutes=1 + n)) for n in range(count)]


async def test_start_sends_the_newest_calls_first_then_the_rest_in_batches(tmp_path):
    count = session_module.FIRST_CALLS + 2 * session_module.STORED_CALLS_BATCH + 7
    first = make_env(tmp_path)
    first.session.store.upsert_calls(stored_day(count), seen_at=START)
    first.session.store.close()

    env = make_env(tmp_path)
    batches: list[list[str]] = []

    def listener(event):
        if isinstance(event, CallsChanged):
            batches.append([call.id for call in event.new])
            if len(batches) == 1:
                # before the UI says it has drawn them, nothing more is read
                env.session.first_calls_shown()

    env.session.subscribe(listener)
    await env.session.start()
    expected = [call.id for call in stored_day(count)]  # newest first
    assert batches[0] == expected[: session_module.FIRST_CALLS]
    assert all(len(batch) <= session_module.STORED_CALLS_BATCH for batch in batches[1:])
    assert [call_id for batch in batches for call_id in batch] == expected
    assert len(env.session.state.calls) == count
    await env.session.stop()


async def test_start_does_not_wait_long_for_a_ui_that_never_says_it_drew(tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "FIRST_FRAME_WAIT", 0.05)
    first = make_env(tmp_path)
    first.session.store.upsert_calls(stored_day(session_module.FIRST_CALLS + 3), seen_at=START)
    first.session.store.close()
    env = make_env(tmp_path)
    await env.session.start()
    assert len(env.session.state.calls) == session_module.FIRST_CALLS + 3
    await env.session.stop()


async def test_a_new_day_forgets_calls_older_than_the_lookback(tmp_path):
    env = make_env(tmp_path)
    session = env.session
    yesterday = [a_call(f"OLD{n}", START - LOOKBACK - timedelta(hours=2, minutes=n)) for n in range(3)]
    session.merge.calls(yesterday)
    live = a_call("OLDLIVE", START - LOOKBACK - timedelta(hours=1), call_type="in_progress", duration=None)
    session.merge.calls([live])
    session.followups.track([live], session.clock.now())
    env.events.clear()

    session.merge.calls([a_call("TODAY", START - timedelta(minutes=1))])
    event = next(e for e in env.events if isinstance(e, CallsChanged))
    assert sorted(event.removed) == ["OLD0", "OLD1", "OLD2", "OLDLIVE"]
    assert [call.id for call in event.new] == ["TODAY"]
    assert set(session.state.calls) == {"TODAY"}
    assert "OLDLIVE" not in session.followups.live  # no follow-up for a forgotten call
    # the store still has them (it is pruned by age on start, much later)
    assert {"OLD0", "OLDLIVE"} <= {c.id for c in session.store.load_calls(START - timedelta(days=3))}
    await session.stop()


async def test_a_clock_that_jumps_ahead_does_not_empty_the_feed(tmp_path):
    env = make_env(tmp_path)
    session = env.session
    session.merge.calls([a_call("A", START - timedelta(hours=2)), a_call("B", START - timedelta(hours=1))])
    env.clock.advance(timedelta(days=3).total_seconds())
    session.merge.calls([a_call("B", START - timedelta(hours=1), note="called back")])
    assert set(session.state.calls) == {"A", "B"}
    await session.stop()


async def test_a_call_read_again_is_not_forgotten_in_the_same_read(tmp_path):
    env = make_env(tmp_path)
    session = env.session
    session.merge.calls([a_call("NEW", START - timedelta(minutes=5))])
    old = a_call("ANCIENT", START - timedelta(days=2))
    assert session.merge.calls([old]).new == [old]
    assert "ANCIENT" in session.state.calls
    await session.stop()


def a_conversation(conversation_id: str, last_message_at, phone: str = "+15125550100") -> Conversation:
    return Conversation.model_validate(
        {
            "id": conversation_id,
            "company_id": "COM1",
            "customer_phone_number": phone,
            "last_message_at": last_message_at.isoformat(),
            "recent_messages": [
                {"direction": "incoming", "content": "hi", "created_at": last_message_at.isoformat()}
            ],
        }
    )


async def test_a_new_day_forgets_conversations_older_than_the_lookback(tmp_path):
    env = make_env(tmp_path)
    session = env.session
    session.merge.conversations(
        [
            a_conversation(f"OLDC{n}", START - LOOKBACK - timedelta(hours=1, minutes=n), f"+1999{n}")
            for n in range(3)
        ]
    )
    env.events.clear()
    session.merge.conversations([a_conversation("TODAYC", START - timedelta(minutes=1), "+15550001")])
    event = next(e for e in env.events if isinstance(e, ConversationsChanged))
    assert sorted(event.removed) == ["OLDC0", "OLDC1", "OLDC2"]
    assert set(session.state.conversations) == {"TODAYC"}
    # the store keeps them
    assert {"OLDC0"} <= {c.id for c in session.store.load_conversations(START - timedelta(days=3))}
    await session.stop()
