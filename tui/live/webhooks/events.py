"""The webhook events CallRail posts (reference §4.8, §6.2), by the integration config key."""

from __future__ import annotations

PRE_CALL = "pre_call_webhook"
CALL_ROUTED = "answered_call_webhook"
POST_CALL = "post_call_webhook"
CALL_MODIFIED = "updated_call_webhook"
TEXT_RECEIVED = "sms_received_webhook"
TEXT_SENT = "sms_sent_webhook"
FORM = "form_captured_webhook"
OUTBOUND_POST_CALL = "post_outbound_call_webhook"
OUTBOUND_CALL_MODIFIED = "updated_outbound_call_webhook"

CALL_EVENTS = frozenset(
    {PRE_CALL, CALL_ROUTED, POST_CALL, CALL_MODIFIED, OUTBOUND_POST_CALL, OUTBOUND_CALL_MODIFIED}
)
TEXT_EVENTS = frozenset({TEXT_RECEIVED, TEXT_SENT})
# The order the reference lists them in.
EVENTS = (
    PRE_CALL,
    CALL_ROUTED,
    POST_CALL,
    CALL_MODIFIED,
    TEXT_RECEIVED,
    TEXT_SENT,
    FORM,
    OUTBOUND_POST_CALL,
    OUTBOUND_CALL_MODIFIED,
)
# What the monitor subscribes to by default (``callrail-tui webhooks enable``).
MONITOR_EVENTS = (
    PRE_CALL,
    CALL_ROUTED,
    POST_CALL,
    CALL_MODIFIED,
    TEXT_RECEIVED,
    TEXT_SENT,
    FORM,
    OUTBOUND_POST_CALL,
    OUTBOUND_CALL_MODIFIED,
)
