"""What the live layer tells its listener (the UI posts each one to its widgets as a Message)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.callrail.budget import BudgetSnapshot
    from tui.callrail.models import Call, Conversation, FormSubmission, TextMessage


class PollState(StrEnum):
    STARTING = "starting"
    OK = "ok"
    PAUSED = "paused"
    OFFLINE = "offline"
    RATE_LIMITED = "rate_limited"
    AUTH_FAILED = "auth_failed"


@dataclass(frozen=True)
class CatchUp:
    """A read of the calls list that takes several pages (a first start, after an outage): ``pages``
    read so far, the oldest call they reached, back to ``since``."""

    pages: int
    reached: datetime
    since: datetime


@dataclass(frozen=True)
class AccountBudget:
    """One of several accounts in the meter: its name and its own budget."""

    name: str
    budget: BudgetSnapshot | None


@dataclass(frozen=True)
class PollStatus:
    state: PollState
    last_success: datetime | None = None
    next_poll_at: datetime | None = None
    message: str = ""
    budget: BudgetSnapshot | None = None
    catch_up: CatchUp | None = None
    account_id: str = ""  # whose poller says so
    accounts: tuple[AccountBudget, ...] = ()  # each account's budget, when the session watches several


class Channel(StrEnum):
    PUSH = "push"
    POLL = "poll"


@dataclass(frozen=True)
class ChannelStatus:
    """How live data reaches the app now, and why (shown in the status bar)."""

    channel: Channel
    reason: str = ""


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
    removed: list[str] = field(default_factory=list)  # forgotten: no message within the lookback


@dataclass(frozen=True)
class InboundCall:
    """A call the app saw for the first time while running (toast + bell)."""

    call: Call


@dataclass(frozen=True)
class InboundText:
    conversation: Conversation
    message: TextMessage


@dataclass(frozen=True)
class FormsChanged:
    """Form submissions new to the app, and known ones a later read added to (a tag, a note)."""

    new: list[FormSubmission] = field(default_factory=list)
    changed: list[FormSubmission] = field(default_factory=list)


@dataclass(frozen=True)
class InboundForm:
    """A form submitted while the app runs (toast + bell, as a call)."""

    form: FormSubmission


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CHECKING = "checking"  # unknown, and being looked for on CallRail right now: the user waits for it
    HELD = "held"  # through a team hub: a colleague texted this caller minutes ago; send anyway, or drop it


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
    sent_by: str = ""  # through a team hub: the viewer who sent it (empty: this app's user)


@dataclass(frozen=True)
class OutboxChanged:
    item: OutboxItem


@dataclass(frozen=True)
class OutboxHealth:
    """Whether the outbox is sending. ``problem``: why texts are not going out (empty when they are);
    ``setback``: a one-off trouble the outbox got past (shown once, sending goes on)."""

    problem: str = ""
    setback: str = ""


@dataclass(frozen=True)
class Viewing:
    """A colleague on the same team hub: what they have open (``call:<id>``, ``thread:<number>``)."""

    name: str
    open: str | None = None
    composing: bool = False


@dataclass(frozen=True)
class TeamPresence:
    """Through a team hub: who else is watching, and what each has open."""

    colleagues: tuple[Viewing, ...] = ()


@dataclass(frozen=True)
class HandledChanged:
    """Inbox items marked handled (``handled``) or brought back, not by this user here: by a colleague
    through the team hub (``by``), or this user's own mark undone because the hub refused it
    (``problem`` says why)."""

    keys: tuple[str, ...]
    handled: bool
    by: str = ""
    problem: str = ""


LiveEvent = (
    PollStatus
    | CallsChanged
    | ConversationsChanged
    | InboundCall
    | InboundText
    | FormsChanged
    | InboundForm
    | OutboxChanged
    | OutboxHealth
    | ChannelStatus
    | TeamPresence
    | HandledChanged
)
