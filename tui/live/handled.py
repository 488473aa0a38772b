"""What the user marked handled in the needs-attention inbox: kept in the store (so a restart keeps
them), the marks of this run undoable, last first."""

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

    def mark(self, item: AttentionItem) -> None:
        self._store.mark_handled(item.key, now=self._clock.now())
        self._keys.add(item.key)
        self._tag_waived.discard(item.key)
        self._undo.append(item)

    def undo(self) -> AttentionItem | None:
        """The item marked last, no longer marked; ``None`` when nothing marked in this run is left."""
        if not self._undo:
            return None
        item = self._undo.pop()
        self._store.unmark_handled(item.key)
        self._keys.discard(item.key)
        self._tag_waived.add(item.key)
        return item

    def tag_waived(self, key: str) -> bool:
        return key in self._tag_waived

    def tag_gone(self, key: str) -> None:
        """The call was seen without the handled tag: a tag added later counts again."""
        self._tag_waived.discard(key)
