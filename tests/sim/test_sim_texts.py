"""Text conversations: list, show, send, validation, opt-out and texting switched off."""

from datetime import datetime

import pytest
from conftest import client_for

from tui.sim.scripts import OPT_OUT_KEYWORDS


async def a_conversation(api) -> dict:
    return (await api.get("text-messages.json", params={"per_page": 1})).json()["conversations"][0]


async def test_list_is_newest_first_with_two_recent_messages(reader):
    body = (await reader.get("text-messages.json", params={"per_page": 250})).json()
    assert {"page", "per_page", "total_pages", "total_records", "conversations"} <= set(body)
    conversations = body["conversations"]
    assert len(conversations) > 20
    times = [datetime.fromisoformat(c["last_message_at"]) for c in conversations]
    assert times == sorted(times, reverse=True)
    for conversation in conversations:
        assert len(conversation["id"]) == 5
        recent = conversation["recent_messages"]
        assert 1 <= len(recent) <= 2
        assert recent[0]["created_at"] == conversation["last_message_at"]
    assert any(len(c["recent_messages"]) == 2 for c in conversations)


async def test_show_pages_messages_newest_first(reader):
    conversations = (await reader.get("text-messages.json", params={"per_page": 250})).json()["conversations"]
    chatty = next(c for c in conversations if len(c["recent_messages"]) == 2)
    shown = (await reader.get(f"text-messages/{chatty['id']}.json")).json()
    assert shown["total_records"] >= 2 and "recent_messages" not in shown
    times = [m["created_at"] for m in shown["messages"]]
    assert times == sorted(times, reverse=True)
    assert {m["direction"] for m in shown["messages"]} <= {"incoming", "outgoing"}
    outgoing = [m for m in shown["messages"] if m["direction"] == "outgoing"]
    assert all(m["status"] == "sent" and m["user"]["name"] for m in outgoing)
    second = (
        await reader.get(f"text-messages/{chatty['id']}.json", params={"per_page": 1, "page": 2})
    ).json()
    assert second["messages"] == shown["messages"][1:2]


async def test_filters_and_search(reader):
    conversation = await a_conversation(reader)
    by_company = (
        await reader.get("text-messages.json", params={"company_id": conversation["company_id"]})
    ).json()
    assert all(c["company_id"] == conversation["company_id"] for c in by_company["conversations"])
    number = conversation["customer_phone_number"]
    found = (await reader.get("text-messages.json", params={"search": number[-10:]})).json()["conversations"]
    assert [c["id"] for c in found] == [conversation["id"]]
    today = (await reader.get("text-messages.json", params={"date_range": "today", "per_page": 250})).json()
    assert today["total_records"] < (await reader.get("text-messages.json")).json()["total_records"]


async def test_send_joins_the_conversation(sim, api):
    conversation = await a_conversation(api)
    body = {
        "company_id": conversation["company_id"],
        "customer_phone_number": conversation["customer_phone_number"],
        "content": "We can come by Thursday 9-11am. Reply STOP to opt out.",
    }
    response = await api.post("text-messages.json", json=body)
    assert response.status_code == 201
    sent = response.json()
    assert sent["id"] == conversation["id"]
    newest = sent["recent_messages"][0]
    assert newest["sms_thread"]["id"].startswith("SMT")
    assert {k: v for k, v in newest.items() if k != "sms_thread"} == {
        "direction": "outgoing",
        "content": body["content"],
        "created_at": sent["last_message_at"],
        "type": "sms",
        "media_urls": [],
    }
    assert sent["recent_messages"][1]["content"] == conversation["recent_messages"][0]["content"]
    listed = await a_conversation(api)
    assert listed["id"] == conversation["id"]
    assert [e.kind for e in sim.events if e.id == conversation["id"]][-1] == "text_out"


async def test_first_text_to_a_new_number_gets_the_opt_out_notice(sim, api):
    company = next(iter(sim.account.companies.values()))
    tracker = next(t for t in sim.account.trackers.values() if t.company_id == company.id)
    body = {
        "company_id": company.id,
        "tracking_number": tracker.tracking_number,
        "customer_phone_number": "(312) 555-0199",
        "content": "Hi, this is Windy City Plumbing following up",
    }
    first = (await api.post("text-messages.json", json=body)).json()
    assert first["customer_phone_number"] == "+13125550199"
    assert first["recent_messages"][0]["content"].endswith("following up. Reply STOP to unsubscribe.")
    second = (await api.post("text-messages.json", json=body | {"content": "Still there?"})).json()
    assert second["id"] == first["id"]
    assert second["recent_messages"][0]["content"] == "Still there?"


async def test_send_validation(sim, api):
    conversation = await a_conversation(api)
    good = {
        "company_id": conversation["company_id"],
        "customer_phone_number": conversation["customer_phone_number"],
        "content": "Hello",
    }
    cases = [
        ({k: v for k, v in good.items() if k != "content"}, 400, "content"),
        ({k: v for k, v in good.items() if k != "company_id"}, 400, "company_id"),
        (good | {"content": "x" * 141}, 400, "140"),
        (good | {"customer_phone_number": "12"}, 400, "phone"),
        (good | {"customer_phone_number": "+13125550177"}, 400, "tracking_number"),
        (good | {"tracking_number": "+19995550100"}, 400, "tracking"),
        (good | {"media_url": "https://example.com/a.png", "media_file": "a.png"}, 422, "media"),
        (good | {"company_id": "COMnope"}, 404, ""),
    ]
    for body, status, words in cases:
        response = await api.post("text-messages.json", json=body)
        assert response.status_code == status, body
        assert words in response.json()["error"]
    assert (await api.post("text-messages.json", json=good | {"content": "x" * 140})).status_code == 201
    malformed = await api.post(
        "text-messages.json", content=b"[1, 2", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400


async def test_opted_out_recipient_is_refused(shared_sim, reader):
    opted = [
        c
        for c in shared_sim.account.conversations.values()
        if c.messages[-1].content.upper() in OPT_OUT_KEYWORDS
    ]
    assert opted, "the scenario should contain customers who texted STOP"
    conversation = opted[0]
    body = {
        "company_id": conversation.company_id,
        "customer_phone_number": conversation.customer.phone,
        "content": "Sorry to see you go",
    }
    response = await reader.post("text-messages.json", json=body)
    assert response.status_code == 400
    assert "opted out" in response.json()["error"]


async def test_texting_disabled_is_403(make_sim):
    sim = make_sim(texting_enabled=False)
    async with client_for(sim) as api:
        conversation = await a_conversation(api)
        body = {
            "company_id": conversation["company_id"],
            "customer_phone_number": conversation["customer_phone_number"],
            "content": "Hi",
        }
        response = await api.post("text-messages.json", json=body)
    assert response.status_code == 403
    assert "texting is not enabled" in response.json()["error"].lower()


@pytest.mark.parametrize("status", [200, 201])
async def test_send_status_is_configurable(make_sim, status):
    sim = make_sim(send_text_status=status)
    async with client_for(sim) as api:
        conversation = await a_conversation(api)
        body = {
            "company_id": conversation["company_id"],
            "customer_phone_number": conversation["customer_phone_number"],
            "content": "Hi",
        }
        assert (await api.post("text-messages.json", json=body)).status_code == status


async def test_media_url_makes_an_mms(api):
    conversation = await a_conversation(api)
    body = {
        "company_id": conversation["company_id"],
        "customer_phone_number": conversation["customer_phone_number"],
        "media_url": "https://example.com/estimate.png",
    }
    response = await api.post("text-messages.json", json=body)
    assert response.status_code == 201
    newest = response.json()["recent_messages"][0]
    assert newest["type"] == "mms" and newest["media_urls"] == [body["media_url"]]
