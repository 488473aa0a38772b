"""The store's newest-first pages (the app shows the newest calls before reading the rest) and pruning."""

from datetime import UTC, datetime, timedelta

from tui.callrail.models import Call, Conversation
from tui.live.store import Store

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def make_call(call_id: str, minutes_ago: float) -> Call:
    start = NOW - timedelta(minutes=minutes_ago)
    return Call.model_validate({"id": call_id, "start_time": start.isoformat(), "company_id": "COM1"})


def test_limited_load_is_the_newest_first(tmp_path):
    store = Store(tmp_path / "s.db")
    store.upsert_calls([make_call(f"CAL{n:03d}", n) for n in range(50)], seen_at=NOW)
    store.upsert_calls([make_call("OLD", 60 * 25)], seen_at=NOW)
    newest = store.load_calls(NOW - timedelta(hours=24), limit=5)
    assert [call.id for call in newest] == ["CAL000", "CAL001", "CAL002", "CAL003", "CAL004"]
    # without a limit: every call since, oldest first, as before
    every = store.load_calls(NOW - timedelta(hours=24))
    assert len(every) == 50 and every[0].id == "CAL049"


def test_pages_cover_every_call_once_even_with_equal_start_times(tmp_path):
    store = Store(tmp_path / "s.db")
    calls = [make_call(f"CAL{n:03d}", n // 3) for n in range(100)]  # three calls per minute
    store.upsert_calls(calls, seen_at=NOW)
    since = NOW - timedelta(hours=24)
    page = store.load_calls_page(since, limit=7)
    seen = [call.id for call in page.calls]
    while page.next is not None:
        page = store.load_calls_page(since, limit=7, after=page.next)
        assert len(page.calls) <= 7
        seen += [call.id for call in page.calls]
    assert sorted(seen) == sorted(call.id for call in calls)
    assert len(seen) == len(set(seen))
    loaded = {call.id: call for call in store.load_calls(since)}
    assert [loaded[i].start_time for i in seen] == sorted((loaded[i].start_time for i in seen), reverse=True)


def test_a_page_walks_the_index_not_the_table(tmp_path):
    store = Store(tmp_path / "s.db")
    plan = store._query(
        "EXPLAIN QUERY PLAN SELECT start_time, id, json FROM calls WHERE start_time >= ? "
        "AND (start_time, id) < (?, ?) ORDER BY start_time DESC, id DESC LIMIT ?",
        (0, 0, "", 1),
    )
    details = " ".join(row[-1] for row in plan)
    assert "calls_start_time_id" in details and "TEMP B-TREE" not in details


def test_prune_drops_old_calls_and_conversations_but_not_drafts_or_outbox(tmp_path):
    store = Store(tmp_path / "s.db")
    store.upsert_calls([make_call("NEW", 60), make_call("OLD", 60 * 24 * 9)], seen_at=NOW)
    store.upsert_conversations(
        [
            Conversation.model_validate({"id": "QNEW", "last_message_at": NOW.isoformat()}),
            Conversation.model_validate(
                {"id": "QOLD", "last_message_at": (NOW - timedelta(days=9)).isoformat()}
            ),
        ]
    )
    store.save_draft("QOLD", "call me back", now=NOW - timedelta(days=9))
    store.add_outbox_item(
        company_id="COM1",
        customer_phone_number="+1",
        tracking_number=None,
        content="hi",
        now=NOW - timedelta(days=9),
    )
    assert store.prune(NOW - timedelta(days=8)) == 2
    long_ago = NOW - timedelta(days=30)
    assert [call.id for call in store.load_calls(long_ago)] == ["NEW"]
    assert [c.id for c in store.load_conversations(long_ago)] == ["QNEW"]
    assert store.load_draft("QOLD") == "call me back"
    assert len(store.outbox_items()) == 1
