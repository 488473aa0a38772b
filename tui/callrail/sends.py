"""Requests that act in the world: sending a text, placing an outbound call.

CallRail has no idempotency key, so such a POST is never retried, and when its answer is lost its outcome is
unknown (``SendOutcomeUnknown``), not failed: reporting a failure would invite a duplicate text or call.
"""

from __future__ import annotations

from dataclasses import dataclass

from .budget import Bucket
from .errors import OutboundCallsNotEnabled, PermissionDenied, TextingNotEnabled


@dataclass(frozen=True)
class Send:
    bucket: Bucket
    noun: str  # what went out: "text", "call"
    done: str  # "it may or may not have <done>"
    check: str  # what the user should look at before trying again
    forbidden: type[PermissionDenied]  # what a 403 means
    forbidden_message: str  # with ``{said}``: the server's explanation
    recipient_can_opt_out: bool = False


TEXT = Send(
    Bucket.SMS,
    "text",
    "gone out",
    "Check the conversation before sending again",
    TextingNotEnabled,
    "Texting is not enabled for this CallRail account (403){said} "
    "It needs CallRail's texting (10DLC) registration.",
    recipient_can_opt_out=True,
)
OUTBOUND_CALL = Send(
    Bucket.OUTBOUND,
    "call",
    "been placed",
    "Check the call log before calling again",
    OutboundCallsNotEnabled,
    "This CallRail account or API key may not place outbound calls (403){said}",
)
