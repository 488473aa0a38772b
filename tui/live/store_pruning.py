"""The store keeps what is at most ``STORE_KEEPS`` old (calls, conversations, forms, handled marks; never
drafts or the outbox). It is pruned when a session starts and, in a session that runs for days (a hub),
again once a day as batches come in."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta

from tui.live.store import Store

log = logging.getLogger(__name__)

STORE_KEEPS = timedelta(days=8)
PRUNE_EVERY = timedelta(days=1)


class StorePruning:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._pruned_at: datetime | None = None

    def when_due(self, now: datetime) -> None:
        """Prune, unless the store was pruned less than a day before ``now``."""
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        try:
            self._store.prune(now - STORE_KEEPS)
        except sqlite3.Error:
            log.warning("could not prune the local store", exc_info=True)
