"""``HubMarks``: a viewer's inbox marks, shared by the team through the hub.

A mark (or an undo) shows at once and goes to the hub over HTTP (``tui.hub.handled``), in the order the
user made them; if the hub refuses it or cannot be reached, it is taken back here and the inbox says why
(``HandledChanged.problem``). Colleagues' marks come as ``handled`` events, and all of them in the
snapshot of a viewer that connects afresh; the hub echoes this viewer's own with its ``ref``, which are
already applied here.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.callrail.clock import Clock
from tui.callrail.errors import CallRailError, NotFound
from tui.hub.viewer.link import HubLink
from tui.live.attention import AttentionItem
from tui.live.events import HandledChanged, LiveEvent
from tui.live.handled import HandledMarks
from tui.live.store import Store


@dataclass(frozen=True)
class HubMark:
    key: str
    by: str
    handled: bool = True
    ref: str | None = None


def read_mark(raw: dict[str, Any], *, handled: bool = True) -> HubMark:
    return HubMark(
        key=str(raw["key"]),
        by=str(raw.get("by") or ""),
        handled=bool(raw.get("handled", handled)),
        ref=raw.get("ref") if isinstance(raw.get("ref"), str) else None,
    )


class HubMarks(HandledMarks):
    def __init__(
        self, store: Store, clock: Clock, *, link: HubLink, emit: Callable[[LiveEvent], None]
    ) -> None:
        super().__init__(store, clock)
        self._link = link
        self._emit = emit
        self.ref = secrets.token_hex(8)  # this viewer's run: the hub's echo of its own marks carries it
        self._by: dict[str, str] = {}  # who marked each key, as the hub said
        self._in_flight: dict[str, int] = {}  # requests for a key not answered yet
        self._order = asyncio.Lock()  # the hub gets the marks in the order the user made them
        self._tasks: set[asyncio.Task] = set()

    def by(self, key: str) -> str | None:
        """Who marked ``key`` handled (a colleague's name), if the hub said."""
        return self._by.get(key) if key in self else None

    # -- the user's marks -----------------------------------------------------------------------------

    def mark(self, item: AttentionItem) -> None:
        super().mark(item)
        self._send(item.key, handled=True)

    def undo(self) -> AttentionItem | None:
        item = super().undo()
        if item is not None:
            self._send(item.key, handled=False)
        return item

    def _send(self, key: str, *, handled: bool) -> None:
        self._in_flight[key] = self._in_flight.get(key, 0) + 1
        task = asyncio.ensure_future(self._tell_hub(key, handled))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tell_hub(self, key: str, handled: bool) -> None:
        path = "/api/handled" if handled else "/api/handled/undo"
        try:
            async with self._order:
                answer = await self._link.request("POST", path, {"key": key, "ref": self.ref})
        except NotFound as error:
            if handled:  # the hub holds no such item; an undo of a mark already gone is done
                self._take_back(key, handled, error.message)
        except CallRailError as error:
            self._take_back(key, handled, error.message)
        else:
            if handled:
                self._by[key] = str(answer.get("mark", {}).get("by") or "")
        finally:
            self._in_flight[key] -= 1
            if not self._in_flight[key]:
                del self._in_flight[key]

    def _take_back(self, key: str, handled: bool, why: str) -> None:
        self.set_marked(key, not handled)
        if handled:
            self.forget_undo(key)
        done = "marked handled" if handled else "brought back"
        self._emit(HandledChanged((key,), handled=not handled, problem=f"Not {done} for the team: {why}"))

    async def settled(self) -> None:
        """Every mark made here has had the hub's answer (for tests and a clean stop)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- the hub's marks ------------------------------------------------------------------------------

    def from_hub(self, marks: list[HubMark], *, everything: bool = False) -> None:
        """Marks the hub told of; ``everything``: the hub's whole set (a snapshot), so any other mark here
        was undone meanwhile."""
        if everything:
            listed = {mark.key for mark in marks}
            gone = [key for key in self.keys if key not in listed and key not in self._in_flight]
            for key in gone:
                self.set_marked(key, False)
                self.forget_undo(key)
            if gone:
                self._emit(HandledChanged(tuple(gone), handled=False))
        changed: dict[tuple[bool, str], list[str]] = {}
        for mark in marks:
            if mark.ref == self.ref or mark.key in self._in_flight:
                continue  # this viewer's own doing, already here
            if mark.handled:
                self._by[mark.key] = mark.by
            if mark.handled != (mark.key in self):
                self.set_marked(mark.key, mark.handled)
                if not mark.handled:
                    self.forget_undo(mark.key)
                # a snapshot's marks are old news: no one to name
                changed.setdefault((mark.handled, "" if everything else mark.by), []).append(mark.key)
        for (handled, by), keys in changed.items():
            self._emit(HandledChanged(tuple(keys), handled=handled, by=by))
