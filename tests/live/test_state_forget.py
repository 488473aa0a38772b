"""The state forgets calls older than the lookback, so a second day does not double what it holds."""

from datetime import timedelta

from tests.live.test_state import CALLER, NOW, call, conversation
from tui.live.state import LiveState


def test_forget_drops_old_calls_and_everything_derived_from_them():
    state = LiveState()
    state.merge_calls(
        [
            call("OLD1", 60 * 30, "missed"),
            call("OLD2", 60 * 26, customer_phone_number="+1999"),
            call("NEW", 30, "missed"),
            call("NEWER", 5),
        ]
    )
    assert state.newest_start == NOW - timedelta(minutes=5)
    removed = state.forget_calls_before(NOW - timedelta(hours=24))
    assert sorted(removed) == ["OLD1", "OLD2"]
    assert set(state.calls) == {"NEW", "NEWER"}
    assert [c.id for c in state.calls_newest_first()] == ["NEWER", "NEW"]
    assert [c.id for c in state.history_for(CALLER)[0]] == ["NEWER", "NEW"]
    assert "+1999" not in state._calls_by_number  # no empty index entries left behind
    # the days whose calls were all forgotten are gone from the counts; today's stay right
    assert all(day >= (NOW - timedelta(hours=24)).date() for days in state._daily.values() for day in days)
    stats = state.company_stats(NOW)
    assert stats["COM1"].calls == 2 and stats["COM1"].missed == 1
    # forgetting again is a no-op
    assert state.forget_calls_before(NOW - timedelta(hours=24)) == []


def test_forget_keeps_the_ids_asked_for_and_order_stays_right():
    state = LiveState()
    state.merge_calls([call("A", 60 * 40), call("B", 60 * 30), call("C", 60)])
    assert state.forget_calls_before(NOW - timedelta(hours=24), keep={"A"}) == ["B"]
    assert [c.id for c in state.calls_newest_first()] == ["C", "A"]
    # merging still works on what stayed (the order index was kept consistent)
    changes = state.merge_calls([call("A", 60 * 40, "missed")])
    assert [c.id for c in changes.changed] == ["A"]
    assert [c.id for c in state.calls_newest_first()] == ["C", "A"]


def test_needs_callback_after_forgetting_older_calls():
    state = LiveState()
    state.merge_calls([call("ANSWERED_LONG_AGO", 60 * 30), call("MISSED", 60, "missed")])
    state.merge_conversations([conversation("Q1", ("incoming", 50))])
    state.forget_calls_before(NOW - timedelta(hours=24))
    assert state.needs_callback(state.calls["MISSED"])
    state.merge_calls([call("ANSWERED", 10)])
    assert not state.needs_callback(state.calls["MISSED"])


def test_newest_start_when_empty():
    assert LiveState().newest_start is None


def test_forget_drops_old_conversations_and_their_indexes():
    state = LiveState()
    state.merge_conversations(
        [
            conversation("OLD", ("outgoing", 60 * 30), customer_phone_number="+1999"),
            conversation("KEPT", ("incoming", 60 * 26)),
            conversation("NEW", ("incoming", 10)),
        ]
    )
    assert state.newest_message_at == NOW - timedelta(minutes=10)
    removed = state.forget_conversations_before(NOW - timedelta(hours=24), keep={"KEPT"})
    assert removed == ["OLD"]
    assert set(state.conversations) == {"KEPT", "NEW"}
    assert "+1999" not in state._conversations_by_number
    assert "OLD" not in state._last_outgoing
    assert state.history_for("+1999") == ([], [])
    assert [c.id for c in state.history_for(CALLER)[1]] == ["NEW", "KEPT"]
    assert state.forget_conversations_before(NOW - timedelta(hours=24), keep={"KEPT"}) == []
