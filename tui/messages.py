"""Messages that carry data from the live session and between screens to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.callrail.models import Call
    from tui.live.events import LiveEvent


class LiveUpdate(Message):
    """One event from the live session, posted to the app (which publishes it on the context's ``live``)."""

    def __init__(self, event: LiveEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        from tui.live.events import PollStatus  # not before the first frame: sent only once a session runs

        # Only the latest poll status matters; a pending older one is dropped (toolong's coalescing).
        return (
            isinstance(message, LiveUpdate)
            and isinstance(self.event, PollStatus)
            and isinstance(message.event, PollStatus)
        )


class CompanyChosen(Message):
    """Show the feed for this company (``None``: all companies)."""

    def __init__(self, company_id: str | None) -> None:
        super().__init__()
        self.company_id = company_id


class OpenCall(Message):
    """Show this call's detail."""

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id


class ReplyTo(Message):
    """Open the text thread with this caller (a new one if they never texted)."""

    def __init__(self, call: Call) -> None:
        super().__init__()
        self.call = call
