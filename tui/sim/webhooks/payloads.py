"""Webhook bodies as CallRail posts them: call objects with ``resource_id``s and legacy fields, flat text
objects, form objects.

Unlike the REST API: the numeric legacy ``id`` next to ``resource_id``, ``duration`` a string and
``recording_duration`` a number, tags as names, and ``""`` where REST says ``null`` (all as in the
reference's webhook samples), so a receiver has to be as lenient as the reference asks.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tui.sim import serializers
from tui.sim.state import Account, Call, Conversation, FormSubmission, Message

# The call fields a webhook carries on top of the REST defaults.
CALL_FIELDS = frozenset(
    {
        "call_type",
        "formatted_call_type",
        "call_highlights",
        "call_summary",
        "campaign",
        "company_id",
        "company_name",
        "company_time_zone",
        "created_at",
        "first_call",
        "prior_calls",
        "total_calls",
        "formatted_customer_location",
        "formatted_business_phone_number",
        "formatted_customer_name",
        "formatted_customer_phone_number",
        "formatted_duration",
        "formatted_tracking_phone_number",
        "formatted_tracking_source",
        "formatted_value",
        "gclid",
        "keywords",
        "landing_page_url",
        "lead_score",
        "lead_status",
        "medium",
        "note",
        "referrer_domain",
        "sentiment",
        "source",
        "source_name",
        "speaker_percent",
        "tags",
        "timeline_url",
        "transcription",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "value",
    }
)
# Placeholders CallRail sends before the call is connected (a just-started call looks missed).
PRE_CALL_VALUES = {
    "answered": False,
    "duration": 0,
    "call_type": "missed",
    "formatted_call_type": "Missed Call",
    "voicemail": False,
    "business_phone_number": None,
    "formatted_business_phone_number": None,
    "formatted_duration": None,
}


def legacy_id(masked_id: str) -> int:
    """The numeric id CallRail used before masked ids, still sent as ``id``."""
    return int(hashlib.sha1(masked_id.encode()).hexdigest()[:12], 16) % 900_000_000 + 100_000_000


def call_payload(
    account: Account, call: Call, at: datetime, stage: str = "final", changes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``stage``: ``pre_call`` (ringing), ``routed`` (answered, in progress) or ``final`` (ended)."""
    company = account.companies[call.company_id]
    tracker = account.trackers[call.tracker_id]
    zone = ZoneInfo(company.time_zone)
    record = serializers.call_json(account, call, zone, set(CALL_FIELDS), "https://api.callrail.com/v3")
    if stage == "pre_call":
        record.update(PRE_CALL_VALUES)
    elif stage == "routed":
        agent = account.users.get(call.agent_id) if call.agent_id else None
        record.update(PRE_CALL_VALUES)
        record.update(
            answered=True,
            call_type="in_progress",
            formatted_call_type="In Progress",
            business_phone_number=call.business_phone_number,
            formatted_business_phone_number=serializers.formatted_phone(call.business_phone_number),
            agent_email=agent.email if agent else None,
        )
    enrichment = call.enrichment
    if record["recording"]:
        access_key = hashlib.sha1(call.id.encode()).hexdigest()[:16]
        redirect = f"{serializers.APP_URL}/calls/{call.id}/recording/redirect"
        record["recording"] = f"{redirect}?access_key={access_key}"
        record["recording_duration"] = enrichment.recording_duration if enrichment else None
    tag_names = [tag["name"] for tag in record["tags"]]
    record.update(
        id=legacy_id(call.id),
        resource_id=call.id,
        company_resource_id=company.id,
        tracker_resource_id=tracker.id,
        person_resource_id=call.person_id,
        duration=str(record["duration"] or 0),
        tags=tag_names,
        timestamp=serializers.iso(at, zone),
        # legacy attributes, kept for old integrations
        callercity=call.customer.city,
        callercountry="US",
        callername=record["customer_name"],
        callernum=call.customer.phone,
        callerstate=call.customer.state,
        callsource=tracker.source.lower().replace(" ", "_"),
        datetime=call.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        destinationnum=record["business_phone_number"],
        trackingnum=tracker.tracking_number,
        ip="",
        kissmetrics_id="",
        landingpage=record["landing_page_url"],
        referrer=record["referrer_domain"],
        referrermedium=tracker.medium,
        score="",
        tag=",".join(tag_names),
        utma="",
    )
    if changes:
        record["changes"] = list(changes)
    return _blank_nulls(record)


def text_payload(account: Account, conversation: Conversation, message: Message) -> dict[str, Any]:
    """Text Message Received (customer → tracking number) or Sent (the reverse, with the agent's name)."""
    company = account.companies[conversation.company_id]
    tracker = account.trackers[conversation.current_tracker_id]
    customer, business = conversation.customer.phone, tracker.tracking_number
    incoming = message.direction == "incoming"
    good = (company.id, customer) in account.good_leads
    record: dict[str, Any] = {
        "id": message.id,
        "resource_id": "SCI" + hashlib.sha1(f"{conversation.id}:{message.id}".encode()).hexdigest()[:32],
        "source_number": serializers.formatted_phone(customer if incoming else business),
        "destination_number": serializers.formatted_phone(business if incoming else customer),
        "content": message.content,
        "message_type": message.type,
        "media_urls": list(message.media_urls),
        "timestamp": serializers.iso(message.created_at, ZoneInfo(company.time_zone)),
        "lead_status": "previously_marked_good_lead" if good else None,
        "conversation_id": conversation.id,
        "thread_resource_id": serializers.thread_id(conversation),
        "company_resource_id": company.id,
        "person_resource_id": person_of(company.id, customer),
    }
    if not incoming:
        user = account.users.get(message.user_id) if message.user_id else None
        record["agent"] = user.name if user else ""
    return record


def person_of(company_id: str, phone: str) -> str:
    """The lead (``PER…``) a texter is, stable for a company and number."""
    return "PER" + hashlib.sha1(f"{company_id}:{phone}".encode()).hexdigest()[:32]


def form_payload(account: Account, form: FormSubmission, at: datetime) -> dict[str, Any]:
    company = account.companies[form.company_id]
    record = serializers.form_submission_json(account, form, set())
    paid = form.medium == "PPC"
    record.update(
        id=form.legacy_id,
        resource_id=form.id,
        company_resource_id=company.id,
        person_resource_id=form.person_id,
        utm_source=form.source.split()[0].lower() if paid else None,
        utm_medium="cpc" if paid else None,
        utm_campaign=form.campaign,
        timestamp=serializers.iso(at, ZoneInfo(company.time_zone)),
    )
    return _blank_nulls(record)


def _blank_nulls(record: dict[str, Any]) -> dict[str, Any]:
    return {key: "" if value is None else value for key, value in record.items()}
