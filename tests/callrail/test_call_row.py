"""A stored call read without the models (the feed's first frame) reads as the model reads it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from benchmarks import synthetic
from tui.callrail.call_row import CallRow, CallStatus, StoredCall
from tui.callrail.models import Call

ROW_FIELDS = [name for name in CallRow.__dict__ if not name.startswith("_")]

DRIFTING = [
    # the API's drift the models tolerate: numbers as strings, "" for null, ids as integers, tag objects
    {"id": 123, "duration": "42", "answered": "true", "start_time": "2026-12-01 09:30:00-0500"},
    {"id": "CAL2", "call_type": "abandonded", "duration": "", "tags": [{"name": "vip"}, "new", ""]},
    {"id": "CAL3", "voicemail": 1, "customer_name": "", "first_call": "yes", "tags": "a, b"},
    {"id": "CAL4", "direction": "outbound", "start_time": "not a time", "duration": "1e2"},
    {"id": "CAL5", "answered": None, "duration": 0, "lead_status": 7, "source_name": ["x"]},
    {"id": "CAL6", "call_type": "in_progress", "customer_city": "Ames", "customer_state": "IA"},
]


def assert_reads_alike(record: dict) -> None:
    model = Call.model_validate(record)
    row = StoredCall(json.loads(model.model_dump_json(exclude_unset=True)))
    for name in ROW_FIELDS:
        assert getattr(row, name) == getattr(model, name), name


@pytest.mark.parametrize("record", DRIFTING)
def test_a_drifting_record_reads_as_the_model_reads_it(record: dict) -> None:
    assert_reads_alike(record)
    assert StoredCall(record).status == Call.model_validate(record).status  # straight from the API too


def test_a_day_of_calls_reads_as_the_models_read_it() -> None:
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    calls = synthetic.calls(300, now, spacing=timedelta(seconds=30))
    for call in calls:
        assert_reads_alike(call.model_dump(mode="json", exclude_unset=True))
    statuses = {StoredCall(call.model_dump(mode="json")).status for call in calls}
    assert {CallStatus.ANSWERED, CallStatus.MISSED, CallStatus.VOICEMAIL} <= statuses


def test_json_that_is_not_a_call_is_skipped() -> None:
    assert StoredCall.from_json("{not json") is None
    assert StoredCall.from_json("[1, 2]") is None
    assert StoredCall.from_json('{"customer_name": "no id"}') is None
    row = StoredCall.from_json('{"id": "CAL1", "duration": 61}')
    assert row is not None and row.id == "CAL1" and row.duration == 61 and row.is_live is False
