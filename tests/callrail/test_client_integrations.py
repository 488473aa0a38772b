"""Integrations (webhook set-up) and form submissions, against the payload shapes of the reference (§4.8,
§4.9). The simulator does not serve them yet, so these use httpx.MockTransport."""

from __future__ import annotations

import json

import httpx
import pytest

from tui.callrail import InvalidRequest, MalformedResponse, NotFound, PermissionDenied, ServerError

ACC = "ACC0001"
COM = "COM5a4b3c2d1e0f99887766554433221100"
HOOKS = "https://monitor.example.net/hooks/callrail"
CONFIG = {
    "pre_call_webhook": [f"{HOOKS}/pre"],
    "answered_call_webhook": [f"{HOOKS}/routed"],
    "post_call_webhook": [f"{HOOKS}/post"],
    "updated_call_webhook": [f"{HOOKS}/modified"],
    "sms_received_webhook": [f"{HOOKS}/sms-in"],
    "sms_sent_webhook": [f"{HOOKS}/sms-out"],
}
INTEGRATION = {"id": 4471, "type": "Webhooks", "state": "active", "config": CONFIG}
SUBMISSION = {
    "id": "FOR8f7e6d5c4b3a29180f7e6d5c4b3a2918",
    "company_id": COM,
    "person_id": "PER2b3c4d5e6f708192a3b4c5d6e7f80912",
    "form_data": {"name": "Raj Patel", "message": "Leaking water heater"},
    "form_url": "https://lonestarplumbing.example/contact",
    "landing_page_url": "https://lonestarplumbing.example/",
    "submitted_at": "2025-03-11T10:12:44.120-05:00",
    "first_form": True,
    "source": "Google Organic",
    "customer_name": "Raj Patel",
    "customer_email": "raj@example.com",
    "customer_phone_number": "+15125550164",
}


def replying(status: int, body=None, headers=None):
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler, requests


def sent(request: httpx.Request):
    return json.loads(request.content)


# integrations


async def test_list_integrations_asks_for_the_company(mock_client) -> None:
    handler, requests = replying(200, {"page": 1, "total_pages": 1, "integrations": [INTEGRATION]})
    (integration,) = await mock_client(handler).list_integrations(ACC, COM)
    (request,) = requests
    assert (request.method, request.url.path) == ("GET", "/v3/a/ACC0001/integrations.json")
    assert dict(request.url.params) == {"company_id": COM, "page": "1", "per_page": "250"}
    assert (integration.id, integration.type, integration.state) == ("4471", "Webhooks", "active")
    assert integration.webhook_urls("post_call_webhook") == [f"{HOOKS}/post"]
    assert integration.webhook_urls("form_captured_webhook") == []


async def test_an_integrations_list_under_another_key_is_still_read(mock_client) -> None:
    # the array key is only presumed (reference §10.17)
    handler, _ = replying(200, {"page": 1, "total_pages": 1, "webhooks": [INTEGRATION]})
    assert [i.id for i in await mock_client(handler).list_integrations(ACC, COM)] == ["4471"]
    handler, _ = replying(200, {"page": 1, "total_pages": 1, "names": ["a"], "webhooks": [INTEGRATION]})
    with pytest.raises(MalformedResponse):
        await mock_client(handler).list_integrations(ACC, COM)


async def test_get_integration_asks_for_the_signing_key(mock_client) -> None:
    handler, requests = replying(200, {**INTEGRATION, "signing_key": "sim-test-signing-key-0001"})
    integration = await mock_client(handler).get_integration(ACC, "4471")
    (request,) = requests
    assert (request.method, request.url.path) == ("GET", "/v3/a/ACC0001/integrations/4471.json")
    assert dict(request.url.params) == {"fields": "signing_key"}
    assert integration.signing_key == "sim-test-signing-key-0001"


async def test_an_integration_without_a_signing_key_reads_as_none(mock_client) -> None:
    handler, requests = replying(200, INTEGRATION)
    integration = await mock_client(handler).get_integration(ACC, "4471", fields=None)
    assert dict(requests[0].url.params) == {}
    assert integration.signing_key is None


@pytest.mark.parametrize("status", [200, 201])
async def test_create_integration_sends_the_documented_body(mock_client, status) -> None:
    handler, requests = replying(status, {**INTEGRATION, "signing_key": "k1"})
    config = {key: tuple(urls) for key, urls in CONFIG.items()}
    integration = await mock_client(handler).create_integration(ACC, company_id=COM, config=config)
    (request,) = requests
    assert (request.method, request.url.path) == ("POST", "/v3/a/ACC0001/integrations.json")
    assert request.headers["content-type"] == "application/json"
    assert sent(request) == {"type": "Webhooks", "company_id": COM, "config": CONFIG}
    assert integration.signing_key == "k1"


async def test_create_integration_is_not_retried(mock_client) -> None:
    handler, requests = replying(503)
    with pytest.raises(ServerError, match="503"):
        await mock_client(handler).create_integration(ACC, company_id=COM, config=CONFIG)
    assert len(requests) == 1


async def test_a_key_without_integration_rights_is_permission_denied(mock_client) -> None:
    handler, _ = replying(403, {"error": "You do not have access to manage integrations"})
    with pytest.raises(PermissionDenied) as caught:
        await mock_client(handler).create_integration(ACC, company_id=COM, config=CONFIG)
    assert type(caught.value) is PermissionDenied
    assert "manage integrations" in caught.value.message


async def test_update_integration_sends_only_what_changes(mock_client) -> None:
    handler, requests = replying(200, {**INTEGRATION, "state": "disabled"})
    client = mock_client(handler)
    updated = await client.update_integration(ACC, "4471", state="disabled")
    await client.update_integration(
        ACC, "4471", config={"post_call_webhook": [f"{HOOKS}/post", f"{HOOKS}/b"]}
    )
    assert [(r.method, r.url.path) for r in requests] == [("PUT", "/v3/a/ACC0001/integrations/4471.json")] * 2
    assert sent(requests[0]) == {"state": "disabled"}
    assert sent(requests[1]) == {"config": {"post_call_webhook": [f"{HOOKS}/post", f"{HOOKS}/b"]}}
    assert updated.state == "disabled"


@pytest.mark.parametrize(
    "changes",
    [{}, {"state": "pending"}, {"config": {"post_call_webhook": f"{HOOKS}/post"}}, {"config": ["x"]}],
    ids=["nothing", "unsettable-state", "url-not-in-a-list", "config-not-a-mapping"],
)
async def test_bad_integration_updates_are_refused_before_any_request(mock_client, changes) -> None:
    handler, requests = replying(200, INTEGRATION)
    with pytest.raises(InvalidRequest):
        await mock_client(handler).update_integration(ACC, "4471", **changes)
    assert requests == []


async def test_delete_integration(mock_client) -> None:
    handler, requests = replying(204)
    assert await mock_client(handler).delete_integration(ACC, "4471") is None
    (request,) = requests
    assert (request.method, request.url.path, request.content) == (
        "DELETE",
        "/v3/a/ACC0001/integrations/4471.json",
        b"",
    )


async def test_deleting_an_unknown_integration_is_not_found(mock_client) -> None:
    handler, _ = replying(404, {"error": "Not found"})
    with pytest.raises(NotFound):
        await mock_client(handler).delete_integration(ACC, "999")


# form submissions


async def test_list_form_submissions_with_date_filters(mock_client) -> None:
    body = {"page": 1, "per_page": 25, "total_pages": 1, "total_records": 1, "form_submissions": [SUBMISSION]}
    handler, requests = replying(200, body)
    page = await mock_client(handler).list_form_submissions(
        ACC,
        company_id=COM,
        start_date="2025-03-11T09:00",
        time_zone="America/Chicago",
        per_page=25,
        fields=["milestones", "timeline_url"],
    )
    (request,) = requests
    assert (request.method, request.url.path) == ("GET", "/v3/a/ACC0001/form_submissions.json")
    assert dict(request.url.params) == {
        "page": "1",
        "per_page": "25",
        "company_id": COM,
        "fields": "milestones,timeline_url",
        "start_date": "2025-03-11T09:00",
        "time_zone": "America/Chicago",
    }
    (submission,) = page.items
    assert submission.customer_email == "raj@example.com"
    assert submission.form_data == {"name": "Raj Patel", "message": "Leaking water heater"}
    assert submission.first_form is True
    assert submission.submitted_at is not None and submission.submitted_at.hour == 15  # UTC


async def test_iter_form_submissions_walks_every_page(mock_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        record = {**SUBMISSION, "id": f"FOR{page}"}
        return httpx.Response(200, json={"page": page, "total_pages": 2, "form_submissions": [record]})

    client = mock_client(handler)
    found = [s.id async for s in client.iter_form_submissions(ACC, date_range="today")]
    assert found == ["FOR1", "FOR2"]
