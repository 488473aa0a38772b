import sqlite3
from datetime import UTC, datetime, timedelta

from tui.callrail.models import Call, Conversation, FormSubmission
from tui.live.events import OutboxState
from tui.live.store import MIGRATIONS, SCHEMA_VERSION, Store

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def make_call(call_id: str, minutes_ago: float, **fields) -> Call:
    start = NOW - timedelta(minutes=minutes_ago)
    return Call.model_validate(
        {"id": call_id, "start_time": start.isoformat(), "company_id": "COM1", **fields}
    )


def test_calls_round_trip_and_load_since(tmp_path):
    store = Store(tmp_path / "s.db")
    store.upsert_calls(
        [
            make_call("CAL1", 10, customer_name="Ann", call_type="missed", surprise={"kept": True}),
            make_call("CAL2", 60 * 30),
        ],
        seen_at=NOW,
    )
    loaded = store.load_calls(NOW - timedelta(hours=24))
    assert [call.id for call in loaded] == ["CAL1"]
    assert loaded[0].customer_name == "Ann"
    assert loaded[0].surprise == {"kept": True}
    # an upsert replaces the content but keeps the row
    store.upsert_calls([make_call("CAL1", 10, customer_name="Ann B")], seen_at=NOW)
    assert store.load_calls(NOW - timedelta(hours=1))[0].customer_name == "Ann B"


def test_conversations_round_trip(tmp_path):
    store = Store(tmp_path / "s.db")
    conversation = Conversation.model_validate(
        {
            "id": "Qm1",
            "customer_phone_number": "+15125550100",
            "last_message_at": (NOW - timedelta(hours=2)).isoformat(),
            "recent_messages": [{"direction": "incoming", "content": "hi", "created_at": NOW.isoformat()}],
        }
    )
    store.upsert_conversations([conversation])
    [loaded] = store.load_conversations(NOW - timedelta(days=1))
    assert loaded == conversation
    assert store.load_conversations(NOW - timedelta(hours=1)) == []


def test_drafts_survive_reopen(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    store.save_draft("conv:Qm1", "Hello there", now=NOW)
    store.close()
    reopened = Store(path)
    assert reopened.load_draft("conv:Qm1") == "Hello there"
    reopened.clear_draft("conv:Qm1")
    assert reopened.load_draft("conv:Qm1") == ""
    reopened.save_draft("x", "", now=NOW)
    assert reopened.load_draft("x") == ""


def test_outbox_persists_across_reopen(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    first = store.add_outbox_item(
        company_id="COM1", customer_phone_number="+15125550100", tracking_number=None, content="one", now=NOW
    )
    second = store.add_outbox_item(
        company_id="COM1",
        customer_phone_number="+15125550199",
        tracking_number="+15125550111",
        content="two",
        now=NOW,
    )
    store.set_outbox_state(first.id, OutboxState.SENDING, now=NOW)
    store.set_outbox_state(second.id, OutboxState.SENT, now=NOW, conversation_id="Qm9")
    store.close()
    reopened = Store(path)
    items = reopened.outbox_items()
    assert [(item.content, item.state) for item in items] == [
        ("one", OutboxState.SENDING),
        ("two", OutboxState.SENT),
    ]
    assert items[1].conversation_id == "Qm9"
    assert [item.id for item in reopened.outbox_items(states=[OutboxState.SENDING])] == [first.id]
    assert [item.id for item in reopened.outbox_items(customer_phone_number="+15125550199")] == [second.id]


def test_meta_times(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.get_time("last") is None
    store.set_time("last", NOW)
    assert store.get_time("last") == NOW


def test_a_text_queued_for_a_request_is_queued_once_and_found_by_it(tmp_path):
    store = Store(tmp_path / "s.db")
    text = {"company_id": "COM1", "customer_phone_number": "+15125550100", "tracking_number": None}
    first = store.add_outbox_item(**text, content="one", now=NOW, request="Dana\nk1")
    again = store.add_outbox_item(**text, content="one", now=NOW, request="Dana\nk1")
    other = store.add_outbox_item(**text, content="two", now=NOW)
    assert again == first and other.id != first.id
    assert store.outbox_item_for_request("Dana\nk1") == first
    assert store.outbox_item_for_request("Sam\nk1") is None
    assert len(store.outbox_items()) == 2


def test_old_schema_is_migrated(tmp_path):
    path = tmp_path / "s.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    call = make_call("CAL1", 5)
    db.execute(
        "INSERT INTO calls (id, company_id, start_time, json, seen_at) VALUES (?, ?, ?, ?, ?)",
        (call.id, call.company_id, call.start_time.timestamp(), call.model_dump_json(), NOW.timestamp()),
    )
    db.commit()
    db.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.recovered_from is None
    assert [loaded.id for loaded in store.load_calls(NOW - timedelta(hours=1))] == ["CAL1"]
    store.add_outbox_item(
        company_id="COM1", customer_phone_number="+1", tracking_number=None, content="x", now=NOW
    )
    assert len(store.outbox_items()) == 1


def test_corrupt_file_is_set_aside(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database at all" * 100)
    store = Store(path, now=NOW)
    assert store.recovered_from is not None
    assert "s.db.corrupt-20261127T150000Z" in store.recovered_from
    assert (tmp_path / "s.db.corrupt-20261127T150000Z").read_bytes().startswith(b"this is not")
    assert store.schema_version == SCHEMA_VERSION
    store.save_draft("k", "v", now=NOW)
    assert store.load_draft("k") == "v"


def test_store_from_a_newer_version_is_set_aside(tmp_path):
    path = tmp_path / "s.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    store = Store(path, now=NOW)
    assert "newer version" in store.recovered_from
    assert store.schema_version == SCHEMA_VERSION


def test_unreadable_row_is_skipped(tmp_path):
    store = Store(tmp_path / "s.db")
    store.upsert_calls([make_call("CAL1", 5)], seen_at=NOW)
    with store._transaction() as db:
        db.execute(
            "INSERT INTO calls (id, company_id, start_time, json, seen_at) VALUES ('bad', NULL, ?, ?, 0)",
            (NOW.timestamp(), '{"no": 1}'),
        )
    assert [call.id for call in store.load_calls(NOW - timedelta(hours=1))] == ["CAL1"]


def test_memory_store():
    store = Store(":memory:")
    store.save_draft("k", "v", now=NOW)
    assert store.load_draft("k") == "v"


def test_calls_per_hour_counts_by_utc_hour_of_day(tmp_path):
    store = Store(tmp_path / "s.db")
    # NOW is 15:00 UTC: 10 minutes ago is hour 14, 70 and 75 minutes ago hour 13, a day and 10 minutes
    # ago hour 14 again; eight days ago is before ``since``
    ago = (10, 70, 75, 24 * 60 + 10, 8 * 24 * 60)
    store.upsert_calls([make_call(f"CAL{n}", minutes) for n, minutes in enumerate(ago)], seen_at=NOW)
    counts = store.calls_per_hour(NOW - timedelta(days=7))
    assert len(counts) == 24
    assert counts[14] == 2 and counts[13] == 2 and sum(counts) == 4


def test_handled_marks_survive_reopen_and_old_ones_are_pruned(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    store.mark_handled("call:old", now=NOW - timedelta(days=9))
    store.mark_handled("call:new", now=NOW)
    store.mark_handled("text:gone@1", now=NOW)
    store.unmark_handled("text:gone@1")
    store.close()
    store = Store(path)
    assert store.handled_keys() == {"call:old", "call:new"}
    store.prune(NOW - timedelta(days=8))
    assert store.handled_keys() == {"call:new"}


def test_forms_round_trip_survive_reopen_and_are_pruned(tmp_path):
    store = Store(tmp_path / "s.db")
    recent = FormSubmission.model_validate(
        {
            "id": "FRM1",
            "submitted_at": (NOW - timedelta(hours=1)).isoformat(),
            "form_data": {"[b]x": "\x1b[31m"},
        }
    )
    old = FormSubmission.model_validate({"id": "FRM2", "submitted_at": (NOW - timedelta(days=9)).isoformat()})
    store.upsert_forms([recent, old])
    store.close()
    store = Store(tmp_path / "s.db")
    assert store.load_forms(NOW - timedelta(days=1)) == [recent]
    assert store.prune(NOW - timedelta(days=8)) == 1
    assert [f.id for f in store.load_forms(NOW - timedelta(days=30))] == ["FRM1"]
