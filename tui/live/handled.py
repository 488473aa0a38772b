"""What the user marked handled in the needs-attention inbox: kept in the store (so a restart keeps
them), the marks of this run undoable, last first. A viewer of a team hub shares them with the team
(``tui.hub.viewer.handled``)."""

from __future__ import annotations

from tui.callrail.clock import Clock
from tui.live.attention import AttentionItem
from tui.live.store import Store


class HandledMarks:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._keys = store.handled_keys()
        self._undo: list[AttentionItem] = []
        # undone here while the call still carries the handled tag: the tag does not count for them
        # until the call is seen without it
        self._tag_waived: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._keys)

    def mark(self, item: AttentionItem) -> None:
        self.set_marked(item.key, True)
        self._undo.append(item)

    def undo(self) -> AttentionItem | None:
        """The item marked last, no longer marked; ``None`` when nothing marked in this run is left."""
        if not self._undo:
            return None
        item = self._undo.pop()
        self.set_marked(item.key, False)
        return item

    def set_marked(self, key: str, marked: bool) -> None:
        """Mark or unmark ``key`` without touching what undo brings back (a colleague's mark, through the
        team hub)."""
        if marked:
            self._store.mark_handled(key, now=self._clock.now())
            self._keys.add(key)
            self._tag_waived.discard(key)
        else:
            self._store.unmark_handled(key)
            self._keys.discard(key)
            self._tag_waived.add(key)

    def forget_undo(self, key: str) -> None:
        """``key`` is no longer this run's mark to undo."""
        self._undo = [item for item in self._undo if item.key != key]

    def tag_waived(self, key: str) -> bool:
        return key in self._tag_waived

    def tag_gone(self, key: str) -> None:
        """The call was seen without the handled tag: a tag added later counts again."""
        self._tag_waived.discard(key)
