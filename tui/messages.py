"""Messages that carry data from the live session and between screens to the app."""

from __future__ import annotations

from textual.message import Message

from tui.live.events import LiveEvent, PollStatus


class LiveUpdate(Message):
    """One event from the live session, posted to the app (which publishes it on ``live_signal``)."""

    def __init__(self, event: LiveEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
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
