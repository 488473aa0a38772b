"""The lenient models: documented shapes, drifting types, and arbitrary mutations of them."""

from __future__ import annotations

import asyncio
import copy
import functools
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from tui.callrail.client import DETAIL_CALL_FIELDS, LIST_CALL_FIELDS
from tui.callrail.coerce import parse_datetime
from tui.callrail.endpoints.calls import CALLS
from tui.callrail.errors import MalformedResponse
from tui.callrail.models import (
    Account,
    Call,
    CallStatus,
    Company,
    Conversation,
    Page,
    Tag,
    Tracker,
    User,
)
from tui.callrail.parsing import parse_page
from tui.callrail.transport import Reply

from .conftest import SIM_START

CALL = {
    "id": "CAL3f9d2c41b7e84a6c9d10e2f3a4b5c6d7",
    "answered": True,
    "business_phone_number": "+15125550143",
    "customer_city": "Austin",
    "customer_name": "DELGADO MARIA",
    "customer_phone_number": "+15125550198",
    "direction": "inbound",
    "duration": 187,
    "recording_duration": "181",
    "start_time": "2025-03-11T09:42:17.554-05:00",
    "voicemail": False,
    "agent_email": "frontdesk@example-plumbing.com",
    "call_type": "answered",
    "company_id": "COM5a4b3c2d1e0f99887766554433221100",
    "created_at": "2025-03-11T09:42:17.554-05:00",
    "first_call": False,
    "prior_calls": 2,
    "tags": [{"id": 1, "name": "Quote"}, "Urgent"],
    "call_summary": ["Caller wants a quote.", "Agent booked Thursday."],
    "keywords_spotted": [{"keyword": "water heater", "locations": [{"speaker": "caller", "start": 12.5}]}],
    "conversational_transcript": [{"speaker": "agent", "phrase": "Lone Star Plumbing", "start": 0}],
    "speaker_percent": {"agent": 40, "customer": 60},
    "milestones": {"first_touch": {"source": "Google Ads"}},
    "value": "$12.50",
    "custom": {"anything": 1},
}
CONVERSATION = {
    "id": "Qm7Tx",
    "company_id": "COM5a4b3c2d1e0f99887766554433221100",
    "customer_phone_number": "+15125550164",
    "last_message_at": "2025-03-11T15:20:44.310Z",
    "page": 1,
    "total_records": "2",
    "messages": [
        {
            "id": 88123411,
            "content": "Thursday?",
            "created_at": "2025-03-11T15:20:44.310Z",
            "direction": "incoming",
        },
        {"id": 88123390, "content": "Hi Raj", "direction": "outgoing", "user": {"id": "USR9", "name": "Jo"}},
    ],
    "recent_messages": [{"direction": "incoming", "content": "Thursday?", "sms_thread": {"id": "SMT1"}}],
}
SAMPLES: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (Call, CALL),
    (Conversation, CONVERSATION),
    (Account, {"id": "ACC1", "name": "Lone Star", "hipaa_account": False, "numeric_id": "123456789"}),
    (Company, {"id": "COM1", "name": "Plumbing", "status": "active", "time_zone": "America/Chicago"}),
    (
        Tracker,
        {"id": "TRK1", "tracking_numbers": ["+15125550111"], "company": {"id": "COM1"}, "source": "all"},
    ),
    (User, {"id": "USR1", "email": "jo@example.com", "created_at": "2024-01-02T03:04:05+00:00"}),
    (Tag, {"id": 17, "name": "Quote", "color": "blue1"}),
]


def test_documented_call_reads() -> None:
    call = Call.model_validate(CALL)
    assert call.recording_duration == 181
    assert call.start_time == datetime(2025, 3, 11, 14, 42, 17, 554000, tzinfo=UTC)
    assert call.tags == ["Quote", "Urgent"]
    assert call.call_summary == "Caller wants a quote.\nAgent booked Thursday."
    assert call.keywords_spotted[0].locations[0].start == 12.5
    assert call.conversational_transcript[0].phrase == "Lone Star Plumbing"
    assert call.status is CallStatus.ANSWERED
    assert call.model_extra == {"custom": {"anything": 1}}


def test_documented_conversation_reads() -> None:
    conversation = Conversation.model_validate(CONVERSATION)
    assert conversation.total_records == 2
    assert [m.id for m in conversation.messages] == ["88123411", "88123390"]
    assert conversation.messages[1].user.name == "Jo"
    assert conversation.awaiting_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-11T09:42:17.554-05:00", datetime(2025, 3, 11, 14, 42, 17, 554000, tzinfo=UTC)),
        ("2025-03-11T15:20:44Z", datetime(2025, 3, 11, 15, 20, 44, tzinfo=UTC)),
        ("2016-10-10T00:00:00-0500", datetime(2016, 10, 10, 5, tzinfo=UTC)),
        ("2025-03-11 09:42:17", datetime(2025, 3, 11, 9, 42, 17, tzinfo=UTC)),
        ("0001-01-01T00:00:00+05:00", None),
        ("yesterday", None),
        ("", None),
        (12, None),
    ],
)
def test_datetimes_become_aware_utc(text, expected) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"call_type": "in_progress"}, CallStatus.IN_PROGRESS),
        ({"call_type": "abandonded"}, CallStatus.ABANDONED),
        ({"call_type": "voicemail_transcription"}, CallStatus.VOICEMAIL),
        ({"call_type": "missed"}, CallStatus.MISSED),
        ({"direction": "outbound"}, CallStatus.OUTBOUND),
        ({"answered": True, "duration": 30}, CallStatus.ANSWERED),
        ({"answered": False, "duration": 9}, CallStatus.MISSED),
    ],
)
def test_call_status(fields, status) -> None:
    assert Call.model_validate({"id": "CAL1", **fields}).status is status


@pytest.mark.parametrize("value", ["12", 12.0, "12.9", " 12 "])
def test_numbers_as_strings(value) -> None:
    assert Call.model_validate({"id": "CAL1", "duration": value}).duration == 12


@pytest.mark.parametrize("value", ["inf", float("nan"), "1e999", "abc", [], {}, True])
def test_unusable_numbers_become_none(value) -> None:
    assert Call.model_validate({"id": "CAL1", "duration": value}).duration is None


@pytest.mark.parametrize("record", [{}, {"id": None}, {"id": ""}, {"id": {"x": 1}}, {"id": []}])
def test_only_a_missing_id_rejects(record) -> None:
    with pytest.raises(ValidationError):
        Call.model_validate(record)


def test_numeric_ids_become_strings() -> None:
    assert Tag.model_validate({"id": 17}).id == "17"


# property tests

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        ["", "null", "12", "-3.5", "true", "2025-03-11T09:42:17.554-05:00", "9999-12-31T23:59:59-01:00"]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def mutation(value: Any):
    """What drift can do to one field: null it, drop it, stringify it, or replace it with anything."""
    options = [st.just(None), st.just(...), st.just(str(value)), st.just(""), json_values]
    if isinstance(value, list) and value:
        options.append(st.lists(json_values, max_size=3).map(lambda extra: [*value, *extra]))
    return st.one_of(options)


@st.composite
def mutated(draw, sample: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(sample)
    for name in draw(st.lists(st.sampled_from(sorted(record)), unique=True)):
        if name == "id":
            continue
        new = draw(mutation(record[name]))
        if new is ...:
            del record[name]
        else:
            record[name] = new
    record.update(draw(st.dictionaries(st.text(min_size=1, max_size=10), json_values, max_size=3)))
    record["id"] = sample["id"]
    return record


@pytest.mark.parametrize(("model", "sample"), SAMPLES, ids=[model.__name__ for model, _ in SAMPLES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_records_parse(model, sample, data) -> None:
    record = data.draw(mutated(sample))
    parsed = model.model_validate(record)
    assert parsed.id == str(sample["id"])
    for value in parsed.__dict__.values():
        if isinstance(value, datetime):
            assert value.utcoffset() == timedelta(0)
    if isinstance(parsed, Call):
        assert parsed.status in CallStatus
    # what the live store keeps of a record reads back and is kept again unchanged
    stored = parsed.model_dump_json(exclude_unset=True)
    assert model.model_validate_json(stored).model_dump_json(exclude_unset=True) == stored


def page_of(body: Any) -> Page[Call]:
    return parse_page(
        Reply(body, httpx.Headers(), httpx.URL("https://api.callrail.com/v3/a/A/calls.json")), CALLS
    )


@settings(max_examples=60, deadline=None)
@given(
    records=st.lists(
        json_values
        | st.builds(
            lambda r: {"id": "CAL1", **r},
            st.dictionaries(st.sampled_from(sorted(CALL)), json_values, max_size=6),
        )
    ),
    meta=st.dictionaries(
        st.sampled_from(["page", "per_page", "total_pages", "total_records", "next_page", "has_next_page"]),
        json_values,
    ),
)
def test_a_bad_record_never_fails_the_page(records, meta) -> None:
    page = page_of({**meta, "calls": records})
    assert len(page.items) + len(page.rejected) == len(records)
    assert page.next_page is None or isinstance(page.next_page, str)


@given(body=json_values)
def test_any_json_is_a_page_or_malformed(body) -> None:
    try:
        page_of(body)
    except MalformedResponse:
        pass


def test_offset_to_utc_is_exact() -> None:
    text = datetime(2025, 1, 1, 8, tzinfo=timezone(timedelta(hours=-8))).isoformat()
    assert parse_datetime(text) == datetime(2025, 1, 1, 16, tzinfo=UTC)


def test_page_metadata_is_lenient() -> None:
    body = {"page": "2", "total_pages": float("inf"), "per_page": "x", "has_next_page": "yes", "calls": []}
    page = page_of(body)
    assert (page.page, page.total_pages, page.per_page, page.has_next_page) == (2, None, None, None)


# everything the simulator emits

ALL_CALL_FIELDS = ",".join(
    sorted({*DETAIL_CALL_FIELDS, "person_id", "lead_score", "gclid", "integration_data"})
)


async def _fetch_simulator_records() -> dict[type[BaseModel], list[dict[str, Any]]]:
    from tui.sim import SimConfig, Simulator
    from tui.sim.clock import ManualClock

    sim = Simulator(SimConfig(seed=11), clock=ManualClock(SIM_START))
    records: dict[type[BaseModel], list[dict[str, Any]]] = {model: [] for model, _ in SAMPLES}
    transport = httpx.ASGITransport(app=sim.app)
    headers = {"Authorization": f"Token token={sim.api_key}"}
    base = f"http://sim.test/v3/a/{sim.account_id}"
    async with httpx.AsyncClient(transport=transport, headers=headers) as http:

        async def get(url: str, **params: Any) -> Any:
            response = await http.get(url, params=params)
            assert response.status_code == 200, response.text
            return response.json()

        records[Account] = (await get("http://sim.test/v3/a.json", fields="numeric_id"))["accounts"]
        records[Account].append(await get(f"{base}.json"))
        for model, key in [(Company, "companies"), (Tracker, "trackers"), (User, "users"), (Tag, "tags")]:
            records[model] = (await get(f"{base}/{key}.json", per_page=250))[key]
        for fields in ("", ",".join(LIST_CALL_FIELDS), ALL_CALL_FIELDS):
            records[Call] += (await get(f"{base}/calls.json", per_page=250, fields=fields))["calls"]
        conversations = await get(f"{base}/text-messages.json", per_page=250, fields="lead_status,source")
        records[Conversation] = conversations["conversations"]
        for conversation in records[Conversation][:10]:
            records[Conversation].append(await get(f"{base}/text-messages/{conversation['id']}.json"))
    return records


@functools.cache
def simulator_records() -> dict[type[BaseModel], list[dict[str, Any]]]:
    return asyncio.run(_fetch_simulator_records())


def test_simulator_records_parse_without_losing_values() -> None:
    for model, records in simulator_records().items():
        assert records, model
        for record in records:
            parsed = model.model_validate(record)
            for name in model.model_fields:
                raw = record.get(name)
                if raw not in (None, "", [], {}):
                    assert getattr(parsed, name) not in (None, []), (model.__name__, name, raw)


@pytest.mark.parametrize(
    "model", [model for model, _ in SAMPLES], ids=[model.__name__ for model, _ in SAMPLES]
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_simulator_records_parse(model, data) -> None:
    sample = data.draw(st.sampled_from(simulator_records()[model]))
    record = data.draw(mutated(sample))
    assert model.model_validate(record).id == str(sample["id"])


def test_transcript_phrases_are_compact_and_round_trip() -> None:
    payload = {
        **CALL,
        "conversational_transcript": [
            {"speaker": "agent", "phrase": "Lone Star Plumbing", "start": "3", "confidence": 0.9},
            {"speaker": "caller", "phrase": None},
            "not an object",
            {"phrase": "no speaker"},
        ],
    }
    call = Call.model_validate(payload)
    phrases = call.conversational_transcript
    assert [(p.speaker, p.phrase, p.start) for p in phrases] == [
        ("agent", "Lone Star Plumbing", 3),
        ("caller", None, None),
        (None, "no speaker", None),
    ]
    assert phrases[0].extra == {"confidence": 0.9}  # unknown keys are kept, as on the models
    assert not hasattr(phrases[0], "__dict__")  # slots: ~100,000 of them in a day
    dumped = call.model_dump(mode="json", exclude_unset=True)["conversational_transcript"]
    assert dumped[0] == {"speaker": "agent", "phrase": "Lone Star Plumbing", "start": 3, "confidence": 0.9}
    again = Call.model_validate_json(call.model_dump_json(exclude_unset=True))
    assert again == call
    assert again.conversational_transcript == phrases
    assert Call.model_validate({**payload, "conversational_transcript": phrases}) == call
    assert call.model_copy(update={"note": "x"}).conversational_transcript is phrases
