"""Which webhooks each scenario event fires, when they are due, and what they carry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tui.sim.events import ScenarioEvent
from tui.sim.state import Call, Conversation, FormSubmission
from tui.sim.webhooks.integrations import active_webhooks, receivers
from tui.sim.webhooks.payloads import call_payload, form_payload, text_payload
from tui.sim.webhooks.sender import WebhookSender

# Post-Call waits for the recording, transcript and summary, but fires at most this long after hang-up.
POST_CALL_DEADLINE = timedelta(minutes=20)


@dataclass(frozen=True)
class Webhook:
    event: str  # the integration config key
    due: datetime
    payload: dict[str, Any]
    resource_id: str


def post_webhooks(event: ScenarioEvent, sender: WebhookSender) -> None:
    """Queue the event's webhooks for every URL its company's active Webhooks integration lists."""
    account, company_id = event.account, event.subject.company_id
    if not active_webhooks(account, company_id):
        return
    for webhook in webhooks_for(event):
        targets = receivers(account, company_id, webhook.event)
        if not targets:
            continue
        body = json.dumps(webhook.payload, separators=(",", ":")).encode()
        key = account.signing_keys[company_id]
        for integration, url in targets:
            sender.enqueue(integration, webhook.event, url, body, key, webhook.resource_id, webhook.due)


def webhooks_for(event: ScenarioEvent) -> list[Webhook]:
    subject, at = event.subject, event.at
    if isinstance(subject, Call):
        return _call_webhooks(event, subject)
    if isinstance(subject, Conversation) and event.message is not None:
        key = "sms_received_webhook" if event.kind == "text_in" else "sms_sent_webhook"
        payload = text_payload(event.account, subject, event.message)
        return [Webhook(key, at, payload, payload["resource_id"])]
    if isinstance(subject, FormSubmission):
        return [Webhook("form_captured_webhook", at, form_payload(event.account, subject, at), subject.id)]
    return []


def _call_webhooks(event: ScenarioEvent, call: Call) -> list[Webhook]:
    account, at, kind = event.account, event.at, event.kind
    inbound = call.direction == "inbound"
    modified = "updated_call_webhook" if inbound else "updated_outbound_call_webhook"

    def webhook(key: str, stage: str = "final", due: datetime = at, changes: tuple[str, ...] = ()) -> Webhook:
        return Webhook(key, due, call_payload(account, call, due, stage, changes), call.id)

    if kind == "call_started" and inbound:
        return [webhook("pre_call_webhook", "pre_call")]
    if kind == "call_routed":
        return [webhook("answered_call_webhook", "routed")]
    if kind == "call_ended":
        if not inbound:
            return [webhook("post_outbound_call_webhook")]
        if call.enriched_at is None:
            return [webhook("post_call_webhook")]
        if _post_call_data_late(call):
            return [webhook("post_call_webhook", due=call.ended_at + POST_CALL_DEADLINE)]
        return []
    if kind == "call_enriched":
        if inbound and not _post_call_data_late(call):
            return [webhook("post_call_webhook")]
        return [webhook(modified, changes=_enrichment_changes(call))]
    if kind == "call_modified":
        return [webhook(modified, changes=event.changes)]
    return []


def _post_call_data_late(call: Call) -> bool:
    return call.enriched_at is not None and call.enriched_at - call.ended_at > POST_CALL_DEADLINE


def _enrichment_changes(call: Call) -> tuple[str, ...]:
    enrichment = call.enrichment
    if enrichment is None:
        return ()
    present = {
        "recording_duration": enrichment.recording_duration,
        "transcription_text": enrichment.transcript,
        "call_summary": enrichment.summary,
        "tags": enrichment.tag_names,
        "auto_score": enrichment.lead_score,
    }
    return tuple(name for name, value in present.items() if value)
