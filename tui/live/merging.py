"""Merging what a source or one of the user's reads brought into the state and the store, keeping the
watchlist, and telling the listeners; what is new while the app runs is announced.

```python
merge = Merger(state, store, followups, clock, emit, held)
merge.calls(calls, merge.read_at(asked_at))   # CallsChanged, emitted too
merge.conversations(conversations)            # when the newest message of each that moved happened
merge.forms(forms)
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from tui.callrail.clock import Clock
from tui.callrail.models import Call, Conversation, FormSubmission
from tui.live.events import CallsChanged, InboundCall, InboundForm, InboundText, LiveEvent
from tui.live.first_rows import LOOKBACK
from tui.live.followups import Followups
from tui.live.held import HeldRecords
from tui.live.state import LiveState
from tui.live.store import Store
from tui.live.store_pruning import STORE_KEEPS

# A call or text first seen this soon after it happened is announced (toast + bell); older ones, found by
# a catch-up after a restart or an outage, are not; nor are those from before the app started (they were
# there when the user looked).
ANNOUNCE_WITHIN = timedelta(minutes=15)


def day_kept_from(now: datetime, newest: datetime | None) -> datetime | None:
    """Where the day the live state keeps begins: ``LOOKBACK`` back from its newest record, never past
    the clock (a clock set ahead does not empty the feed); ``None`` while it holds nothing."""
    return None if newest is None else min(now, newest) - LOOKBACK


class Merger:
    def __init__(
        self,
        state: LiveState,
        store: Store,
        followups: Followups,
        clock: Clock,
        emit: Callable[[LiveEvent], None],
        held: HeldRecords,
    ) -> None:
        self._state = state
        self._held = held
        self._store = store
        self._followups = followups
        self._clock = clock
        self._emit = emit
        self._started_at = clock.now()
        self._last_read: datetime | None = None

    def read_at(self, asked_at: datetime) -> datetime:
        """When one of our own reads observed what it brings: when it was asked, and after every read
        merged before it even if the clock has not moved (a frozen or coarse clock)."""
        last = self._last_read
        if last is not None and asked_at <= last:
            asked_at = last + timedelta(microseconds=1)
        self._last_read = asked_at
        return asked_at

    def calls(self, calls: list[Call], observed_at: datetime | None = None) -> CallsChanged:
        changes = self._state.merge_calls(calls, observed_at)
        if not (changes.new or changes.changed):
            return changes
        now = self._clock.now()
        self._store.upsert_calls([*changes.new, *changes.changed], seen_at=now)
        self._followups.track([*changes.new, *changes.changed], now)
        removed = self._forget_old_calls(now, keep={call.id for call in calls})
        if removed:
            changes = replace(changes, removed=removed)
        self._emit(changes)
        for call in changes.new:
            if call.direction != "outbound" and self._announced(call.start_time, now):
                self._emit(InboundCall(call))
        return changes

    def _forget_old_calls(self, now: datetime, *, keep: set[str]) -> list[str]:
        """Drop from memory the calls older than the lookback (the store keeps them; those still needing
        a callback are held for the inbox), so a second day does not double what the app holds. "Older"
        is measured back from the newest call, never past the clock: a clock that jumps ahead (a wrong
        wall clock) does not empty the feed."""
        window = day_kept_from(now, self._state.newest_start)
        if window is None:
            return []
        removed = self._state.forget_calls_before(window, keep=keep, held_since=now - STORE_KEEPS)
        for call_id in removed:
            self._followups.forget(call_id)
        if removed:
            self._held.save(window)
        return removed

    def conversations(
        self, conversations: list[Conversation], observed_at: datetime | None = None
    ) -> list[datetime | None]:
        """Merge; when the newest message happened in each conversation that has one it had not."""
        before = {
            c.id: self._state.conversations[c.id].last_message_at
            for c in conversations
            if c.id in self._state.conversations
        }
        changes = self._state.merge_conversations(conversations, observed_at)
        if not (changes.new or changes.changed):
            return []
        now = self._clock.now()
        self._store.upsert_conversations([*changes.new, *changes.changed])
        removed = self._forget_old_conversations(now, keep={c.id for c in conversations})
        if removed:
            changes = replace(changes, removed=removed)
        self._emit(changes)
        moved: list[datetime | None] = []
        for conversation in (*changes.new, *changes.changed):
            previous = before.get(conversation.id)
            latest = conversation.last_message_at
            if latest is not None and (previous is None or latest > previous):
                moved.append(latest)
            newest = conversation.newest_messages[0] if conversation.newest_messages else None
            if newest is None or not newest.incoming or newest.created_at is None:
                continue
            fresh = self._announced(newest.created_at, now)
            if fresh and (previous is None or newest.created_at > previous):
                self._emit(InboundText(conversation, newest))
        return moved

    def forms(self, forms: list[FormSubmission]) -> None:
        changes = self._state.forms.merge(forms)
        if not (changes.new or changes.changed):
            return
        now = self._clock.now()
        self._store.upsert_forms([*changes.new, *changes.changed])
        self._emit(changes)
        for form in changes.new:
            if self._announced(form.submitted_at, now):
                self._emit(InboundForm(form))

    def _announced(self, happened: datetime | None, now: datetime) -> bool:
        return happened is not None and happened >= self._started_at and now - happened < ANNOUNCE_WITHIN

    def _forget_old_conversations(self, now: datetime, *, keep: set[str]) -> list[str]:
        """Drop from memory the conversations with no message within the lookback (the store keeps them),
        measured back from the newest message as calls are from the newest call."""
        window = day_kept_from(now, self._state.newest_message_at)
        if window is None:
            return []
        removed = self._state.forget_conversations_before(window, keep=keep, held_since=now - STORE_KEEPS)
        if removed:
            self._held.save(window)
        return removed
