"""A delivery as the records the poller brings: a ``Call`` keyed by its ``resource_id`` (``CAL…``), a
``Conversation`` with the one message, or a ``FormSubmission``, plus when CallRail saw it (the payload's
``timestamp``).

Webhook bodies differ from the REST API (reference §6): legacy numeric ``id``s next to ``resource_id``s,
``*_resource_id`` names, ``""`` for null, legacy extras, placeholders before a call is connected, dashed
phone numbers in texts. Only fields the models know are taken, so the extras never reach the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.callrail.coerce import parse_datetime, to_str
from tui.callrail.models import Call, Conversation, FormSubmission, TextMessage
from tui.live.webhooks import events as ev

_CALL_FIELDS = frozenset(Call.model_fields) - {"id", "company_id", "tracker_id", "person_id"}
_FORM_FIELDS = frozenset(FormSubmission.model_fields) - {"id", "company_id", "person_id"}
# Before a call is connected CallRail sends placeholders that would make it look missed (reference §6.2).
_PLACEHOLDERS = (
    "answered",
    "duration",
    "formatted_duration",
    "voicemail",
    "call_type",
    "formatted_call_type",
)
_LIVE = {"call_type": "in_progress", "formatted_call_type": "In Progress"}


@dataclass(frozen=True)
class Records:
    calls: list[Call] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    forms: list[FormSubmission] = field(default_factory=list)
    observed_at: datetime | None = None


def translate(event: str, body: bytes, company_id: str) -> Records | None:
    """The records a verified delivery carries; None if it carries none we can key (or none we show)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    event = event or infer_event(payload)
    observed_at = parse_datetime(payload.get("timestamp"))
    if event in ev.CALL_EVENTS:
        call = _call(event, payload, company_id)
        return Records(calls=[call], observed_at=observed_at) if call else None
    if event in ev.TEXT_EVENTS:
        conversation = _conversation(event, payload, company_id, observed_at)
        return Records(conversations=[conversation], observed_at=observed_at) if conversation else None
    if event == ev.FORM:
        form = _form(payload, company_id)
        return Records(forms=[form], observed_at=observed_at) if form else None
    return None


def infer_event(payload: dict[str, Any]) -> str:
    """For a URL that does not name its event. A Pre-Call cannot be told from a short missed call by its
    body, so it is read as a Post-Call: the call shows missed until it is routed or polled."""
    if "form_data" in payload:
        return ev.FORM
    if "message_type" in payload or "source_number" in payload:
        return ev.TEXT_SENT if "agent" in payload else ev.TEXT_RECEIVED
    outbound = payload.get("direction") == "outbound"
    if payload.get("changes"):
        return ev.OUTBOUND_CALL_MODIFIED if outbound else ev.CALL_MODIFIED
    if payload.get("call_type") == "in_progress":
        return ev.CALL_ROUTED
    return ev.OUTBOUND_POST_CALL if outbound else ev.POST_CALL


def _id(payload: dict[str, Any]) -> str | None:
    """``resource_id`` when there is one; the legacy numeric ``id`` otherwise (reference §6.1)."""
    for name in ("resource_id", "id"):
        value = payload.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def _blank(value: Any) -> Any:
    return None if value == "" else value


def _call(event: str, payload: dict[str, Any], company_id: str) -> Call | None:
    call_id = _id(payload)
    if call_id is None:
        return None
    record = {name: _blank(value) for name, value in payload.items() if name in _CALL_FIELDS}
    record["id"] = call_id
    record["company_id"] = company_id
    for source, target in (("tracker_resource_id", "tracker_id"), ("person_resource_id", "person_id")):
        value = to_str(_blank(payload.get(source)))
        if value:
            record[target] = value
    if event in (ev.PRE_CALL, ev.CALL_ROUTED):
        for name in _PLACEHOLDERS:
            record.pop(name, None)
        record.update(_LIVE)
        if event == ev.CALL_ROUTED and payload.get("answered") is not None:
            record["answered"] = payload["answered"]
    try:
        return Call.model_validate(record)
    except ValueError:
        return None


def _form(payload: dict[str, Any], company_id: str) -> FormSubmission | None:
    """The submission as the form submissions list shows it: keyed by ``resource_id`` (``FRM…``)."""
    form_id = _id(payload)
    if form_id is None or not isinstance(payload.get("form_data"), dict):
        return None
    record = {name: _blank(value) for name, value in payload.items() if name in _FORM_FIELDS}
    record["id"] = form_id
    record["company_id"] = company_id
    person = to_str(_blank(payload.get("person_resource_id")))
    if person:
        record["person_id"] = person
    try:
        return FormSubmission.model_validate(record)
    except ValueError:
        return None


def e164(number: Any) -> str | None:
    """A US number as the REST API writes it (``+15125550164``); the text webhook's format is unverified
    (the docs show ``512-555-0164``, reference §10). Anything else is kept as sent."""
    text = to_str(number)
    if not text or not text.strip():
        return None
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and digits:
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return text


def _conversation(
    event: str, payload: dict[str, Any], company_id: str, at: datetime | None
) -> Conversation | None:
    conversation_id = to_str(_blank(payload.get("conversation_id")))
    if not conversation_id or not conversation_id.strip():
        return None
    incoming = event == ev.TEXT_RECEIVED
    source, destination = e164(payload.get("source_number")), e164(payload.get("destination_number"))
    customer, business = (source, destination) if incoming else (destination, source)
    agent = to_str(_blank(payload.get("agent")))
    message: dict[str, Any] = {
        "direction": "incoming" if incoming else "outgoing",
        "content": _blank(payload.get("content")),
        "created_at": at,
        "type": _blank(payload.get("message_type")),
        "media_urls": payload.get("media_urls"),
    }
    if agent:
        message["user"] = {"name": agent}
    record: dict[str, Any] = {
        "id": conversation_id.strip(),
        "company_id": company_id,
        "customer_phone_number": customer,
        "current_tracking_number": business,
        "recent_messages": [TextMessage.model_validate(message)],
    }
    if at is not None:
        record["last_message_at"] = at
    try:
        return Conversation.model_validate(record)
    except ValueError:
        return None
