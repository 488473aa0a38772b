"""Property: whatever the page size and filters, both paginations return every matching call once."""

import asyncio

from conftest import client_for
from hypothesis import given, settings
from hypothesis import strategies as st


async def walk_offset(api, params: dict) -> list[str]:
    ids, page = [], 1
    while True:
        body = (await api.get("calls.json", params={**params, "page": page})).json()
        ids += [call["id"] for call in body["calls"]]
        if page >= body["total_pages"]:
            assert body["total_records"] == len(ids)
            return ids
        page += 1


async def walk_relative(api, params: dict) -> list[str]:
    ids: list[str] = []
    body = (await api.get("calls.json", params={**params, "relative_pagination": "true"})).json()
    while True:
        ids += [call["id"] for call in body["calls"]]
        if not body["has_next_page"]:
            return ids
        body = (await api.get(body["next_page"])).json()


async def both(sim, params: dict) -> tuple[list[str], list[str]]:
    async with client_for(sim) as api:
        return await walk_offset(api, params), await walk_relative(api, params)


@settings(max_examples=15, deadline=None, database=None)
@given(
    per_page=st.integers(min_value=10, max_value=300),
    date_range=st.sampled_from(["today", "yesterday", "recent"]),
    answer_status=st.sampled_from([None, "answered", "missed", "voicemail"]),
    sort=st.sampled_from([None, "duration", "customer_name", "start_time"]),
)
def test_paginations_agree(shared_sim, per_page, date_range, answer_status, sort):
    params = {"per_page": per_page, "date_range": date_range}
    if answer_status:
        params["answer_status"] = answer_status
    if sort:
        params |= {"sort": sort, "order": "desc"}
    by_offset, by_relative = asyncio.run(both(shared_sim, params))
    assert by_offset == by_relative
    assert len(set(by_offset)) == len(by_offset)
