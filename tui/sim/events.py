"""What happens in the simulated world, as the simulator records it and as its webhooks see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.sim.state import Account, Call, Conversation, FormSubmission, Message


@dataclass(frozen=True)
class SimEvent:
    # call_started, call_routed, call_ended, call_enriched, call_modified, text_in, text_out, form_submitted
    kind: str
    id: str  # the call id, the conversation id for texts, the form submission id
    at: datetime


@dataclass(frozen=True)
class ScenarioEvent:
    """An event with the records it is about, at the moment it happens."""

    kind: str
    account: Account
    subject: Call | Conversation | FormSubmission
    at: datetime
    changes: tuple[str, ...] = ()  # call_modified: what changed, in CallRail's ``changes`` names
    message: Message | None = None  # text_in, text_out: the message itself

    def recorded(self) -> SimEvent:
        return SimEvent(self.kind, self.subject.id, self.at)
