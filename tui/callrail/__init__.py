"""The CallRail API layer: client, models, errors, rate budget. Never imports textual."""

from .client import DETAIL_CALL_FIELDS, LIST_CALL_FIELDS, TEXT_MAX_CHARS, CallRailClient
from .errors import (
    AuthError,
    BudgetExhausted,
    CallRailError,
    InvalidRequest,
    MalformedResponse,
    NetworkError,
    NotFound,
    OptedOut,
    PermissionDenied,
    RateLimited,
    SendOutcomeUnknown,
    ServerError,
    TextingNotEnabled,
)
from .models import Account, Call, CallStatus, Company, Conversation, Page, Tag, TextMessage, Tracker, User
from .params import UNSET

__all__ = [
    "DETAIL_CALL_FIELDS",
    "LIST_CALL_FIELDS",
    "TEXT_MAX_CHARS",
    "UNSET",
    "Account",
    "AuthError",
    "BudgetExhausted",
    "Call",
    "CallRailClient",
    "CallRailError",
    "CallStatus",
    "Company",
    "Conversation",
    "InvalidRequest",
    "MalformedResponse",
    "NetworkError",
    "NotFound",
    "OptedOut",
    "Page",
    "PermissionDenied",
    "RateLimited",
    "SendOutcomeUnknown",
    "ServerError",
    "Tag",
    "TextMessage",
    "TextingNotEnabled",
    "Tracker",
    "User",
]
