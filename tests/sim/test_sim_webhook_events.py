"""Which webhooks the day fires, when, and with what payloads (reference §6.2), delivered in-process."""

import json
from collections import defaultdict
from datetime import datetime, timedelta

import httpx
import pytest
from conftest import client_for
from webhook_receiver import Receiver, until

from tui.sim import SimConfig, Simulator
from tui.sim.state import Outcome
from tui.sim.webhooks.integrations import WEBHOOK_EVENTS
from tui.sim.webhooks.router import POST_CALL_DEADLINE
from tui.sim.webhooks.signature import sign, verify

HOOK = "http://receiver.test/hook"


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def wired(clock, receiver):
    def make(**config) -> Simulator:
        sim = Simulator(
            SimConfig(**config), clock=clock, webhook_transport=httpx.ASGITransport(app=receiver.app)
        )
        sim.add_webhook_receiver(HOOK)
        return sim

    return make


def by_resource(sim) -> dict[str, list]:
    found = defaultdict(list)
    for record in sim.webhooks.log:
        found[record.resource_id].append(record)
    return found


def payload(record) -> dict:
    return json.loads(record.body)


def test_the_reference_test_vector():
    key = "sim-test-signing-key-0001"
    body = (
        b'{"resource_id":"CALaaaa1111bbbb2222cccc3333dddd4444",'
        b'"answered":true,"duration":42,"call_type":"answered"}'
    )
    assert sign(key, body) == "BK3oGqGdjxZCuc4O9fG4RQ0mMbU="
    assert verify(key, body, "BK3oGqGdjxZCuc4O9fG4RQ0mMbU=\n")
    assert not verify(key, body + b" ", "BK3oGqGdjxZCuc4O9fG4RQ0mMbU=")
    assert not verify("another-key", body, "BK3oGqGdjxZCuc4O9fG4RQ0mMbU=")
    assert not verify(key, body, None)


async def test_an_answered_call_rings_is_routed_and_posts_its_data(wired, clock, receiver):
    sim = wired()
    keys = sim.account.signing_keys
    clock.advance(2 * 3600)
    await sim.webhooks.deliver_due()
    assert receiver.got and all(receiver.verified(keys, r) for r in receiver.got)
    assert {r.content_type for r in receiver.got} == {"application/json"}
    records = by_resource(sim)
    answered = [
        c
        for c in sim.account.calls
        if c.outcome is Outcome.ANSWERED and c.started_at >= sim.events[0].at and c.enrichment
    ]
    call = answered[0]
    pre, routed, post = records[call.id]
    assert [pre.event, routed.event, post.event] == [
        "pre_call_webhook",
        "answered_call_webhook",
        "post_call_webhook",
    ]
    assert pre.due == call.started_at and routed.due == call.answered_at and post.due == call.enriched_at
    assert post.due - call.ended_at <= POST_CALL_DEADLINE

    early = payload(pre)
    assert early["resource_id"] == call.id and isinstance(early["id"], int)
    assert early["answered"] is False and early["duration"] == "0" and early["call_type"] == "missed"
    assert early["voicemail"] is False and early["business_phone_number"] == ""
    tracker = sim.account.trackers[call.tracker_id]
    assert early["tracker_resource_id"] == tracker.id and early["person_resource_id"] == call.person_id
    assert early["company_resource_id"] == early["company_id"] == call.company_id
    assert early["tracking_phone_number"] == tracker.tracking_number
    assert early["first_call"] == call.first_call and early["total_calls"] == call.prior_calls + 1
    assert abs(datetime.fromisoformat(early["timestamp"]) - call.started_at) < timedelta(milliseconds=1)
    assert early["datetime"] == call.started_at.strftime("%Y-%m-%d %H:%M:%S")
    assert early["callernum"] == call.customer.phone and early["trackingnum"] == tracker.tracking_number

    connected = payload(routed)
    assert connected["answered"] is True and connected["call_type"] == "in_progress"
    assert connected["business_phone_number"] == call.business_phone_number

    final = payload(post)
    assert final["answered"] is True and final["call_type"] == "answered"
    assert final["duration"] == str(call.duration)
    assert final["recording"].startswith("https://app.callrail.com/calls/")
    assert final["recording_duration"] == call.enrichment.recording_duration
    assert final["transcription"] and final["call_summary"] == call.enrichment.summary
    assert final["tags"] == [sim.account.tags[t].name for t in call.tag_ids]
    assert final["tag"] == ",".join(final["tags"])
    assert None not in final.values()


async def test_missed_calls_post_at_hang_up_and_no_route(wired, clock):
    sim = wired()
    clock.advance(2 * 3600)
    await sim.webhooks.deliver_due()
    records = by_resource(sim)
    missed = next(c for c in sim.account.calls if c.outcome is Outcome.MISSED and c.id in records)
    events = [r.event for r in records[missed.id]]
    assert events == ["pre_call_webhook", "post_call_webhook"]
    post = records[missed.id][1]
    assert post.due == missed.ended_at and payload(post)["answered"] is False


async def test_post_call_goes_at_the_deadline_and_late_data_as_call_modified(wired, clock):
    sim = wired(post_call_delay=(25.0, 30.0))
    clock.advance(3 * 3600)
    await sim.webhooks.deliver_due()
    records = by_resource(sim)
    call = next(
        c for c in sim.account.calls if c.enrichment and c.id in records and c.started_at >= sim.events[0].at
    )
    post = next(r for r in records[call.id] if r.event == "post_call_webhook")
    modified = next(r for r in records[call.id] if r.event == "updated_call_webhook")
    assert post.due == call.ended_at + POST_CALL_DEADLINE
    assert payload(post)["recording"] == "" and payload(post)["transcription"] == ""
    assert modified.due == call.enriched_at > post.due
    late = payload(modified)
    assert {"recording_duration", "transcription_text", "call_summary"} <= set(late["changes"])
    assert late["transcription"] and late["recording_duration"] == call.enrichment.recording_duration


async def test_api_edits_fire_call_modified_with_what_changed(wired, clock):
    sim = wired()
    clock.advance(3600)
    call = next(
        c for c in sim.account.calls if c.enrichment and c.enriched_at < clock.now() and c.lead_status is None
    )
    async with client_for(sim) as api:
        await api.put(
            f"calls/{call.id}.json", json={"note": "called back", "tags": ["Booked"], "value": "$120"}
        )
        await api.put(f"calls/{call.id}.json", json={"lead_status": "good_lead"})
        await api.put(f"calls/{call.id}.json", json={"lead_status": "good_lead"})  # no change, no webhook
    await sim.webhooks.deliver_due()
    modified = [r for r in sim.webhooks.log if r.event == "updated_call_webhook" and r.resource_id == call.id]
    assert [payload(r)["changes"] for r in modified] == [["note", "tags", "value"], ["manual_score"]]
    first = payload(modified[0])
    assert first["note"] == "called back" and first["tags"] == ["Booked"] and first["value"] == "120.00"
    assert payload(modified[1])["lead_status"] == "good_lead"


async def test_outbound_calls_post_at_hang_up_and_modify_later(wired, clock):
    sim = wired()
    tracker = next(iter(sim.account.trackers.values()))
    body = {
        "caller_id": tracker.tracking_number,
        "customer_phone_number": "312-555-0188",
        "business_phone_number": "+13125550110",
    }
    async with client_for(sim) as api:
        ids = [(await api.post("calls.json", json=body)).json()["id"] for _ in range(6)]
        clock.advance(40 * 60)
        await api.put(f"calls/{ids[0]}.json", json={"note": "left a message"})
    await sim.webhooks.deliver_due()
    records = by_resource(sim)
    for call_id in ids:
        call = sim.account.calls_by_id[call_id]
        events = [r.event for r in records[call_id]]
        assert events[0] == "post_outbound_call_webhook" and "pre_call_webhook" not in events
        assert records[call_id][0].due == call.ended_at
        assert payload(records[call_id][0])["call_type"] == "outbound"
    assert payload(records[ids[0]][-1])["changes"] == ["note"]
    enriched = [i for i in ids if sim.account.calls_by_id[i].enrichment]
    assert enriched, "some outbound call of six gets a recording"
    late = next(r for r in records[enriched[0]] if r.event == "updated_outbound_call_webhook")
    assert "transcription_text" in payload(late)["changes"]


async def test_texts_both_ways_and_forms(wired, clock):
    sim = wired()
    clock.advance(3 * 3600)
    await sim.webhooks.deliver_due()
    received = [payload(r) for r in sim.webhooks.log if r.event == "sms_received_webhook"]
    sent = [payload(r) for r in sim.webhooks.log if r.event == "sms_sent_webhook"]
    forms = [payload(r) for r in sim.webhooks.log if r.event == "form_captured_webhook"]
    assert received and sent and forms
    text = received[0]
    conversation = sim.account.conversations[text["conversation_id"]]
    assert text["resource_id"].startswith("SCI") and isinstance(text["id"], int)
    phone = conversation.customer.phone
    assert text["source_number"] == f"{phone[2:5]}-{phone[5:8]}-{phone[8:]}"
    assert text["message_type"] == "sms" and text["media_urls"] == [] and "agent" not in text
    assert all(s["agent"] for s in sent)
    form = forms[0]
    stored = next(f for f in sim.account.form_submissions if f.id == form["resource_id"])
    assert form["id"] == stored.legacy_id and form["form_data"] == stored.form_data
    assert form["company_resource_id"] == stored.company_id


async def test_a_text_sent_through_the_api_fires_text_sent(wired, clock):
    sim = wired()
    tracker = next(iter(sim.account.trackers.values()))
    async with client_for(sim) as api:
        response = await api.post(
            "text-messages.json",
            json={
                "company_id": tracker.company_id,
                "customer_phone_number": "312-555-0177",
                "tracking_number": tracker.tracking_number,
                "content": "We're on our way",
            },
        )
    assert response.status_code == 201
    await sim.webhooks.deliver_due()
    sent = payload(next(r for r in sim.webhooks.log if r.event == "sms_sent_webhook"))
    owner = sim.account.users[sim.account.owner_id]
    assert sent["content"].startswith("We're on our way") and sent["agent"] == owner.name
    assert sent["destination_number"] == "312-555-0177" and sent["conversation_id"] == response.json()["id"]


async def test_only_configured_events_and_active_integrations(clock, receiver):
    sim = Simulator(SimConfig(), clock=clock, webhook_transport=httpx.ASGITransport(app=receiver.app))
    company = next(iter(sim.account.companies))
    integration = sim.integrations.create(
        sim.account, "Webhooks", company, {"post_call_webhook": [HOOK]}, clock.now()
    )
    clock.advance(3600)
    await sim.webhooks.deliver_due()
    assert sim.webhooks.log
    assert {r.event for r in sim.webhooks.log} == {"post_call_webhook"}
    assert {payload(r)["company_resource_id"] for r in sim.webhooks.log} == {company}
    integration.state = "disabled"
    count = len(sim.webhooks.log)
    clock.advance(3600)
    await sim.webhooks.deliver_due()
    assert len(sim.webhooks.log) == count


def test_webhook_url_in_the_config_wires_every_company(clock):
    sim = Simulator(SimConfig(webhook_url=HOOK), clock=clock)
    integrations = list(sim.account.integrations.values())
    assert {i.company_id for i in integrations} == set(sim.account.companies)
    assert all(i.config == {e: [HOOK] for e in WEBHOOK_EVENTS} for i in integrations)
    assert not sim.accounts[1].integrations


async def test_the_api_answers_while_a_receiver_hangs(wired, clock, receiver):
    receiver.hang.add("/hook")
    sim = wired(webhook_timeout=600)
    async with sim.webhooks.running(), client_for(sim) as api:
        clock.advance(30 * 60)
        await until(lambda: receiver.got)
        for _ in range(3):
            assert (await api.get("calls.json")).status_code == 200
        assert len(receiver.got) == 1 and not sim.webhooks.log  # the first delivery still waits for an answer


async def test_deliveries_wait_for_the_sim_clock(wired, clock):
    sim = wired(post_call_delay=(25.0, 30.0))
    clock.advance(3600)
    sim.advance()
    assert sim.webhooks.pending > 0 and not sim.webhooks.log
    await sim.webhooks.deliver_due()
    assert sim.webhooks.log and all(r.sent_at >= r.due for r in sim.webhooks.log)
    waiting = sim.webhooks.pending  # post-calls due at the 20-minute deadline, after now
    assert waiting > 0
    sent = len(sim.webhooks.log)
    clock.advance(20 * 60)
    await sim.webhooks.deliver_due()
    assert len(sim.webhooks.log) > sent
    assert all(r.due <= clock.now() for r in sim.webhooks.log)
