"""Calls and texts still waiting for a person when they are older than the day the live state keeps: held
(``LiveState.held_calls`` and ``held_conversations``) for the needs-attention inbox, up to the store's
``STORE_KEEPS``, and across restarts (Friday's voicemail is still there on Monday).

The held records' ids are kept in the store with the oldest moment the live state covered. At start, the
records the app did not hold as the day moved on while it was closed (from that moment to the day loaded
now) are judged as they would have been had it run, and the held ones come back with them.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from tui.callrail.models import Call, Conversation
from tui.live.first_rows import LOOKBACK
from tui.live.state import LiveState
from tui.live.store import Store
from tui.live.store_pruning import STORE_KEEPS

log = logging.getLogger(__name__)

HELD_META = "held_records"


class HeldRecords:
    def __init__(self, state: LiveState, store: Store) -> None:
        self._state = state
        self._store = store
        self._saved: str | None = None

    def save(self, window_from: datetime) -> None:
        """Keep which records are held, and that the live state covers ``window_from`` on."""
        state = self._state
        text = json.dumps(
            {
                "from": window_from.isoformat(),
                "calls": sorted(state.held_calls),
                "conversations": sorted(state.held_conversations),
            }
        )
        if text != self._saved:
            self._store.set_meta(HELD_META, text)
            self._saved = text

    def records(self) -> tuple[list[Call], list[Conversation]]:
        """The held calls and conversations, whole, from the store (for the inbox)."""
        state = self._state
        load = self._store.load_by_id
        return load(Call, state.held_calls), load(Conversation, state.held_conversations)

    def read(self, now: datetime) -> tuple[list[Call], list[Conversation]]:
        """What to judge at start (the store's reads, for a worker thread): the records held before and
        those of the days between the live state's oldest moment then and the day loaded now."""
        saved = self._saved_record()
        window = now - LOOKBACK
        kept_from = now - STORE_KEEPS
        calls = self._store.load_by_id(Call, _ids(saved.get("calls")))
        conversations = self._store.load_by_id(Conversation, _ids(saved.get("conversations")))
        try:
            covered_from = max(datetime.fromisoformat(saved["from"]), kept_from)
        except (KeyError, TypeError, ValueError):
            covered_from = window  # nothing known: the held ones are what there is
        if covered_from < window:
            calls += self._store.load_calls(covered_from, window)
            conversations += self._store.load_conversations(covered_from, window)
        return calls, conversations

    def judge(
        self, calls: list[Call], conversations: list[Conversation], observed_at: datetime, now: datetime
    ) -> None:
        """Take in what ``read`` found, as a run would have: merged beside the day loaded (a later call
        back or reply answers them), then let go of, holding what still waits. Only what it brought is let
        go of: the day loaded, and anything merged meanwhile, stays as it is."""
        state = self._state
        window, held_since = now - LOOKBACK, now - STORE_KEEPS
        brought_calls = {call.id for call in calls} - set(state.calls)
        brought_conversations = {c.id for c in conversations} - set(state.conversations)
        state.merge_calls([call for call in calls if call.id in brought_calls], observed_at)
        state.merge_conversations([c for c in conversations if c.id in brought_conversations], observed_at)
        state.forget_calls_before(window, keep=set(state.calls) - brought_calls, held_since=held_since)
        state.forget_conversations_before(
            window, keep=set(state.conversations) - brought_conversations, held_since=held_since
        )
        self.save(window)

    def _saved_record(self) -> dict:
        text = self._store.get_meta(HELD_META)
        try:
            record = json.loads(text) if text else {}
        except ValueError:
            log.warning("The held records' note in the store was unreadable; starting without it")
            return {}
        return record if isinstance(record, dict) else {}


def _ids(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
