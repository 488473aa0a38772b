"""Client behaviour the simulator cannot produce on demand: odd bodies, transport failures, exact requests."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tui.callrail import (
    AuthError,
    CallRailClient,
    InvalidRequest,
    MalformedResponse,
    NetworkError,
    NotFound,
    OptedOut,
    PermissionDenied,
    RateLimited,
    SendOutcomeUnknown,
    ServerError,
    TextingNotEnabled,
)
from tui.callrail.params import format_when

from .conftest import KEY, RecordingBudget

ACC = "ACC0001"
CONVERSATION = {"id": "Qm7Tx", "customer_phone_number": "+15125550164", "recent_messages": []}


def answer(status: int, body=None, *, text: str | None = None, headers=None):
    def handler(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler


def counting(handler):
    requests: list[httpx.Request] = []

    def wrapped(request: httpx.Request):
        requests.append(request)
        return handler(request)

    return wrapped, requests


def failing(exc_type: type[httpx.TransportError]):
    def handler(request: httpx.Request):
        raise exc_type("boom", request=request)

    return handler


async def send(client: CallRailClient, content: str = "Hello from the plumber"):
    return await client.send_text(
        ACC, company_id="COM1", customer_phone_number="+15125550164", content=content
    )


# requests


async def test_auth_header_base_url_and_list_params(mock_client) -> None:
    handler, requests = counting(answer(200, {"page": 1, "total_pages": 1, "calls": []}))
    client = mock_client(handler)
    await client.list_calls(
        ACC,
        company_id="COM1",
        date_range="today",
        sort="start_time",
        order="desc",
        per_page=25,
        fields=["call_type", "tags"],
    )
    (request,) = requests
    assert request.headers["authorization"] == f'Token token="{KEY}"'
    assert request.url.path == "/v3/a/ACC0001/calls.json"
    assert dict(request.url.params) == {
        "page": "1",
        "per_page": "25",
        "fields": "call_type,tags",
        "company_id": "COM1",
        "date_range": "today",
        "sort": "start_time",
        "order": "desc",
    }


async def test_relative_listing_sends_offset_not_page(mock_client) -> None:
    handler, requests = counting(answer(200, {"calls": [], "has_next_page": False}))
    await mock_client(handler).list_calls(ACC, relative=True, offset=3, fields=None)
    params = dict(requests[0].url.params)
    assert params["relative_pagination"] == "true" and params["offset"] == "3"
    assert "page" not in params and "fields" not in params


async def test_ids_cannot_escape_their_path_segment(mock_client) -> None:
    handler, requests = counting(answer(200, {"id": "CAL1"}))
    await mock_client(handler).get_call(ACC, "../../a", fields=None)
    assert requests[0].url.raw_path.startswith(b"/v3/a/ACC0001/calls/..%2F..%2Fa.json")


def test_aware_datetimes_are_sent_in_the_filter_time_zone() -> None:
    moment = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)
    assert format_when(moment, "America/Chicago") == ("2026-03-11T10:30", "America/Chicago")
    assert format_when(moment, None) == ("2026-03-11T15:30", "Etc/UTC")
    assert format_when(moment.date(), None) == ("2026-03-11", None)


async def test_update_call_sends_only_given_fields_and_none_as_null(mock_client) -> None:
    handler, requests = counting(answer(200, {"id": "CAL1", "note": None}))
    client = mock_client(handler)
    await client.update_call(ACC, "CAL1", note=None, tags=["Quote"], append_tags=True)
    assert requests[0].method == "PUT"
    assert json.loads(requests[0].content) == {"note": None, "tags": ["Quote"], "append_tags": True}
    with pytest.raises(InvalidRequest):
        await client.update_call(ACC, "CAL1")
    assert len(requests) == 1


@pytest.mark.parametrize("status", [200, 201])
async def test_send_text_accepts_200_and_201(mock_client, status: int) -> None:
    handler, requests = counting(answer(status, CONVERSATION))
    conversation = await send(mock_client(handler))
    assert conversation.id == "Qm7Tx"
    assert json.loads(requests[0].content) == {
        "company_id": "COM1",
        "customer_phone_number": "+15125550164",
        "content": "Hello from the plumber",
    }


async def test_send_text_validates_length_before_any_request(mock_client) -> None:
    handler, requests = counting(answer(201, CONVERSATION))
    client = mock_client(handler)
    with pytest.raises(InvalidRequest, match="141 characters"):
        await send(client, "x" * 141)
    with pytest.raises(InvalidRequest):
        await send(client, "   ")
    assert requests == []
    await send(client, "x" * 140)
    assert len(requests) == 1


# parsing


async def test_bad_records_are_skipped_and_described(mock_client) -> None:
    body = {
        "page": 1,
        "total_pages": 1,
        "calls": [{"id": "CAL1", "duration": "12"}, {"duration": 3}, "x", None],
    }
    page = await mock_client(answer(200, body)).list_calls(ACC)
    assert [call.id for call in page.items] == ["CAL1"]
    assert page.items[0].duration == 12
    assert len(page.rejected) == 3
    assert page.rejected[0].startswith("calls[1]")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(
            200, text="<html><body>Bad gateway</body></html>", headers={"content-type": "text/html"}
        ),
        httpx.Response(200, text='{"calls": [{"id": "CAL1", "dur'),
        httpx.Response(200, json={"no_calls_here": []}),
        httpx.Response(200, json=[1, 2]),
    ],
)
async def test_unreadable_bodies_are_malformed(mock_client, response: httpx.Response) -> None:
    with pytest.raises(MalformedResponse):
        await mock_client(lambda request: response).list_calls(ACC)


async def test_single_object_without_id_is_malformed(mock_client) -> None:
    with pytest.raises(MalformedResponse):
        await mock_client(answer(200, {"name": "no id"})).get_company(ACC, "COM1")


# error mapping


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (401, {"error": "HTTP Token: Access denied."}, AuthError, "API key was rejected"),
        (403, {"error": "Not allowed"}, PermissionDenied, "Not allowed"),
        (403, {"error": "SMS is not enabled for this account"}, TextingNotEnabled, "Texting is not enabled"),
        (404, {"error": "Call not found"}, NotFound, "Call not found"),
        (400, {"error": "Color is not included in the list"}, InvalidRequest, "Color is not included"),
        (422, {"errors": {"name": ["can't be blank"]}}, InvalidRequest, "name can't be blank"),
        (406, {"errors": ["first", "second"]}, InvalidRequest, "first; second"),
        (500, {"error": "oops"}, ServerError, r"server error \(500\)"),
        (503, None, ServerError, "503"),
    ],
)
async def test_status_mapping(mock_client, status, body, error, message) -> None:
    with pytest.raises(error, match=message) as caught:
        await mock_client(answer(status, body)).list_calls(ACC)
    assert caught.value.status == status
    assert type(caught.value) is error


async def test_raw_error_text_is_trimmed(mock_client) -> None:
    with pytest.raises(InvalidRequest) as caught:
        await mock_client(answer(400, text="  Bad\n\n  thing " + "x" * 1000)).list_calls(ACC)
    assert "Bad thing" in caught.value.message
    assert len(caught.value.message) < 400


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (403, {"error": "Texting is not enabled"}, TextingNotEnabled),
        (403, {"error": "Forbidden"}, TextingNotEnabled),
        (400, {"error": "This number has opted out"}, OptedOut),
        (422, {"error": "Recipient is unsubscribed"}, OptedOut),
        (400, {"error": "Customer replied STOP"}, OptedOut),
        (400, {"message": "Blocked number"}, OptedOut),
        (400, {"error": "content is too long"}, InvalidRequest),
    ],
)
async def test_send_text_error_mapping(mock_client, status, body, error) -> None:
    with pytest.raises(error) as caught:
        await send(mock_client(answer(status, body)))
    assert type(caught.value) is error


async def test_rate_limited_is_not_retried_and_reads_retry_after(mock_client) -> None:
    handler, requests = counting(answer(429, {"error": "Too many"}, headers={"Retry-After": "30"}))
    with pytest.raises(RateLimited) as caught:
        await mock_client(handler).list_calls(ACC)
    assert caught.value.retry_after == 30
    assert len(requests) == 1


async def test_retry_after_as_http_date(mock_client, clock) -> None:
    now = datetime(2026, 3, 11, 16, 30, tzinfo=UTC)
    clock.now = lambda: now
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    with pytest.raises(RateLimited) as caught:
        await mock_client(answer(429, {}, headers={"Retry-After": later})).list_calls(ACC)
    assert caught.value.retry_after == 90


# retries


async def test_reads_retry_5xx_then_succeed(mock_client, clock) -> None:
    statuses = iter([502, 500, 200])

    def handler(request):
        status = next(statuses)
        return httpx.Response(status, json={"id": "ACC0001"} if status == 200 else {})

    account = await mock_client(handler).get_account(ACC)
    assert account.id == "ACC0001"
    assert clock.slept == [0.25, 0.5]


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError])
async def test_reads_retry_transport_errors_then_give_up(mock_client, exc) -> None:
    handler, requests = counting(failing(exc))
    with pytest.raises(NetworkError) as caught:
        await mock_client(handler, retries=2).list_accounts()
    assert type(caught.value) is NetworkError
    assert len(requests) == 3


async def test_put_is_retried_only_when_nothing_was_sent(mock_client) -> None:
    handler, requests = counting(failing(httpx.ConnectError))
    with pytest.raises(NetworkError):
        await mock_client(handler).update_call(ACC, "CAL1", note="x")
    assert len(requests) == 3
    handler, requests = counting(failing(httpx.ReadTimeout))
    with pytest.raises(NetworkError):
        await mock_client(handler).update_call(ACC, "CAL1", note="x")
    assert len(requests) == 1


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (httpx.ConnectError, NetworkError),
        (httpx.ConnectTimeout, NetworkError),
        (httpx.ReadTimeout, SendOutcomeUnknown),
        (httpx.WriteError, SendOutcomeUnknown),
        (httpx.RemoteProtocolError, SendOutcomeUnknown),
        (httpx.ReadError, SendOutcomeUnknown),
    ],
)
async def test_send_text_is_never_retried(mock_client, exc, error) -> None:
    handler, requests = counting(failing(exc))
    with pytest.raises(error) as caught:
        await send(mock_client(handler))
    assert type(caught.value) is error
    assert len(requests) == 1


async def test_send_text_5xx_is_not_retried(mock_client) -> None:
    handler, requests = counting(answer(502, None))
    with pytest.raises(ServerError):
        await send(mock_client(handler))
    assert len(requests) == 1


# deadline


async def hang(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(30)
    return httpx.Response(200, json={})


async def test_deadline_bounds_a_hanging_read(mock_client, clock) -> None:
    outcomes: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        try:
            return await hang(request)
        except asyncio.CancelledError:
            outcomes.append("cut off")
            raise

    with pytest.raises(NetworkError, match=r"did not answer within 0\.3 s"):
        await mock_client(handler, deadline=0.3).list_accounts()
    assert outcomes == ["cut off"]  # one attempt, abandoned long before the server would have answered
    assert clock.slept == []  # and not retried: the deadline covers the retries too


async def test_deadline_on_send_means_outcome_unknown(mock_client) -> None:
    with pytest.raises(SendOutcomeUnknown):
        await send(mock_client(hang, deadline=0.3))


async def test_retries_stay_within_the_deadline(mock_client) -> None:
    handler, requests = counting(answer(500, None))
    client = mock_client(handler, deadline=0.3, retries=5)
    with pytest.raises(ServerError):
        await client.list_accounts()
    assert len(requests) == 2  # after 0.25 s of backoff another 0.5 s would pass the deadline


# budget, headers, secrecy


async def test_budget_is_asked_and_told_with_the_right_bucket(mock_client) -> None:
    budget = RecordingBudget()

    def handler(request):
        if request.method == "POST":
            return httpx.Response(201, json=CONVERSATION)
        return httpx.Response(429, json={"error": "Too many"})

    client = mock_client(handler, budget=budget)
    await send(client)
    with pytest.raises(RateLimited):
        await client.list_calls(ACC, background=True)
    assert budget.acquired == [("sms", False), ("general", True)]
    assert budget.responses == [("sms", 201), ("general", 429)]


async def test_rate_limit_headers_are_exposed(mock_client) -> None:
    headers = {"x-rate-limit-hourly-allowed": "150", "x-rate-limit-hourly-used": "7", "x-request-id": "r1"}
    client = mock_client(answer(201, CONVERSATION, headers=headers))
    await send(client)
    assert client.rate_limit_headers == {"x-rate-limit-hourly-allowed": 150, "x-rate-limit-hourly-used": 7}


async def test_key_never_in_repr_errors_or_logs(mock_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = mock_client(answer(400, {"error": f"bad key {KEY}"}))
    assert KEY not in repr(client)
    with pytest.raises(InvalidRequest) as caught:
        await client.list_accounts()
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)
    assert KEY not in caplog.text


async def test_next_page_on_another_host_is_refused(mock_client) -> None:
    body = {
        "calls": [{"id": "CAL1"}],
        "has_next_page": True,
        "next_page": "https://evil.example/v3/a/x/calls",
    }
    client = mock_client(answer(200, body))
    with pytest.raises(MalformedResponse):
        async for _ in client.iter_calls(ACC):
            pass


async def test_context_manager_closes(mock_client) -> None:
    client = mock_client(answer(200, {"accounts": []}))
    async with client:
        assert await client.list_accounts() == []
    assert client._transport.is_closed


async def test_unreadable_send_confirmation_is_outcome_unknown(mock_client) -> None:
    with pytest.raises(SendOutcomeUnknown, match="accepted the text"):
        await send(mock_client(answer(201, text='{"id": "Qm7')))


async def test_a_raw_socket_error_is_still_typed(mock_client) -> None:
    def handler(request):
        raise ConnectionResetError("reset by peer")

    with pytest.raises(NetworkError):
        await mock_client(handler).list_accounts()
    with pytest.raises(SendOutcomeUnknown):
        await send(mock_client(handler))


async def test_waiting_for_the_budget_does_not_use_the_deadline(mock_client) -> None:
    class SlowBudget(RecordingBudget):
        async def acquire(self, bucket: str, background: bool = False) -> None:
            await asyncio.sleep(0.4)

    client = mock_client(answer(200, {"accounts": []}), budget=SlowBudget(), deadline=0.3)
    assert await client.list_accounts() == []


async def test_a_proxy_403_page_is_not_about_texting(mock_client) -> None:
    page = '<html><head><meta content="text/html"></head><body>403 Forbidden</body></html>'
    with pytest.raises(PermissionDenied) as caught:
        await mock_client(answer(403, text=page)).list_accounts()
    assert type(caught.value) is PermissionDenied


async def test_relative_pages_follow_next_page_verbatim(mock_client) -> None:
    next_url = (
        "https://api.callrail.com/v3/a/ACC0001/calls?offset=1&per_page=1&relative_pagination=true&x=%2C"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "1":
            return httpx.Response(200, json={"calls": [{"id": "CAL2"}], "has_next_page": False})
        return httpx.Response(
            200, json={"calls": [{"id": "CAL1"}], "has_next_page": True, "next_page": next_url}
        )

    handler, requests = counting(handler)
    calls = [call.id async for call in mock_client(handler).iter_calls(ACC, per_page=1)]
    assert calls == ["CAL1", "CAL2"]
    assert str(requests[1].url) == next_url
    assert requests[1].headers["authorization"] == f'Token token="{KEY}"'


async def test_the_http_client_is_made_at_the_first_request_not_before(mock_client) -> None:
    # building it loads the certificates, which would hold up the app's first frame
    client = mock_client(answer(200, {"accounts": []}))
    assert client._transport._http is None
    assert await client.list_accounts() == []
    assert client._transport._http is not None
    await client.aclose()
    assert client._transport.is_closed
    with pytest.raises(RuntimeError):
        await client.list_accounts()
