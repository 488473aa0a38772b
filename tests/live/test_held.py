"""What still needs a person is held past the day the live state keeps, up to the store's days: the inbox
shows Friday's voicemail on Monday, whether the app ran all weekend or was closed."""

import json
from datetime import timedelta

from tests.live.test_state import CALLER, NOW, call, conversation
from tui.live.attention import Attention, AttentionKind
from tui.live.handled import HandledMarks
from tui.live.held import HELD_META
from tui.live.poller import LOOKBACK
from tui.live.state import LiveState
from tui.live.store_pruning import STORE_KEEPS

from .conftest import START, make_env
from .test_session_retention import a_call, a_conversation

DAY = NOW - timedelta(hours=24)
HOURS = 60  # minutes


def test_a_call_still_needing_a_callback_is_held_out_of_the_feed_until_answered():
    state = LiveState()
    state.merge_calls(
        [
            call("VOICEMAIL", 30 * HOURS, "voicemail"),
            call("ANSWERED", 29 * HOURS, customer_phone_number="+19995550100"),
            call("MISSED", 28 * HOURS, "missed", customer_phone_number="+19995550101"),
            call("CALLED_BACK", 27 * HOURS, "outbound", answered=True, customer_phone_number="+19995550101"),
            call("TODAY", 5, customer_phone_number="+19995550102"),
        ]
    )
    removed = state.forget_calls_before(DAY)
    assert sorted(removed) == ["ANSWERED", "CALLED_BACK", "MISSED", "VOICEMAIL"]  # out of the feed
    # the missed call was called back in the same stretch that went: decided before either left
    assert set(state.held_calls) == {"VOICEMAIL"}
    assert state.history_for(CALLER) == ([], [])  # the store has it whole; the inbox reads it there
    state.merge_calls([call("ANSWERED_TODAY", 3)])  # the caller got through today
    assert state.held_calls == {}


def test_a_conversation_awaiting_a_reply_is_held_until_it_moves_again():
    state = LiveState()
    state.merge_conversations(
        [
            conversation("WAITING", ("incoming", 30 * HOURS)),
            conversation("ANSWERED", ("outgoing", 30 * HOURS), customer_phone_number="+19995550100"),
            conversation("TODAY", ("incoming", 5), customer_phone_number="+19995550102"),
        ]
    )
    state.forget_conversations_before(DAY)
    assert set(state.held_conversations) == {"WAITING"}
    state.merge_conversations([conversation("WAITING", ("outgoing", 1), ("incoming", 30 * HOURS))])
    assert state.held_conversations == {} and "WAITING" in state.conversations


def test_held_records_go_once_as_old_as_the_store_keeps():
    state = LiveState()
    state.merge_calls(
        [call("OLD", 7 * 24 * HOURS, "voicemail"), call("NOW", 1, customer_phone_number="+1999")]
    )
    state.merge_conversations([conversation("OLDC", ("incoming", 7 * 24 * HOURS))])
    state.forget_calls_before(DAY, held_since=NOW - STORE_KEEPS)
    state.forget_conversations_before(DAY, held_since=NOW - STORE_KEEPS)
    assert set(state.held_calls) == {"OLD"} and set(state.held_conversations) == {"OLDC"}
    later = NOW + timedelta(days=2)
    state.forget_calls_before(later - LOOKBACK, held_since=later - STORE_KEEPS)
    state.forget_conversations_before(later - LOOKBACK, held_since=later - STORE_KEEPS)
    assert state.held_calls == {} and state.held_conversations == {}


async def test_the_inbox_keeps_a_held_item_as_the_day_moves_on(tmp_path):
    env = make_env(tmp_path)
    session = env.session
    attention = Attention(
        session.state, HandledMarks(session.store, session.clock), held=session.held.records
    )
    voicemail = a_call("VM", START - timedelta(hours=23), call_type="voicemail", duration=40)
    session.merge.calls([voicemail])
    attention.rebuild()
    assert [item.id for item in attention.items] == ["VM"]
    env.clock.advance(timedelta(hours=3).total_seconds())
    changes = session.merge.calls([a_call("NEXT", START + timedelta(hours=2), customer_phone_number="+1999")])
    assert "VM" in changes.removed and "VM" not in session.state.calls  # out of the feed
    attention.update(changes.new, removed_calls=changes.removed)
    assert [item.id for item in attention.items] == ["VM"]  # still in the inbox
    attention.rebuild()
    assert [(item.kind, item.id) for item in attention.items] == [(AttentionKind.CALL, "VM")]
    answered = session.merge.calls([a_call("THEY_CALLED_AGAIN", START + timedelta(hours=2, minutes=30))])
    attention.update(answered.new)
    assert attention.items == [] and session.state.held_calls == {}
    await session.stop()


async def test_after_a_weekend_closed_the_inbox_has_fridays_voicemail_and_not_what_was_answered(tmp_path):
    friday = make_env(tmp_path)
    session = friday.session
    await session.start()
    late = START - timedelta(hours=1)
    session.merge.calls(
        [
            a_call("FRI_VM", late, call_type="voicemail", duration=30, customer_phone_number="+13035550111"),
            a_call("FRI_MISSED", late, call_type="missed", duration=0, customer_phone_number="+13035550112"),
            a_call(
                "FRI_BACK",
                late + timedelta(minutes=20),
                call_type="outbound",
                direction="outbound",
                answered=True,
                customer_phone_number="+13035550112",
            ),
        ]
    )
    session.merge.conversations([a_conversation("FRI_TEXT", late, "+13035550113")])
    await session.stop()

    friday.clock.advance(timedelta(days=2, hours=16).total_seconds())  # Monday morning
    monday = make_env(tmp_path, sim=friday.sim)
    await monday.session.start()
    state = monday.session.state
    assert not {"FRI_VM", "FRI_MISSED", "FRI_BACK"} & set(state.calls)  # not in the feed
    assert set(state.held_calls) == {"FRI_VM"}
    assert set(state.held_conversations) == {"FRI_TEXT"}
    attention = Attention(
        state, HandledMarks(monday.session.store, monday.session.clock), held=monday.session.held.records
    )
    attention.rebuild()
    assert {item.id for item in attention.items} == {"FRI_VM", "FRI_TEXT"}
    await monday.session.stop()

    tuesday = make_env(tmp_path, sim=friday.sim)  # held from the run before: found by id
    await tuesday.session.start()
    assert set(tuesday.session.state.held_calls) == {"FRI_VM"}
    await tuesday.session.stop()


async def test_an_unreadable_note_of_held_records_is_left_behind(tmp_path):
    first = make_env(tmp_path)
    first.session.store.set_meta(HELD_META, "{not json")
    first.session.store.close()
    env = make_env(tmp_path)
    await env.session.start()
    assert env.session.state.held_calls == {}
    assert json.loads(env.session.store.get_meta(HELD_META))["calls"] == []
    await env.session.stop()


async def test_more_held_records_than_a_query_may_name_come_back_whole(tmp_path):
    env = make_env(tmp_path)
    session = env.session
    old = START - LOOKBACK - timedelta(hours=2)
    session.merge.calls(
        [
            a_call(f"VM{n:04d}", old, call_type="voicemail", customer_phone_number=f"+1303555{n:04d}")
            for n in range(1_200)
        ]
    )
    session.merge.calls([a_call("TODAY", START - timedelta(minutes=1), customer_phone_number="+19995550000")])
    assert len(session.state.held_calls) == 1_200
    calls, _ = session.held.records()
    assert sorted(call.id for call in calls) == sorted(session.state.held_calls)
    await session.stop()


async def test_judging_at_start_lets_go_only_of_what_it_brought(tmp_path):
    """Records merged while the session starts (a source, a benchmark's past day) are not the judge's:
    it takes in and lets go of only what the store's earlier days brought."""
    env = make_env(tmp_path)
    session = env.session
    past_day = [a_call(f"PAST{n}", START - timedelta(days=3, minutes=n)) for n in range(5)]
    session.merge.calls(past_day)
    gap = [
        a_call(
            "GAP_VM",
            START - timedelta(hours=30),
            call_type="voicemail",
            duration=20,
            customer_phone_number="+1555",
        )
    ]
    session.held.judge(gap, [], START, START)
    assert {call.id for call in past_day} <= set(session.state.calls)
    assert set(session.state.held_calls) == {"GAP_VM"} and "GAP_VM" not in session.state.calls
    await session.stop()
