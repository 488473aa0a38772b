"""Deliveries as the records polls bring: keyed like polled data, lenient with what webhooks send."""

import json

from hypothesis import given
from hypothesis import strategies as st

from tui.live.webhooks import events as ev
from tui.live.webhooks.translate import e164, infer_event, translate

COMPANY = "COM5a4b3c2d1e0f99887766554433221100"
# the reference's Call Modified sample (§6.2), with legacy extras and "" for null
MODIFIED = {
    "resource_id": "CAL3f9d2c41b7e84a6c9d10e2f3a4b5c6d7",
    "id": 918273645,
    "answered": True,
    "direction": "inbound",
    "duration": "187",
    "call_type": "answered",
    "company_id": COMPANY,
    "company_resource_id": COMPANY,
    "tracker_resource_id": "TRK0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "person_resource_id": "PER2b3c4d5e6f708192a3b4c5d6e7f80912",
    "customer_phone_number": "+15125550198",
    "start_time": "2025-03-11T09:42:17.554-05:00",
    "recording_duration": 181,
    "transcription": "Agent: Lone Star Plumbing… Caller: Hi, my water heater…",
    "tags": ["lead", "water heater"],
    "note": "",
    "timestamp": "2025-03-11T09:58:40.015-05:00",
    "changes": ["transcription_text", "call_summary"],
    "callercity": "Austin",
    "kissmetrics_id": "",
}
TEXT = {
    "id": 504113872,
    "resource_id": "SCI7d6c5b4a39281706f5e4d3c2b1a09f8e",
    "source_number": "512-555-0164",
    "destination_number": "512-555-0111",
    "content": "Running 10 min late",
    "message_type": "sms",
    "media_urls": [],
    "timestamp": "2025-03-11T10:31:07.442-05:00",
    "lead_status": None,
    "conversation_id": "Qm7Tx",
    "company_resource_id": COMPANY,
    "person_resource_id": "PER2b3c4d5e6f708192a3b4c5d6e7f80912",
}


def body(payload: dict) -> bytes:
    return json.dumps(payload).encode()


def test_a_call_is_keyed_by_resource_id_and_loses_the_legacy_extras():
    records = translate(ev.CALL_MODIFIED, body(MODIFIED), COMPANY)
    [call] = records.calls
    assert (
        call.id == MODIFIED["resource_id"] and call.duration == 187 and call.tags == ["lead", "water heater"]
    )
    assert (call.company_id, call.tracker_id, call.person_id) == (
        COMPANY,
        MODIFIED["tracker_resource_id"],
        MODIFIED["person_resource_id"],
    )
    assert call.note is None and "note" in call.model_fields_set  # "" is null: a cleared note
    assert not call.__pydantic_extra__  # callercity, changes, timestamp, ... stay out of the store
    assert records.observed_at.isoformat() == "2025-03-11T14:58:40.015000+00:00"


def test_a_legacy_numeric_id_is_accepted_when_there_is_no_resource_id():
    payload = {key: value for key, value in MODIFIED.items() if key != "resource_id"}
    assert translate(ev.POST_CALL, body(payload), COMPANY).calls[0].id == "918273645"


def test_a_pre_call_placeholder_is_a_ringing_call_not_a_missed_one():
    pre_call = {
        "resource_id": "CAL1",
        "answered": False,
        "duration": 0,
        "call_type": "missed",
        "voicemail": False,
    }
    [call] = translate(ev.PRE_CALL, body(pre_call), COMPANY).calls
    assert call.is_live and call.answered is None and call.duration is None


def test_a_text_is_its_conversation_with_the_message_and_numbers_as_the_api_writes_them():
    records = translate(ev.TEXT_RECEIVED, body(TEXT), COMPANY)
    [conversation] = records.conversations
    assert conversation.id == "Qm7Tx" and conversation.company_id == COMPANY
    assert conversation.customer_phone_number == "+15125550164"
    assert conversation.current_tracking_number == "+15125550111"
    [message] = conversation.recent_messages
    assert message.incoming and message.content == "Running 10 min late"
    assert message.created_at == conversation.last_message_at == records.observed_at


def test_a_sent_text_is_outgoing_to_the_destination_with_its_agent():
    [conversation] = translate(ev.TEXT_SENT, body(TEXT | {"agent": "Dana"}), COMPANY).conversations
    assert conversation.customer_phone_number == "+15125550111"
    message = conversation.recent_messages[0]
    assert not message.incoming and message.user.name == "Dana"


def test_the_event_is_read_from_the_body_when_the_url_does_not_say():
    assert infer_event(TEXT) == ev.TEXT_RECEIVED
    assert infer_event(TEXT | {"agent": "Dana"}) == ev.TEXT_SENT
    assert infer_event(MODIFIED) == ev.CALL_MODIFIED
    assert infer_event(MODIFIED | {"direction": "outbound"}) == ev.OUTBOUND_CALL_MODIFIED
    assert infer_event({"call_type": "in_progress"}) == ev.CALL_ROUTED
    assert infer_event({"form_data": {}}) == ev.FORM
    assert translate("", body(TEXT), COMPANY).conversations


def test_what_cannot_be_keyed_or_shown_is_none():
    assert translate(ev.POST_CALL, body({"answered": True}), COMPANY) is None
    assert translate(ev.TEXT_RECEIVED, body(TEXT | {"conversation_id": ""}), COMPANY) is None
    assert translate(ev.FORM, body({"form_data": {"name": "Ann"}}), COMPANY) is None
    assert translate(ev.FORM, body({"resource_id": "FRM1", "form_data": "not fields"}), COMPANY) is None
    assert translate(ev.POST_CALL, b"[]", COMPANY) is None


def test_a_form_is_keyed_by_resource_id_with_its_fields_and_loses_the_extras():
    payload = {
        "id": 77,
        "resource_id": "FRM9a8b",
        "company_resource_id": COMPANY,
        "person_resource_id": "PER1",
        "form_data": {"name": "[red]Ann[/red]", "phone": "512-555-0164"},
        "landing_page_url": "https://x.example/lp",
        "referrer": "google",
        "submitted_at": "2025-03-11T10:31:07.442-05:00",
        "utm_source": "google",
        "keywords": "",
        "timestamp": "2025-03-11T10:31:09.000-05:00",
    }
    records = translate(ev.FORM, body(payload), COMPANY)
    [form] = records.forms
    assert (form.id, form.company_id, form.person_id) == ("FRM9a8b", COMPANY, "PER1")
    assert form.form_data == payload["form_data"] and form.keywords is None
    assert form.submitted_at.isoformat() == "2025-03-11T15:31:07.442000+00:00"
    assert "utm_source" not in form.model_dump() and records.observed_at is not None


def test_phone_numbers():
    assert e164("512-555-0164") == e164("(512) 555-0164") == e164("15125550164") == "+15125550164"
    assert e164("+44 20 7946 0958") == "+442079460958"
    assert e164("short") == "short" and e164("") is None and e164(None) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
keys = st.sampled_from(sorted(set(MODIFIED) | set(TEXT) | {"agent", "form_data", "call_type"}))


@given(
    event=st.sampled_from(["", *ev.EVENTS]),
    payload=st.dictionaries(keys, json_values, max_size=12),
)
def test_any_payload_translates_or_is_none_never_raises(event, payload):
    records = translate(event, json.dumps(payload).encode(), COMPANY)
    assert records is None or records.calls or records.conversations
