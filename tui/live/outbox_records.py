"""Where the outbox keeps its texts: the store (``Store``) for one app, or a record shared by a hub's
replicas. Whatever keeps them may refuse a send's claim (``OutboxTaken``) when another process sends
the texts now; the outbox then stops."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from tui.live.events import OutboxItem, OutboxState


class OutboxTaken(Exception):
    """Another process sends the texts now: this one must not claim a text to send."""


class OutboxRecords(Protocol):
    def add_outbox_item(
        self,
        *,
        company_id: str,
        customer_phone_number: str,
        tracking_number: str | None,
        content: str,
        now: datetime,
        request: str | None = None,
    ) -> OutboxItem:
        """A queued text; given ``request``, the one queued for it before, if any (never two)."""

    def outbox_item_for_request(self, request: str) -> OutboxItem | None:
        """The text queued for ``request``, if one was."""

    def set_outbox_state(
        self,
        item_id: int,
        state: OutboxState,
        *,
        now: datetime,
        error: str = "",
        conversation_id: str | None = None,
    ) -> OutboxItem: ...

    def outbox_item(self, item_id: int) -> OutboxItem: ...

    def outbox_items(
        self, *, customer_phone_number: str | None = None, states: Iterable[OutboxState] | None = None
    ) -> list[OutboxItem]: ...
