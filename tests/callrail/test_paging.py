"""Walking pages: the body's ``next_page``, an RFC 8288 ``Link`` header, or page numbers."""

from __future__ import annotations

import httpx
import pytest

from tui.callrail.paging import next_link

ACC = "ACC0001"
BASE = "https://api.callrail.com/v3/a/ACC0001/text-messages.json"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f'<{BASE}?page=2>; rel="next"', f"{BASE}?page=2"),
        (f'<{BASE}?page=1>; rel="prev", <{BASE}?page=3>; rel=next', f"{BASE}?page=3"),
        (f'<{BASE}?page=9>; rel="last next"', f"{BASE}?page=9"),
        (f'<{BASE}?page=1>; rel="first", <{BASE}?page=9>; rel="last"', None),
        ('</v3/a/ACC0001/calls.json?page=2>; title="x, y"; REL="Next"', "/v3/a/ACC0001/calls.json?page=2"),
        ("", None),
        (None, None),
        ("garbage", None),
    ],
)
def test_next_link_is_read_from_the_header(header, expected) -> None:
    assert next_link(header) == expected


def conversations(*ids: str, **meta) -> dict:
    return {"conversations": [{"id": conversation_id} for conversation_id in ids], **meta}


def walk(handler):
    requests: list[httpx.Request] = []

    def recorded(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handler(request)

    return recorded, requests


async def test_a_link_header_is_followed_verbatim(mock_client) -> None:
    cursor = f"{BASE}?cursor=b7&per_page=1"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("cursor") == "b7":
            return httpx.Response(200, json=conversations("C2", page=2, total_pages=2))
        # total_pages=1: page numbers alone would stop here
        return httpx.Response(
            200, json=conversations("C1", page=1, total_pages=1), headers={"Link": f'<{cursor}>; rel="next"'}
        )

    handler, requests = walk(handler)
    found = [c.id async for c in mock_client(handler).iter_conversations(ACC, per_page=1)]
    assert found == ["C1", "C2"]
    assert [str(request.url) for request in requests] == [
        "https://api.callrail.com/v3/a/ACC0001/text-messages.json?page=1&per_page=1",
        cursor,
    ]


async def test_a_relative_link_is_resolved_against_the_request(mock_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json=conversations("C2"))
        return httpx.Response(200, json=conversations("C1"), headers={"Link": '<?page=2>; rel="next"'})

    handler, requests = walk(handler)
    found = [c.id async for c in mock_client(handler).iter_conversations(ACC)]
    assert found == ["C1", "C2"]
    assert str(requests[1].url) == f"{BASE}?page=2"


async def test_a_link_to_another_server_is_ignored_for_page_numbers(mock_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        link = {"Link": '<https://evil.example/v3/steal?page=2>; rel="next"'}
        return httpx.Response(200, json=conversations(f"C{page}", total_pages=2), headers=link)

    handler, requests = walk(handler)
    found = [c.id async for c in mock_client(handler).iter_conversations(ACC)]
    assert found == ["C1", "C2"]
    assert {request.url.host for request in requests} == {"api.callrail.com"}
    assert [request.url.params["page"] for request in requests] == ["1", "2"]


async def test_without_a_link_offset_pages_follow_total_pages(mock_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        return httpx.Response(200, json=conversations(f"C{page}", page=int(page), total_pages=3))

    handler, requests = walk(handler)
    found = [c.id async for c in mock_client(handler).iter_conversations(ACC, max_pages=5)]
    assert found == ["C1", "C2", "C3"]
    assert len(requests) == 3


async def test_relative_call_pages_fall_back_to_the_link_header(mock_client) -> None:
    nxt = "https://api.callrail.com/v3/a/ACC0001/calls?offset=1&relative_pagination=true"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "1":
            return httpx.Response(200, json={"calls": [{"id": "CAL2"}], "has_next_page": False})
        body = {"calls": [{"id": "CAL1"}], "has_next_page": True}
        return httpx.Response(200, json=body, headers={"Link": f'<{nxt}>; rel="next"'})

    handler, requests = walk(handler)
    found = [c.id async for c in mock_client(handler).iter_calls(ACC, fields=None)]
    assert found == ["CAL1", "CAL2"]
    assert str(requests[1].url) == nxt
