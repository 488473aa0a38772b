"""What the live layer tells its listener (the UI posts each one to its widgets as a Message)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tui.callrail.models import Call, Conversation, TextMessage


class PollState(StrEnum):
    STARTING = "starting"
    OK = "ok"
    PAUSED = "paused"
    OFFLINE = "offline"
    RATE_LIMITED = "rate_limited"
    AUTH_FAILED = "auth_failed"


@dataclass(frozen=True)
class BudgetView:
    """The rate budget as the meter shows it (limits are after the configured share)."""

    used_hour: int
    limit_hour: int
    used_day: int
    limit_day: int
    sms_used_hour: int
    sms_limit_hour: int
    sms_used_day: int
    sms_limit_day: int
    backoff_until: datetime | None = None


@dataclass(frozen=True)
class PollStatus:
    state: PollState
    last_success: datetime | None = None
    next_poll_at: datetime | None = None
    message: str = ""
    budget: BudgetView | None = None


@dataclass(frozen=True)
class CallsChanged:
    """Calls that are new to the app, and known calls whose content changed (ended, enriched, edited);
    ``removed``: ids of calls the app no longer holds (older than the lookback)."""

    new: list[Call] = field(default_factory=list)
    changed: list[Call] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ConversationsChanged:
    new: list[Conversation] = field(default_factory=list)
    changed: list[Conversation] = field(default_factory=list)


@dataclass(frozen=True)
class InboundCall:
    """A call the app saw for the first time while running (toast + bell)."""

    call: Call


@dataclass(frozen=True)
class InboundText:
    conversation: Conversation
    message: TextMessage


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    company_id: str
    customer_phone_number: str
    tracking_number: str | None
    content: str
    state: OutboxState
    created_at: datetime
    updated_at: datetime
    conversation_id: str | None = None
    error: str = ""


@dataclass(frozen=True)
class OutboxChanged:
    item: OutboxItem


LiveEvent = PollStatus | CallsChanged | ConversationsChanged | InboundCall | InboundText | OutboxChanged
