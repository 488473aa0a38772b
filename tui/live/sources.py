"""The contract between the session and whatever feeds it live data (the poller today; the webhook
receiver and the hub connection next).

A source fetches or receives, and hands what it got to the session as a ``Batch``; it knows nothing of
who uses it and never calls back. The session is the one place that merges batches into the state, keeps
the store, decides which calls still need watching (``Followups``) and tells the UI.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tui.callrail.models import Call, Conversation, FormSubmission
from tui.live.events import PollStatus


@dataclass
class Batch:
    """What a source brought in one go: calls, conversations and forms as the API shows them now, ids of
    calls the API no longer has (marked as spam, deleted), and the source's status when it changed.

    ``observed_at``: when the source saw the records (a webhook's timestamp); none means as merged. A
    field the state holds from a later observation is not rolled back by this batch."""

    calls: list[Call] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    gone_calls: list[str] = field(default_factory=list)
    forms: list[FormSubmission] = field(default_factory=list)
    status: PollStatus | None = None
    observed_at: datetime | None = None
    pushed: bool = False  # brought by a webhook delivery, not read by a poll
    push_problem: str | None = None  # a push source cannot take deliveries: why ("" when it can again)

    def __bool__(self) -> bool:
        return bool(self.calls or self.conversations or self.gone_calls or self.forms or self.status)


class Source(Protocol):
    def batches(self) -> AsyncIterator[Batch]:
        """Batches until cancelled. The source waits while the session merges one (the next batch is
        asked for only then), so what it decides next can rest on the session's merged view."""
        ...

    def refresh_now(self) -> None:
        """Fetch now (the user asked), even while paused."""
        ...

    def texting_happened(self) -> None:
        """The user just sent a text: replies often follow, so look at conversations sooner."""
        ...
