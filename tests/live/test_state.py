from datetime import UTC, datetime, timedelta

from tui.callrail.models import Call, Conversation
from tui.live.state import CompanyStats, LiveState

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
CALLER = "+15125550100"


def call(call_id: str, minutes_ago: float, call_type: str = "answered", **fields) -> Call:
    data = {
        "id": call_id,
        "start_time": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "company_id": "COM1",
        "customer_phone_number": CALLER,
        "call_type": call_type,
        "duration": 0 if call_type in ("missed", "in_progress") else 60,
        "direction": "outbound" if call_type == "outbound" else "inbound",
    }
    return Call.model_validate(data | fields)


def conversation(conversation_id: str, *messages: tuple[str, float], **fields) -> Conversation:
    """messages: (direction, minutes_ago), newest first."""
    recent = [
        {"direction": direction, "content": "x", "created_at": (NOW - timedelta(minutes=ago)).isoformat()}
        for direction, ago in messages
    ]
    newest = min((ago for _, ago in messages), default=60)
    data = {
        "id": conversation_id,
        "company_id": "COM1",
        "customer_phone_number": CALLER,
        "last_message_at": (NOW - timedelta(minutes=newest)).isoformat(),
        "recent_messages": recent,
    }
    return Conversation.model_validate(data | fields)


def test_merge_tells_new_from_changed_by_content():
    state = LiveState()
    first = state.merge_calls([call("A", 5, "in_progress"), call("B", 3)])
    assert [c.id for c in first.new] == ["A", "B"] and first.changed == []
    same = state.merge_calls([call("A", 5, "in_progress"), call("B", 3)])
    assert same.new == [] and same.changed == []
    ended = state.merge_calls([call("A", 5, "answered")])
    assert ended.new == [] and [c.id for c in ended.changed] == ["A"]
    assert state.calls["A"].status.value == "answered"


def test_merge_keeps_fields_a_list_poll_does_not_carry():
    state = LiveState()
    state.merge_calls([call("A", 30, transcription="Hello, plumber?", recording="https://r")])
    changes = state.merge_calls([call("A", 30, note="call back")])
    assert [c.id for c in changes.changed] == ["A"]
    assert state.calls["A"].transcription == "Hello, plumber?"
    assert state.calls["A"].note == "call back"
    # an explicit null clears
    state.merge_calls([call("A", 30, note=None)])
    assert state.calls["A"].note is None


def test_newest_first_and_history():
    state = LiveState()
    state.merge_calls(
        [call("old", 50), call("new", 1), call("mid", 20), call("other", 10, customer_phone_number="+1999")]
    )
    assert [c.id for c in state.calls_newest_first()] == ["new", "other", "mid", "old"]
    state.merge_conversations([conversation("Q1", ("incoming", 4))])
    calls, conversations = state.history_for(CALLER)
    assert [c.id for c in calls] == ["new", "mid", "old"]
    assert [c.id for c in conversations] == ["Q1"]
    assert state.conversation_for(CALLER).id == "Q1"
    assert state.conversation_for(CALLER, "COM2") is None
    assert state.conversation_for("+1999") is None


def test_needs_callback_for_missed_abandoned_and_voicemail():
    state = LiveState()
    calls = [
        call("m", 10, "missed"),
        call("a", 9, "abandoned", customer_phone_number="+1a"),
        call("v", 8, "voicemail", customer_phone_number="+1v"),
    ]
    state.merge_calls([*calls, call("ok", 5, customer_phone_number="+1ok")])
    assert [state.needs_callback(c) for c in calls] == [True, True, True]
    assert not state.needs_callback(state.calls["ok"])


def test_later_answered_call_or_outbound_callback_clears_it():
    state = LiveState()
    state.merge_calls([call("m", 30, "missed"), call("earlier", 40)])
    assert state.needs_callback(state.calls["m"])  # the answered call was before
    state.merge_calls([call("unanswered-callback", 20, "outbound", answered=False)])
    assert state.needs_callback(state.calls["m"])
    state.merge_calls([call("callback", 10, "outbound", answered=True)])
    assert not state.needs_callback(state.calls["m"])


def test_answered_call_to_another_company_does_not_count():
    state = LiveState()
    state.merge_calls([call("m", 30, "missed"), call("elsewhere", 10, company_id="COM2")])
    assert state.needs_callback(state.calls["m"])


def test_outgoing_text_after_the_call_clears_it():
    state = LiveState()
    state.merge_calls([call("m", 30, "missed")])
    state.merge_conversations([conversation("Q1", ("incoming", 20), ("outgoing", 45))])
    assert state.needs_callback(state.calls["m"])  # the reply was before the call
    state.merge_conversations([conversation("Q1", ("outgoing", 10), ("incoming", 20))])
    assert not state.needs_callback(state.calls["m"])
    # once seen, the reply counts even after it scrolls out of recent_messages
    state.merge_conversations([conversation("Q1", ("incoming", 2), ("incoming", 5))])
    assert not state.needs_callback(state.calls["m"])


def test_company_stats_counts_today_in_each_company_zone():
    # 15:00 UTC on the 27th is 09:00 on the 27th in Chicago and 04:00 on the 28th in Auckland (UTC+13)
    state = LiveState()
    state.set_company_time_zones({"CHI": "America/Chicago", "AKL": "Pacific/Auckland"})
    state.merge_calls(
        [
            call("c-today", 60, company_id="CHI"),  # 08:00 Chicago, 27th
            call("c-missed", 30, "missed", company_id="CHI"),
            call("c-yesterday", 10 * 60, company_id="CHI"),  # 23:00 Chicago, 26th
            call("a-today", 60, company_id="AKL"),  # 03:00 on the 28th in Auckland
            call("a-yesterday", 5 * 60, "voicemail", company_id="AKL"),  # 23:00 on the 27th in Auckland
        ]
    )
    state.merge_conversations(
        [
            conversation("Q1", ("incoming", 30), company_id="CHI"),
            conversation("Q2", ("incoming", 12 * 60), company_id="CHI", customer_phone_number="+1777"),
        ]
    )
    stats = state.company_stats(NOW)
    chicago_hours, auckland_hours = [0] * 24, [0] * 24
    chicago_hours[8] = 2  # 08:00 and 08:30, local
    auckland_hours[3] = 1
    assert stats["CHI"] == CompanyStats(calls=2, missed=1, texts=1, by_hour=tuple(chicago_hours))
    assert stats["AKL"] == CompanyStats(calls=1, missed=0, texts=0, by_hour=tuple(auckland_hours))
    assert stats["CHI"].missed_share == 0.5


def test_company_stats_follow_a_status_change():
    state = LiveState()
    state.set_company_time_zones({"COM1": "UTC"})
    state.merge_calls([call("x", 5, "in_progress")])
    stats = state.company_stats(NOW)["COM1"]
    assert (stats.calls, stats.missed) == (1, 0)
    state.merge_calls([call("x", 5, "missed")])
    stats = state.company_stats(NOW)["COM1"]
    assert (stats.calls, stats.missed, sum(stats.by_hour)) == (1, 1, 1)


def test_company_stats_use_the_calls_zone_without_a_companies_list():
    state = LiveState()
    state.merge_calls([call("c", 10 * 60, company_id="CHI", company_time_zone="America/Chicago")])
    assert state.company_stats(NOW)["CHI"].calls == 0  # 23:00 yesterday in Chicago
    state.merge_calls([call("d", 30, company_id="CHI", company_time_zone="America/Chicago")])
    assert state.company_stats(NOW)["CHI"].calls == 1


def test_a_thread_read_earlier_takes_in_new_messages_from_a_list_read():
    state = LiveState()
    thread = conversation("Q1", ("outgoing", 30), ("incoming", 40))
    state.merge_conversations([thread.model_copy(update={"messages": thread.recent_messages})])
    changes = state.merge_conversations([conversation("Q1", ("incoming", 1), ("outgoing", 30))])
    assert [c.id for c in changes.changed] == ["Q1"]
    merged = state.conversations["Q1"]
    assert len(merged.messages) == 3
    assert merged.newest_messages[0].incoming and merged.awaiting_reply
