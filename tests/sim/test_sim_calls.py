"""Calls: both paginations, date filters, fields, filters, sorting and PUT semantics."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import START

from tui.sim.serializers import DEFAULT_CALL_FIELDS

NEW_YORK = ZoneInfo("America/New_York")


async def all_calls(api, **params) -> list[dict]:
    calls, page = [], 1
    while True:
        body = (await api.get("calls.json", params={"per_page": 250, "page": page, **params})).json()
        calls += body["calls"]
        if page >= body["total_pages"]:
            return calls
        page += 1


async def test_default_is_recent_newest_first_with_default_fields(reader):
    body = (await reader.get("calls.json")).json()
    assert body["per_page"] == 100 and body["total_records"] > 1000
    call = body["calls"][0]
    assert tuple(call) == DEFAULT_CALL_FIELDS
    starts = [datetime.fromisoformat(c["start_time"]) for c in body["calls"]]
    assert starts == sorted(starts, reverse=True)
    oldest = datetime.fromisoformat((await all_calls(reader))[-1]["start_time"])
    six_days_ago = (START.astimezone(NEW_YORK) - timedelta(days=6)).date()
    assert oldest.astimezone(NEW_YORK).date() == six_days_ago


async def test_start_time_is_in_the_requested_zone(reader):
    ny = (await reader.get("calls.json", params={"per_page": 1})).json()["calls"][0]
    la = (await reader.get("calls.json", params={"per_page": 1, "time_zone": "America/Los_Angeles"})).json()
    assert ny["start_time"].endswith("-05:00") and la["calls"][0]["start_time"].endswith("-08:00")
    assert datetime.fromisoformat(ny["start_time"]) == datetime.fromisoformat(la["calls"][0]["start_time"])
    assert (await reader.get("calls.json", params={"time_zone": "Mars/Olympus"})).status_code == 400


async def test_relative_pagination_walks_the_same_calls(shared_sim, reader):
    params = {"company_id": next(iter(shared_sim.account.companies)), "date_range": "yesterday"}
    expected = [c["id"] for c in await all_calls(reader, **params)]
    seen, url = [], "calls.json"
    response = await reader.get(url, params={**params, "relative_pagination": "true", "per_page": 7})
    while True:
        body = response.json()
        assert set(body) == {"calls", "next_page", "has_next_page"}
        seen += [c["id"] for c in body["calls"]]
        if not body["has_next_page"]:
            assert body["next_page"] is None
            break
        url = body["next_page"]
        assert url.startswith(f"http://sim.test/v3/a/{shared_sim.account_id}/calls?") and ".json" not in url
        assert "relative_pagination=true" in url and "offset=" in url and "date_range=yesterday" in url
        response = await reader.get(url)
    assert seen == expected and len(seen) > 7


async def test_date_ranges_and_explicit_dates(reader):
    today = START.astimezone(NEW_YORK).date()
    yesterday = today - timedelta(days=1)

    async def days(**params) -> set:
        return {datetime.fromisoformat(c["start_time"]).date() for c in await all_calls(reader, **params)}

    assert await days(date_range="today") == {today}
    assert await days(date_range="yesterday") == {yesterday}
    assert await days(date_range="last_7_days") == {today - timedelta(days=n) for n in range(1, 8)}
    assert await days(start_date=str(yesterday), end_date=str(yesterday)) == {yesterday}
    count_same_day = len(await all_calls(reader, start_date=str(yesterday), end_date=str(yesterday)))
    assert count_same_day == len(await all_calls(reader, date_range="yesterday"))

    hour = await all_calls(reader, start_date=f"{yesterday}T14:00", end_date=f"{yesterday}T14:59")
    assert hour and all(datetime.fromisoformat(c["start_time"]).hour == 14 for c in hour)
    with_offset = await all_calls(
        reader, start_date=f"{yesterday}T14:00:00.000-05:00", end_date=f"{yesterday}T14:59:59-05:00"
    )
    assert [c["id"] for c in with_offset] == [c["id"] for c in hour]
    assert len(await all_calls(reader, date_range="all_time")) >= len(await all_calls(reader))


async def test_bad_dates_are_400(reader):
    for params in (
        {"date_range": "someday"},
        {"start_date": "yesterday"},
        {"start_date": "2026-11-20", "end_date": "2026-11-10"},
        {"start_date": "2020-01-01"},
    ):
        response = await reader.get("calls.json", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]
    retention = await reader.get("calls.json", params={"start_date": "2020-01-01"})
    assert "retention" in retention.json()["error"]


async def test_fields_add_extras(reader):
    extras = (
        "call_type,company_id,company_name,company_time_zone,source,first_call,prior_calls,total_calls,tags"
    )
    call = (
        await reader.get("calls.json", params={"per_page": 1, "fields": extras + ",no_such_field"})
    ).json()
    record = call["calls"][0]
    assert set(record) == set(DEFAULT_CALL_FIELDS) | set(extras.split(","))
    assert record["total_calls"] == record["prior_calls"] + 1
    assert record["first_call"] == (record["prior_calls"] == 0)


async def test_filters(shared_sim, reader):
    calls = await all_calls(
        reader, date_range="yesterday", fields="call_type,company_id,tracker_id,first_call"
    )
    answered = await all_calls(reader, date_range="yesterday", answer_status="answered")
    missed = await all_calls(reader, date_range="yesterday", answer_status="missed")
    assert len(answered) + len(missed) == len(calls)
    assert all(c["answered"] for c in answered) and not any(c["answered"] for c in missed)
    voicemails = await all_calls(reader, date_range="yesterday", answer_status="voicemail")
    assert voicemails and all(c["voicemail"] for c in voicemails)
    first = await all_calls(reader, date_range="yesterday", call_type="first_call")
    assert len(first) == sum(c["first_call"] for c in calls)
    company = calls[0]["company_id"]
    assert {c["id"] for c in await all_calls(reader, date_range="yesterday", company_id=company)} == {
        c["id"] for c in calls if c["company_id"] == company
    }
    tracker = calls[0]["tracker_id"]
    by_tracker = await all_calls(reader, date_range="yesterday", tracker_id=tracker)
    assert len(by_tracker) == sum(c["tracker_id"] == tracker for c in calls)
    assert await all_calls(reader, date_range="yesterday", direction="outbound") == []
    assert (await reader.get("calls.json", params={"answer_status": "maybe"})).status_code == 400


async def test_search_by_number_and_name(reader):
    call = (await reader.get("calls.json", params={"per_page": 1})).json()["calls"][0]
    number = call["customer_phone_number"]
    found = await all_calls(reader, search=number[-10:])
    assert found and all(c["customer_phone_number"] == number for c in found)
    by_source = await all_calls(reader, search="yelp", fields="source")
    assert by_source and all(c["source"] == "Yelp" for c in by_source)


async def test_sort_and_order(reader):
    body = (
        await reader.get("calls.json", params={"sort": "duration", "order": "desc", "per_page": 50})
    ).json()
    durations = [c["duration"] or 0 for c in body["calls"]]
    assert durations == sorted(durations, reverse=True)
    ascending = (await reader.get("calls.json", params={"sort": "customer_name", "per_page": 50})).json()
    names = [c["customer_name"] or "" for c in ascending["calls"]]
    assert names == sorted(names)
    assert (await reader.get("calls.json", params={"order": "asc"})).status_code == 400


async def first_answered(api) -> dict:
    calls = (
        await api.get("calls.json", params={"answer_status": "answered", "date_range": "yesterday"})
    ).json()
    return calls["calls"][0]


async def test_put_omitted_unchanged_null_clears(api):
    call_id = (await first_answered(api))["id"]
    fields = {"fields": "note,tags,lead_status,value,customer_name"}
    body = {"note": "Wants a quote", "tags": ["Quote Requested", "Brand New Tag"], "customer_name": "Maria D"}
    updated = (await api.put(f"calls/{call_id}.json", json=body, params=fields)).json()
    assert updated["note"] == "Wants a quote" and updated["customer_name"] == "Maria D"
    assert [t["name"] for t in updated["tags"]] == ["Quote Requested", "Brand New Tag"]
    tags = (await api.get("tags.json", params={"per_page": 250})).json()["tags"]
    assert "Brand New Tag" in {t["name"] for t in tags}

    untouched = (
        await api.put(f"calls/{call_id}.json", json={"lead_status": "not_a_lead"}, params=fields)
    ).json()
    assert untouched["note"] == "Wants a quote" and len(untouched["tags"]) == 2
    assert untouched["lead_status"] == "not_a_lead"

    appended = await api.put(
        f"calls/{call_id}.json", json={"tags": ["Booked"], "append_tags": True}, params=fields
    )
    assert [t["name"] for t in appended.json()["tags"]] == ["Quote Requested", "Brand New Tag", "Booked"]
    replaced = await api.put(f"calls/{call_id}.json", json={"tags": ["Booked"]}, params=fields)
    assert [t["name"] for t in replaced.json()["tags"]] == ["Booked"]

    cleared = await api.put(
        f"calls/{call_id}.json", json={"note": "", "tags": None, "lead_status": None}, params=fields
    )
    assert (
        cleared.json()["note"] is None
        and cleared.json()["tags"] == []
        and cleared.json()["lead_status"] is None
    )
    valued = await api.put(f"calls/{call_id}.json", json={"value": "$12.50"}, params={"fields": "value"})
    assert valued.json()["value"] == "12.50"
    shown = (await api.get(f"calls/{call_id}.json", params=fields)).json()
    assert shown["customer_name"] == "Maria D" and shown["value"] == "12.50"


async def test_put_validation(api):
    call_id = (await first_answered(api))["id"]
    for body in ({"lead_status": "great"}, {"spam": False}, {"tags": "x" * 0 or [1]}, {"value": "lots"}):
        response = await api.put(f"calls/{call_id}.json", json=body)
        assert response.status_code == 400, body
    malformed = await api.put(
        f"calls/{call_id}.json", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400 and "JSON" in malformed.json()["error"]
    assert (await api.put("calls/CALnope.json", json={"note": "x"})).status_code == 404


async def test_good_lead_on_previously_marked_is_400(sim, api):
    call = next(c for c in sim.account.calls if c.lead_status == "previously_marked_good_lead" and not c.spam)
    response = await api.put(f"calls/{call.id}.json", json={"lead_status": "good_lead"})
    assert response.status_code == 400
    assert (await api.put(f"calls/{call.id}.json", json={"lead_status": "not_a_lead"})).status_code == 200


async def test_spam_hides_the_call(api):
    call_id = (await first_answered(api))["id"]
    assert (await api.put(f"calls/{call_id}.json", json={"spam": True})).status_code == 200
    assert (await api.get(f"calls/{call_id}.json")).status_code == 404
    assert call_id not in {c["id"] for c in await all_calls(api, date_range="yesterday")}


async def test_enriched_call_has_transcript_and_recording(reader):
    extras = "call_type,transcription,conversational_transcript,call_summary,sentiment,keywords_spotted"
    call = await first_answered(reader)
    shown = (
        await reader.get(f"calls/{call['id']}.json", params={"fields": extras + ",call_highlights"})
    ).json()
    assert shown["call_type"] == "answered"
    assert shown["transcription"].startswith("Agent: ") and "Caller: " in shown["transcription"]
    lines = shown["conversational_transcript"]
    assert {line["speaker"] for line in lines} == {"agent", "caller"}
    assert [line["start"] for line in lines] == sorted(line["start"] for line in lines)
    assert shown["call_summary"] and shown["sentiment"] in ("positive", "neutral", "negative")
    assert shown["keywords_spotted"][0]["locations"]
    assert shown["recording"].endswith(f"/calls/{call['id']}/recording.json")
    assert int(shown["recording_duration"]) <= shown["duration"]
    recording = (await reader.get(f"calls/{call['id']}/recording.json")).json()
    assert recording["url"].startswith("https://")


async def test_tag_and_lead_status_filters(api):
    calls = (await api.get("calls.json", params={"date_range": "yesterday", "per_page": 3})).json()["calls"]
    await api.put(f"calls/{calls[0]['id']}.json", json={"tags": ["Zebra"], "lead_status": "not_a_lead"})
    await api.put(f"calls/{calls[1]['id']}.json", json={"tags": ["Yak"]})
    one = await all_calls(api, tags="Zebra")
    assert [c["id"] for c in one] == [calls[0]["id"]]
    either = (await api.get("calls.json", params=[("tags[]", "Zebra"), ("tags[]", "yak")])).json()["calls"]
    assert {c["id"] for c in either} == {calls[0]["id"], calls[1]["id"]}
    not_leads = await all_calls(api, lead_status="not_a_lead", fields="lead_status")
    assert calls[0]["id"] in {c["id"] for c in not_leads}
    assert all(c["lead_status"] == "not_a_lead" for c in not_leads)
    good = await all_calls(api, lead_status="good_lead", fields="lead_status")
    assert good and all(c["lead_status"] == "good_lead" for c in good)
