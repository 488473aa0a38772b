"""RFC 8288 ``Link`` headers on paginated lists: offset pages (every list) and relative pages (calls)."""

import re

from conftest import ROOT


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))}


async def test_offset_links_keep_the_query_and_change_only_the_page(reader, shared_sim):
    params = {"per_page": 10, "page": 2, "direction": "inbound", "fields": "call_type"}
    response = await reader.get("calls.json", params=params)
    total_pages = response.json()["total_pages"]
    assert total_pages > 3
    found = links(response)
    assert set(found) == {"next", "prev", "first", "last"}
    base = f"{ROOT}/a/{shared_sim.account_id}/calls.json?"
    assert all(url.startswith(base) for url in found.values())
    assert "page=3" in found["next"] and "page=1" in found["prev"] and "page=1" in found["first"]
    assert f"page={total_pages}" in found["last"]
    assert all("per_page=10" in url and "direction=inbound" in url for url in found.values())
    followed = await reader.get(found["next"])
    assert followed.json()["page"] == 3


async def test_offset_links_at_the_edges(reader, shared_sim):
    first = links(await reader.get("companies.json", params={"per_page": 1}))
    assert set(first) == {"next", "first", "last"}
    total = (await reader.get("companies.json")).json()["total_records"]
    last = links(await reader.get("companies.json", params={"per_page": 1, "page": total}))
    assert set(last) == {"prev", "first", "last"}
    single = await reader.get("companies.json")
    assert set(links(single)) == {"first", "last"}
    empty = await reader.get("calls.json", params={"search": "no such caller anywhere"})
    assert empty.json()["total_records"] == 0 and "link" not in empty.headers


async def test_links_on_every_list(reader, shared_sim):
    conversation = (await reader.get("text-messages.json", params={"per_page": 1})).json()["conversations"][0]
    for path in (
        "users.json",
        "trackers.json",
        "tags.json",
        "text-messages.json",
        f"text-messages/{conversation['id']}.json",
        "form_submissions.json",
    ):
        assert "first" in links(await reader.get(path, params={"per_page": 1})), path
    assert "first" in links(await reader.get(f"{ROOT}/a.json", params={"per_page": 1}))


async def test_relative_links(reader):
    params = {"relative_pagination": "true", "per_page": 5}
    first = await reader.get("calls.json", params=params)
    found = links(first)
    assert set(found) == {"next", "first"}
    assert found["next"] == first.json()["next_page"]
    second = await reader.get(found["next"])
    found = links(second)
    assert set(found) == {"next", "prev", "first"} and "offset=0" in found["prev"]
    assert "offset=0" in found["first"] and "relative_pagination=true" in found["first"]
    assert (await reader.get(found["prev"])).json()["calls"] == first.json()["calls"]
