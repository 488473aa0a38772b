"""Where the hub keeps the team inbox's handled marks: in its session's store on one machine
(``StoredMarks``), in Redis for replicas (``tui.hub.replicas.marks.RedisHandledMarks``). ``HandledActions``
and the snapshot use either through this interface."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tui.live.store import Store

Mark = tuple[str, str, datetime]  # the item's key, who marked it, when


class HandledMarks(Protocol):
    def all(self) -> list[Mark]:
        """Every mark, oldest first."""

    def add(self, key: str, *, by: str, now: datetime) -> Mark:
        """Mark ``key``; the mark that holds afterwards (an earlier one, if someone was first)."""

    def remove(self, key: str) -> bool:
        """Take the mark off; False when there was none."""


class StoredMarks:
    """The marks in the hub session's store (one process: a check and a write have nothing between)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> list[Mark]:
        return self._store.handled_marks()

    def add(self, key: str, *, by: str, now: datetime) -> Mark:
        earlier = next((mark for mark in self.all() if mark[0] == key), None)
        if earlier is not None:
            return earlier
        self._store.mark_handled(key, now=now, by=by)
        return key, by, now

    def remove(self, key: str) -> bool:
        if not any(mark[0] == key for mark in self.all()):
            return False
        self._store.unmark_handled(key)
        return True
