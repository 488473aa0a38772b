"""The client against the simulator, in-process (ASGITransport) and over loopback TCP (uvicorn)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tui.callrail import (
    AuthError,
    CallRailClient,
    CallStatus,
    Conversation,
    InvalidRequest,
    NotFound,
    OptedOut,
    RateLimited,
    TextingNotEnabled,
)

from .conftest import SIM_START


async def test_accounts_and_companies(sim, sim_client: CallRailClient) -> None:
    accounts = await sim_client.list_accounts()
    assert [account.id for account in accounts] == [sim.account_id]
    assert (await sim_client.get_account(sim.account_id)).name == accounts[0].name

    companies = await sim_client.list_companies(sim.account_id)
    assert len(companies) >= 2
    assert len({company.time_zone for company in companies}) >= 2
    one = await sim_client.get_company(sim.account_id, companies[0].id)
    assert one.id == companies[0].id and one.created_at.tzinfo is not None
    active = await sim_client.list_companies(sim.account_id, status="active")
    assert {c.id for c in active} <= {c.id for c in companies}


async def test_trackers_users_tags(sim, sim_client: CallRailClient) -> None:
    companies = await sim_client.list_companies(sim.account_id)
    trackers = await sim_client.list_trackers(sim.account_id)
    assert trackers and all(t.tracking_numbers for t in trackers)
    first_company = companies[0].id
    mine = await sim_client.list_trackers(sim.account_id, company_id=first_company)
    assert mine and all(t.company.id == first_company for t in mine)
    assert {t.id for t in mine} < {t.id for t in trackers}
    assert all(user.email for user in await sim_client.list_users(sim.account_id))
    tags = await sim_client.list_tags(sim.account_id)
    assert all(tag.name for tag in tags)


async def test_both_paginations_see_the_same_calls(sim, sim_client: CallRailClient) -> None:
    first = await sim_client.list_calls(sim.account_id, per_page=7)
    assert first.page == 1 and first.per_page == 7 and len(first.items) == 7
    assert first.total_pages == -(-first.total_records // 7)
    assert not first.rejected

    by_page = [call.id async for call in sim_client.iter_calls(sim.account_id, relative=False, per_page=50)]
    relative = [call.id async for call in sim_client.iter_calls(sim.account_id, per_page=50)]
    assert len(by_page) == first.total_records > 50
    assert relative == by_page

    page = await sim_client.list_calls(sim.account_id, relative=True, per_page=50)
    assert page.has_next_page and "offset=1" in page.next_page and page.total_records is None

    capped = [call async for call in sim_client.iter_calls(sim.account_id, per_page=10, max_pages=2)]
    assert len(capped) == 20


async def test_fields_select_extras(sim, sim_client: CallRailClient) -> None:
    plain = (await sim_client.list_calls(sim.account_id, per_page=5, fields=None)).items
    assert all(call.company_id is None and call.call_type is None for call in plain)
    rich = (await sim_client.list_calls(sim.account_id, per_page=5)).items
    assert all(call.company_name and call.call_type and call.created_at for call in rich)

    enriched = [
        call
        async for call in sim_client.iter_calls(sim.account_id, answer_status="answered")
        if call.call_type == "answered"
    ]
    detail = await sim_client.get_call(sim.account_id, enriched[-1].id)
    assert detail.transcription and detail.conversational_transcript and detail.call_summary
    assert detail.recording
    bare = await sim_client.get_call(sim.account_id, enriched[-1].id, fields=None)
    assert bare.transcription is None


async def test_call_filters(sim, sim_client: CallRailClient) -> None:
    companies = await sim_client.list_companies(sim.account_id)
    company = companies[0]
    calls = [c async for c in sim_client.iter_calls(sim.account_id, company_id=company.id)]
    assert calls and all(call.company_id == company.id for call in calls)

    missed = [c async for c in sim_client.iter_calls(sim.account_id, answer_status="missed")]
    assert missed and all(call.answered is False for call in missed)

    today = [c async for c in sim_client.iter_calls(sim.account_id, date_range="today", time_zone="Etc/UTC")]
    assert all(call.start_time.date() == SIM_START.date() for call in today)

    yesterday = (SIM_START - timedelta(days=1)).date()
    chicago = ZoneInfo("America/Chicago")
    one_day = [
        c
        async for c in sim_client.iter_calls(
            sim.account_id, start_date=yesterday, end_date=yesterday, time_zone="America/Chicago"
        )
    ]
    assert one_day and all(call.start_time.astimezone(chicago).date() == yesterday for call in one_day)

    window_start = SIM_START - timedelta(hours=6)
    recent = [c async for c in sim_client.iter_calls(sim.account_id, start_date=window_start)]
    assert recent and all(call.start_time >= window_start for call in recent)

    ascending = await sim_client.list_calls(sim.account_id, sort="start_time", order="asc", per_page=30)
    times = [call.start_time for call in ascending.items]
    assert times == sorted(times)

    someone = calls[0].customer_phone_number
    found = await sim_client.list_calls(sim.account_id, search=someone)
    assert calls[0].id in {call.id for call in found.items}
    assert len(found.items) < len(calls)

    inbound = await sim_client.list_calls(sim.account_id, direction="inbound", per_page=10)
    assert all(call.direction == "inbound" for call in inbound.items)


async def test_update_call_put_semantics(sim, sim_client: CallRailClient) -> None:
    call = (await sim_client.list_calls(sim.account_id, answer_status="answered", per_page=1)).items[0]
    account = sim.account_id

    await sim_client.update_call(account, call.id, note="Wants a quote", tags=["Quote"])
    await sim_client.update_call(account, call.id, tags=["Urgent"], append_tags=True)
    updated = await sim_client.get_call(account, call.id)
    assert updated.note == "Wants a quote"
    assert set(updated.tags) == {"Quote", "Urgent"}  # tags= replaced, append_tags added

    await sim_client.update_call(account, call.id, lead_status="not_a_lead")
    assert (await sim_client.get_call(account, call.id)).note == "Wants a quote"  # omitted: unchanged

    await sim_client.update_call(account, call.id, note=None, tags=[])
    cleared = await sim_client.get_call(account, call.id)
    assert not cleared.note and cleared.tags == [] and cleared.lead_status == "not_a_lead"

    await sim_client.update_call(account, call.id, spam=True)
    with pytest.raises(NotFound):
        await sim_client.get_call(account, call.id)


async def said_stop(client: CallRailClient, account_id: str, conversation: Conversation) -> bool:
    full = await client.get_conversation(account_id, conversation.id, per_page=250)
    return any(m.incoming and (m.content or "").strip().upper() == "STOP" for m in full.messages)


async def test_conversations(sim, sim_client: CallRailClient) -> None:
    page = await sim_client.list_conversations(sim.account_id, per_page=5)
    assert page.items and not page.rejected
    assert all(c.recent_messages and len(c.recent_messages) <= 2 for c in page.items)
    newest = [c.last_message_at for c in page.items]
    assert newest == sorted(newest, reverse=True)

    everything = [c.id async for c in sim_client.iter_conversations(sim.account_id, per_page=5)]
    assert len(everything) == len(set(everything)) == page.total_records

    busiest = max(page.items, key=lambda c: c.last_message_at)
    full = await sim_client.get_conversation(sim.account_id, busiest.id)
    stamps = [m.created_at for m in full.messages]
    assert stamps == sorted(stamps, reverse=True)
    assert full.total_records == len(full.messages) or full.total_pages > 1
    one = await sim_client.get_conversation(sim.account_id, busiest.id, per_page=1)
    assert len(one.messages) == 1 and one.messages[0].id == full.messages[0].id


async def test_send_text(sim, sim_client: CallRailClient) -> None:
    conversation = None
    async for candidate in sim_client.iter_conversations(sim.account_id):
        if not await said_stop(sim_client, sim.account_id, candidate):
            conversation = candidate
            break
    assert conversation is not None
    sent = await sim_client.send_text(
        sim.account_id,
        company_id=conversation.company_id,
        customer_phone_number=conversation.customer_phone_number,
        content="On our way, about 20 minutes.",
    )
    assert sent.id == conversation.id
    assert sent.recent_messages[0].content.startswith("On our way")
    assert sim_client.rate_limit_headers["x-rate-limit-hourly-allowed"] == sim.config.sms_hourly_limit

    with pytest.raises(InvalidRequest, match="141 characters"):
        await sim_client.send_text(
            sim.account_id,
            company_id=conversation.company_id,
            customer_phone_number=conversation.customer_phone_number,
            content="x" * 141,
        )

    trackers = await sim_client.list_trackers(sim.account_id, company_id=conversation.company_id)
    fresh = await sim_client.send_text(
        sim.account_id,
        company_id=conversation.company_id,
        customer_phone_number="+15125550100",
        content="Hello from the team",
        tracking_number=trackers[0].tracking_numbers[0],
    )
    assert fresh.customer_phone_number == "+15125550100"


async def test_opted_out_recipient(sim, sim_client: CallRailClient) -> None:
    stopped = [
        c
        async for c in sim_client.iter_conversations(sim.account_id)
        if await said_stop(sim_client, sim.account_id, c)
    ]
    assert stopped, "the scenario should have someone who texted STOP"
    with pytest.raises(OptedOut):
        await sim_client.send_text(
            sim.account_id,
            company_id=stopped[0].company_id,
            customer_phone_number=stopped[0].customer_phone_number,
            content="Are you still interested?",
        )


@pytest.mark.parametrize("sim_config", [{"texting_enabled": False}], indirect=True)
async def test_texting_not_enabled(sim, sim_client: CallRailClient) -> None:
    conversation = (await sim_client.list_conversations(sim.account_id, per_page=1)).items[0]
    with pytest.raises(TextingNotEnabled):
        await sim_client.send_text(
            sim.account_id,
            company_id=conversation.company_id,
            customer_phone_number=conversation.customer_phone_number,
            content="Hi",
        )


async def test_wrong_key_and_unknown_ids(sim, connect_sim, sim_client: CallRailClient) -> None:
    with pytest.raises(NotFound):
        await sim_client.get_call(sim.account_id, "CAL" + "0" * 32)
    with pytest.raises(NotFound):
        await sim_client.get_conversation(sim.account_id, "nope1")
    with pytest.raises(NotFound):
        await sim_client.list_calls("ACC" + "f" * 32)

    stranger = connect_sim(api_key="not-the-key")
    with pytest.raises(AuthError) as caught:
        await stranger.list_accounts()
    assert "not-the-key" not in str(caught.value)

    neighbour = connect_sim(api_key=sim.config.other_api_key)
    assert sim.account_id not in {account.id for account in await neighbour.list_accounts()}
    with pytest.raises(NotFound):
        await neighbour.list_companies(sim.account_id)


@pytest.mark.parametrize("sim_config", [{"hourly_limit": 3}], indirect=True)
async def test_rate_limited_by_the_server(sim, sim_client: CallRailClient) -> None:
    for _ in range(3):
        await sim_client.list_accounts()
    with pytest.raises(RateLimited):
        await sim_client.list_accounts()
    assert sim_client.rate_limit_headers["x-rate-limit-hourly-used"] == 3


async def test_burst_of_429(sim, sim_client: CallRailClient) -> None:
    sim.faults.burst_429(60)
    with pytest.raises(RateLimited):
        await sim_client.list_accounts()
    sim.clock.advance(61)
    assert await sim_client.list_accounts()


async def test_status_is_derived_from_simulated_calls(sim, sim_client: CallRailClient) -> None:
    calls = [call async for call in sim_client.iter_calls(sim.account_id, date_range="recent")]
    kinds = {call.status for call in calls}
    assert {CallStatus.ANSWERED, CallStatus.MISSED} <= kinds
