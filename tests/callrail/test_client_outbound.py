"""Placing an outbound call (reference §4.3 "Create outbound call"): the documented body, its own budget
bucket, never a retry, and errors that say whether the call may have been placed."""

from __future__ import annotations

import json

import httpx
import pytest

from tui.callrail import (
    CallStatus,
    InvalidRequest,
    NetworkError,
    OutboundCallsNotEnabled,
    SendOutcomeUnknown,
    ServerError,
)

from .conftest import RecordingBudget

ACC = "ACC0001"
STARTED = {
    "id": "CAL0b7e5d1c2a3f4e5d6c7b8a9f0e1d2c3b",
    "direction": "outbound",
    "answered": None,
    "duration": None,
    "recording": None,
    "start_time": "2025-03-11T10:02:05.118-05:00",
    "customer_phone_number": "+15125550164",
    "business_phone_number": "+15125550143",
    "tracking_phone_number": "+15125550111",
}


def recorded(handler):
    requests: list[httpx.Request] = []

    def wrapped(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handler(request)

    return wrapped, requests


async def place(client, **extra):
    return await client.create_outbound_call(
        ACC,
        caller_id="+15125550111",
        customer_phone_number="+15125550164",
        business_phone_number="+15125550143",
        **extra,
    )


async def test_the_documented_body_goes_to_the_outbound_bucket(mock_client) -> None:
    budget = RecordingBudget()
    handler, requests = recorded(lambda request: httpx.Response(201, json=STARTED))
    call = await place(
        mock_client(handler, budget=budget),
        recording_enabled=True,
        outbound_greeting_text="This call is from Lone Star Plumbing.",
        agent_id="USR9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
    )
    (request,) = requests
    assert (request.method, request.url.path) == ("POST", "/v3/a/ACC0001/calls.json")
    assert dict(request.url.params) == {}
    assert json.loads(request.content) == {
        "caller_id": "+15125550111",
        "customer_phone_number": "+15125550164",
        "business_phone_number": "+15125550143",
        "recording_enabled": True,
        "outbound_greeting_text": "This call is from Lone Star Plumbing.",
        "agent_id": "USR9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
    }
    assert budget.acquired == [("outbound", False)]
    assert budget.responses == [("outbound", 201)]
    assert (call.id, call.answered, call.duration, call.status) == (
        STARTED["id"],
        None,
        None,
        CallStatus.OUTBOUND,
    )


async def test_missing_numbers_are_refused_before_any_request(mock_client) -> None:
    handler, requests = recorded(lambda request: httpx.Response(201, json=STARTED))
    with pytest.raises(InvalidRequest):
        await mock_client(handler).create_outbound_call(
            ACC, caller_id="", customer_phone_number="+15125550164", business_phone_number="+15125550143"
        )
    assert requests == []


async def test_403_means_outbound_calls_are_not_enabled(mock_client) -> None:
    handler, _ = recorded(lambda request: httpx.Response(403, json={"error": "Outbound calling is disabled"}))
    with pytest.raises(
        OutboundCallsNotEnabled, match=r"may not place outbound calls.*Outbound calling is disabled"
    ):
        await place(mock_client(handler))


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (httpx.ConnectError, NetworkError),
        (httpx.ReadTimeout, SendOutcomeUnknown),
        (httpx.RemoteProtocolError, SendOutcomeUnknown),
    ],
)
async def test_a_lost_connection_is_never_retried(mock_client, clock, exc, error) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    handler, requests = recorded(fail)
    with pytest.raises(error) as caught:
        await place(mock_client(handler))
    assert type(caught.value) is error
    assert len(requests) == 1 and clock.slept == []
    if error is SendOutcomeUnknown:
        assert "may or may not have been placed" in caught.value.message
        assert "call log" in caught.value.message


async def test_a_server_error_is_not_retried(mock_client) -> None:
    handler, requests = recorded(lambda request: httpx.Response(502))
    with pytest.raises(ServerError, match="check the call log"):
        await place(mock_client(handler))
    assert len(requests) == 1


async def test_an_unreadable_confirmation_is_outcome_unknown(mock_client) -> None:
    handler, _ = recorded(lambda request: httpx.Response(201, text='{"id": "CAL0b7'))
    with pytest.raises(SendOutcomeUnknown, match="accepted the call"):
        await place(mock_client(handler))
