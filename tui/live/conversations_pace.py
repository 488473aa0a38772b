"""When the poller reads the conversations list next, and what tells it texts are moving.

The list is read every ``EVERY`` while calls come in, every ``EVERY_ACTIVE`` for a while after a text was
sent or showed up (replies often follow: ``TEXTING_ACTIVE_FOR``, ``TEXT_SEEN_ACTIVE_FOR``), every
``EVERY_QUIET`` once nothing has happened on the calls side for ``QUIET_AFTER_S``; no sooner than the
reconcile pace while webhooks carry the texts; and stretched (``stretch``) when the budget asks for it or
the reads have lately gone over their share of the pace.

```python
pace = ConversationsPace()
pace.every(now, idle_s=0.0, reconcile_s=None, stretch=1.0)   # timedelta(seconds=60)
pace.texting_happened(now + TEXTING_ACTIVE_FOR)             # the user sent a text
pace.read(now, conversations)                               # what a read of the list brought
```
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.callrail.models import Conversation

EVERY = timedelta(seconds=60)
EVERY_ACTIVE = timedelta(seconds=20)
EVERY_QUIET = timedelta(seconds=120)
TEXTING_ACTIVE_FOR = timedelta(minutes=3)  # after the user sent a text
TEXT_SEEN_ACTIVE_FOR = timedelta(minutes=2)  # after a text showed up (replies often follow)
# Nothing new on the calls side for this long: conversations are read less often.
QUIET_AFTER_S = 10 * 60.0


class ConversationsPace:
    def __init__(self) -> None:
        self.read_at: datetime | None = None  # the last read of the list
        self._texting_until: datetime | None = None
        self._seen: dict[str, datetime | None] = {}  # id -> last message, as last read

    def texting_happened(self, until: datetime) -> None:
        """A text was sent or arrived: read the list more often until ``until``."""
        if self._texting_until is None or until > self._texting_until:
            self._texting_until = until

    def every(self, now: datetime, *, idle_s: float, reconcile_s: float | None, stretch: float) -> timedelta:
        """The gap to keep after the last read; ``idle_s``: seconds since anything happened on the calls
        side; ``reconcile_s``: the reconcile pace while pushed; ``stretch``: the budget's factor (>= 1)."""
        if self._texting_until is not None and now < self._texting_until:
            every = EVERY_ACTIVE
        elif idle_s >= QUIET_AFTER_S:
            every = EVERY_QUIET
        else:
            every = EVERY
        if reconcile_s is not None:
            every = max(every, timedelta(seconds=reconcile_s))
        return every * max(1.0, stretch)

    def due(self, now: datetime, every: timedelta) -> bool:
        return self.read_at is None or now - self.read_at >= every

    def read(self, at: datetime, conversations: list[Conversation], now: datetime) -> None:
        """A read of the list at ``at`` brought ``conversations``: a conversation not seen before or with a
        newer message makes texting active (not on the first read, which sees everything for the first
        time)."""
        first_read = self.read_at is None
        self.read_at = at
        moved = False
        for conversation in conversations:
            known = self._seen.get(conversation.id, False)
            if known is False or known != conversation.last_message_at:
                moved = True
            self._seen[conversation.id] = conversation.last_message_at
        if moved and not first_read:
            self.texting_happened(now + TEXT_SEEN_ACTIVE_FOR)
