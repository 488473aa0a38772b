"""The CallRail API layer: client, models, errors, rate budget. Never imports textual.

The names below are loaded on first use (PEP 562), so that importing one module of the package (the
models, for the app's first frame) does not import the client and httpx with it.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "DETAIL_CALL_FIELDS": "client",
    "LIST_CALL_FIELDS": "client",
    "TEXT_MAX_CHARS": "client",
    "CallRailClient": "client",
    "UNSET": "params",
    **dict.fromkeys(
        (
            "AuthError",
            "BudgetExhausted",
            "CallRailError",
            "InvalidRequest",
            "MalformedResponse",
            "NetworkError",
            "NotFound",
            "OptedOut",
            "OutboundCallsNotEnabled",
            "PermissionDenied",
            "RateLimited",
            "SendOutcomeUnknown",
            "ServerError",
            "TextingNotEnabled",
        ),
        "errors",
    ),
    **dict.fromkeys(
        (
            "Account",
            "Call",
            "CallStatus",
            "Company",
            "Conversation",
            "FormSubmission",
            "Integration",
            "Page",
            "Tag",
            "TextMessage",
            "Tracker",
            "User",
        ),
        "models",
    ),
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
