"""CallRail v3 JSON for the simulator's records (field names and types as in the API reference)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tui.sim import scripts
from tui.sim.state import (
    Account,
    Call,
    Company,
    Conversation,
    FormSubmission,
    Message,
    Outcome,
    Phase,
    Tag,
    Tracker,
    User,
)

APP_URL = "https://app.callrail.com"

DEFAULT_CALL_FIELDS = (
    "id",
    "answered",
    "business_phone_number",
    "customer_city",
    "customer_country",
    "customer_name",
    "customer_phone_number",
    "customer_state",
    "direction",
    "duration",
    "recording",
    "recording_duration",
    "recording_player",
    "start_time",
    "tracking_phone_number",
    "voicemail",
    "agent_email",
)

# The docs' own spelling of the abandoned call type; the real API's spelling is unverified.
ABANDONED_CALL_TYPE = "abandonded"
FORMATTED_CALL_TYPES = {
    "in_progress": "In Progress",
    "answered": "Answered Call",
    "missed": "Missed Call",
    "voicemail": "Voicemail",
    "voicemail_transcription": "Voicemail Transcription",
    ABANDONED_CALL_TYPE: "Abandoned Call",
    "outbound": "Outbound Call",
}
REFERRER_DOMAINS = {
    "Google Ads": "google.com",
    "Google Organic": "google.com",
    "Google My Business": "google.com",
    "Facebook": "facebook.com",
    "Bing Ads": "bing.com",
    "Yelp": "yelp.com",
}


def iso(when: datetime, zone: tzinfo = UTC) -> str:
    """ISO 8601 with milliseconds: ``Z`` in UTC, otherwise the zone's offset (``-05:00``)."""
    local = when.astimezone(zone)
    text = local.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if zone is UTC else text


def formatted_phone(number: str | None) -> str | None:
    if not number:
        return None
    digits = number[-10:]
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _pick(record: dict[str, Any], default: tuple[str, ...], fields: set[str]) -> dict[str, Any]:
    return {name: record[name] for name in (*default, *sorted(fields)) if name in record}


def account_json(account: Account, fields: set[str]) -> dict[str, Any]:
    record = {
        "id": account.id,
        "name": account.name,
        "outbound_recording_enabled": True,
        "hipaa_account": False,
        "numeric_id": account.numeric_id,
    }
    return _pick(record, ("id", "name", "outbound_recording_enabled", "hipaa_account"), fields)


def company_json(account: Account, company: Company, fields: set[str]) -> dict[str, Any]:
    script_key = hashlib.sha1(company.id.encode()).hexdigest()[:20]
    record = {
        "id": company.id,
        "name": company.name,
        "status": company.status,
        "time_zone": company.time_zone,
        "created_at": iso(company.created_at),
        "disabled_at": None,
        "dni_active": True,
        "script_url": f"//cdn.callrail.com/companies/{account.numeric_id}/{script_key}/12/swap.js",
        "callscore_enabled": False,
        "lead_scoring_enabled": True,
        "callscribe_enabled": True,
        "swap_exclude_jquery": None,
        "swap_ppc_override": None,
        "swap_landing_override": None,
        "swap_cookie_duration": 6,
        "swap_cookie_duration_unit": "months",
        "keyword_spotting_enabled": True,
        "form_capture": False,
        "verified_caller_ids": [],
    }
    default = tuple(name for name in record if name != "verified_caller_ids")
    return _pick(record, default, fields)


def tracker_json(account: Account, tracker: Tracker) -> dict[str, Any]:
    company = account.companies[tracker.company_id]
    return {
        "id": tracker.id,
        "name": tracker.name,
        "type": "source",
        "status": tracker.status,
        "destination_number": tracker.destination_number,
        "tracking_numbers": [tracker.tracking_number],
        "whisper_message": "Call from [source]",
        "sms_supported": True,
        "sms_enabled": tracker.sms_enabled,
        "company": {"id": company.id, "name": company.name},
        "call_flow": {
            "type": "basic",
            "recording_enabled": True,
            "destination_number": tracker.destination_number,
            "greeting_text": None,
        },
        "source": tracker.source_rule,
        "created_at": iso(tracker.created_at),
        "disabled_at": None,
    }


def user_json(account: Account, user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name": user.name,
        "role": user.role,
        "created_at": iso(user.created_at),
        "accepted": True,
        "companies": [{"id": c, "name": account.companies[c].name} for c in user.company_ids],
    }


def tag_json(account: Account, tag: Tag) -> dict[str, Any]:
    zone = ZoneInfo(account.companies[tag.company_id].time_zone)
    return {
        "id": tag.id,
        "name": tag.name,
        "tag_level": tag.tag_level,
        "color": tag.color,
        "background_color": tag.color,
        "company_id": tag.company_id,
        "status": tag.status,
        "created_at": iso(tag.created_at, zone),
    }


def call_type(call: Call) -> str:
    if call.phase is Phase.RINGING:
        return "in_progress"
    if call.direction == "outbound":
        return "outbound"
    if call.outcome is Outcome.VOICEMAIL:
        return "voicemail_transcription" if call.phase is Phase.ENRICHED else "voicemail"
    if call.outcome is Outcome.ABANDONED:
        return ABANDONED_CALL_TYPE
    return call.outcome.value


def _formatted_duration(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}m {rest}s" if minutes else f"{rest}s"


def call_json(account: Account, call: Call, zone: tzinfo, fields: set[str], api_base: str) -> dict[str, Any]:
    tracker = account.trackers[call.tracker_id]
    ended = call.phase is not Phase.RINGING
    answered = ended and call.outcome is Outcome.ANSWERED
    enrichment = call.enrichment
    recorded = enrichment is not None and enrichment.recording_duration
    # The agent of an outbound call is known from the start; on an inbound call, once someone answered.
    agent_known = answered or call.direction == "outbound"
    agent = account.users.get(call.agent_id) if agent_known and call.agent_id else None
    name = (call.customer_name if call.customer_name is not None else call.customer.cnam) or None
    duration = call.duration if ended else None
    access_key = hashlib.sha1(call.id.encode()).hexdigest()[:16]
    record: dict[str, Any] = {
        "id": call.id,
        "answered": answered if ended else None,
        "business_phone_number": call.business_phone_number if answered else None,
        "customer_city": call.customer.city,
        "customer_country": "US",
        "customer_name": name,
        "customer_phone_number": call.customer.phone,
        "customer_state": call.customer.state,
        "direction": call.direction,
        "duration": duration,
        "recording": f"{api_base}/a/{account.id}/calls/{call.id}/recording.json" if recorded else None,
        "recording_duration": str(enrichment.recording_duration) if recorded else None,
        "recording_player": f"{APP_URL}/calls/{call.id}/recording?access_key={access_key}"
        if recorded
        else None,
        "start_time": iso(call.started_at, zone),
        "tracking_phone_number": tracker.tracking_number,
        "voicemail": ended and call.direction == "inbound" and call.outcome is Outcome.VOICEMAIL,
        "agent_email": agent.email if agent else None,
    }
    if fields:
        record.update(_call_extras(account, call, record, zone))
    return _pick(record, DEFAULT_CALL_FIELDS, fields)


def _call_extras(account: Account, call: Call, record: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """The fields a request can add with ``fields=``, given the default ones already in ``record``."""
    tracker = account.trackers[call.tracker_id]
    company = account.companies[call.company_id]
    enrichment = call.enrichment
    tags = [account.tags[tag_id] for tag_id in call.tag_ids if tag_id in account.tags]
    kind = call_type(call)
    paid = tracker.medium == "PPC"
    name = record["customer_name"]
    formatted_name = name.title() if name and call.customer.first_name else None
    formatted_number = formatted_phone(call.customer.phone)
    transcript = enrichment.transcript if enrichment else None
    voicemail = call.outcome is Outcome.VOICEMAIL
    return {
        "call_type": kind,
        "formatted_call_type": FORMATTED_CALL_TYPES[kind],
        "call_highlights": list(enrichment.highlights) if enrichment else [],
        "call_summary": enrichment.summary if enrichment else None,
        "campaign": tracker.campaign,
        "company_id": company.id,
        "company_name": company.name,
        "company_time_zone": company.time_zone,
        "created_at": iso(call.started_at, zone),
        "device_type": None,
        "first_call": call.first_call,
        "prior_calls": call.prior_calls,
        "total_calls": call.prior_calls + 1,
        "formatted_customer_location": f"{call.customer.city}, {call.customer.state}",
        "formatted_business_phone_number": formatted_phone(record["business_phone_number"]),
        "formatted_customer_name": formatted_name,
        "formatted_customer_name_or_phone_number": formatted_name or formatted_number,
        "formatted_customer_phone_number": formatted_number,
        "formatted_duration": _formatted_duration(record["duration"]),
        "formatted_tracking_phone_number": formatted_phone(tracker.tracking_number),
        "formatted_tracking_source": tracker.source,
        "formatted_value": f"${call.value}" if call.value else "--",
        "gclid": call.gclid,
        "keywords": scripts.REASONS[company.industry][0].keyword if paid else None,
        "keywords_spotted": [
            {
                "keyword": keyword,
                "locations": [
                    {"speaker": line.speaker, "start": line.start}
                    for line in transcript
                    if keyword in line.phrase.lower()
                ],
            }
            for keyword in enrichment.keywords
        ]
        if enrichment
        else [],
        "landing_page_url": None if tracker.source == "Direct" else f"{company.website}/",
        "lead_score": enrichment.lead_score if enrichment else None,
        "lead_status": call.lead_status,
        "medium": tracker.medium,
        "note": call.note,
        "person_id": call.person_id,
        "referrer_domain": REFERRER_DOMAINS.get(tracker.source),
        "sentiment": enrichment.sentiment if enrichment else None,
        "source": tracker.source,
        "source_name": tracker.name,
        "speaker_percent": enrichment.speaker_percent if enrichment else None,
        "tags": [{"id": tag.id, "name": tag.name, "color": tag.color} for tag in tags],
        "timeline_url": f"{APP_URL}/a/{account.id}/people/{call.person_id}/timeline",
        "tracker_id": tracker.id,
        "transcription": scripts.transcription_text(transcript, voicemail) if transcript else None,
        "conversational_transcript": [
            {"speaker": line.speaker, "phrase": line.phrase, "start": line.start} for line in transcript
        ]
        if transcript
        else None,
        "utm_source": "google" if tracker.source == "Google Ads" else None,
        "utm_medium": "cpc" if tracker.source == "Google Ads" else None,
        "utm_campaign": tracker.campaign,
        "value": call.value,
        "integration_data": [],
    }


def recent_message_json(message: Message) -> dict[str, Any]:
    return {
        "direction": message.direction,
        "content": message.content,
        "created_at": iso(message.created_at),
        "type": message.type,
        "media_urls": list(message.media_urls),
    }


def message_json(account: Account, message: Message) -> dict[str, Any]:
    user = account.users.get(message.user_id) if message.user_id else None
    return {
        "id": message.id,
        "content": message.content,
        "created_at": iso(message.created_at),
        "status": message.status,
        "direction": message.direction,
        "type": message.type,
        "media_urls": list(message.media_urls),
        "user": {"id": user.id, "name": user.name} if user else None,
    }


def sent_conversation_json(account: Account, conversation: Conversation) -> dict[str, Any]:
    """The send response: a conversation whose recent messages also carry their SMS thread (seen live)."""
    record = conversation_json(account, conversation, set())
    thread = {
        "id": thread_id(conversation),
        "notes": None,
        "tags": [],
        "value": None,
        "lead_qualification": None,
    }
    for message in record["recent_messages"]:
        message["sms_thread"] = thread
    return record


def conversation_json(
    account: Account, conversation: Conversation, fields: set[str], recent: bool = True
) -> dict[str, Any]:
    company = account.companies[conversation.company_id]
    initial = account.trackers[conversation.initial_tracker_id]
    current = account.trackers[conversation.current_tracker_id]
    customer = conversation.customer
    name = customer.cnam or ""
    last = conversation.last_message_at
    record: dict[str, Any] = {
        "id": conversation.id,
        "company_id": company.id,
        "initial_tracker_id": initial.id,
        "current_tracker_id": current.id,
        "customer_name": name,
        "customer_phone_number": customer.phone,
        "initial_tracking_number": initial.tracking_number,
        "current_tracking_number": current.tracking_number,
        "last_message_at": iso(last) if last else None,
        "state": conversation.state,
        "company_time_zone": company.time_zone,
        "formatted_customer_phone_number": formatted_phone(customer.phone),
        "formatted_initial_tracking_number": formatted_phone(initial.tracking_number),
        "formatted_current_tracking_number": formatted_phone(current.tracking_number),
        "formatted_customer_name": name.title() if customer.first_name else formatted_phone(customer.phone),
        "tracker_name": current.name,
        "company_name": company.name,
    }
    if recent:
        record["recent_messages"] = [recent_message_json(m) for m in conversation.newest_first()[:2]]
    lead = "previously_marked_good_lead" if (company.id, customer.phone) in account.good_leads else None
    extras = {"lead_status": lead, "source": initial.source}
    record.update({key: value for key, value in extras.items() if key in fields})
    return record


def thread_id(conversation: Conversation) -> str:
    """The conversation's SMS thread (``SMT…``), as send responses and text webhooks name it."""
    return "SMT" + hashlib.sha1(conversation.id.encode()).hexdigest()[:32]


def form_submission_json(account: Account, form: FormSubmission, fields: set[str]) -> dict[str, Any]:
    company = account.companies[form.company_id]
    customer = form.customer
    record: dict[str, Any] = {
        "id": form.id,
        "company_id": company.id,
        "person_id": form.person_id,
        "form_data": dict(form.form_data),
        "form_url": form.form_url,
        "landing_page_url": form.landing_page_url,
        "referrer": form.referrer,
        "referring_url": None if form.referrer == "direct" else f"https://www.{form.referrer}.com/",
        "submitted_at": iso(form.submitted_at, ZoneInfo(company.time_zone)),
        "first_form": form.first_form,
        "source": form.source,
        "keywords": form.keywords,
        "campaign": form.campaign,
        "medium": form.medium,
        "customer_name": form.form_data["name"],
        "customer_email": form.email,
        "customer_phone_number": customer.phone,
        "formatted_customer_name": form.form_data["name"],
        "formatted_customer_phone_number": formatted_phone(customer.phone),
        "timeline_url": f"{APP_URL}/a/{account.id}/people/{form.person_id}/timeline",
        "milestones": {"first_touch": {"event_date": iso(form.submitted_at), "source": form.source}},
    }
    return _pick(record, tuple(name for name in record if name not in ("timeline_url", "milestones")), fields)
