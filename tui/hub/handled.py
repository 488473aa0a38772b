"""Mark handled through the hub: the team's needs-attention inbox shares one set of marks. A viewer marks an
item (or undoes a mark) over HTTP; the hub keeps the mark with who made it (``tui.hub.marks``: in its
store, or in Redis for replicas), and tells every viewer as a ``handled`` event (in the snapshot too, for a
viewer that comes back).

``POST /api/handled`` and ``POST /api/handled/undo`` take ``{"key": <the item's key>, "ref": <optional>}``:
the key is the inbox's (``call:<id>``, ``form:<id>``, ``text:<id>@<epoch>``, ``tui.live.attention``), ``ref``
comes back in the event so the viewer that acted knows its own doing. A key of no known kind is a 422, a
record the hub does not hold (or a mark that is not there to undo) a 404.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request

from tui.hub import wire
from tui.hub.actions import ActionBody, parse_body
from tui.hub.fanout import Fanout
from tui.hub.limits import ActionLimiter, HubError, read_json
from tui.live.attention import AttentionKind, parse_key


class Mark(ActionBody):
    key: str = Field(min_length=3, max_length=200)
    ref: str | None = Field(default=None, max_length=64)


class HandledActions:
    def __init__(self, fanout: Fanout, limiter: ActionLimiter) -> None:
        self._fanout = fanout
        self._session = fanout.session
        self._limiter = limiter

    def _marks(self) -> dict[str, dict[str, Any]]:
        return {key: wire.handled_mark(key, by, at) for key, by, at in self._fanout.marks.all()}

    async def _asked(self, name: str, request: Request) -> Mark:
        self._limiter.take(name)
        asked = parse_body(Mark, await read_json(request))
        try:
            parse_key(asked.key)
        except ValueError:
            raise HubError(
                422, "Not an inbox item: the key is call:<id>, form:<id> or text:<id>@<time>."
            ) from None
        return asked

    def _held(self, key: str) -> bool:
        kind, record_id = parse_key(key)
        state = self._session.state
        if kind is AttentionKind.CALL:
            return record_id in state.calls
        if kind is AttentionKind.FORM:
            return record_id in state.forms.by_id
        return record_id in state.conversations

    async def mark(self, name: str, request: Request) -> tuple[int, dict[str, Any]]:
        asked = await self._asked(name, request)
        known = self._marks().get(asked.key)
        if known is not None:  # a colleague was first (or this is a retry): nothing changes
            return 200, {"mark": known, "duplicate": True}
        if not self._held(asked.key):
            raise HubError(404, "The hub holds no such call, conversation or form today.")
        now = self._session.clock.now()
        held = self._fanout.marks.add(asked.key, by=name, now=now)
        mark = wire.handled_mark(*held)
        if held != (asked.key, name, now):  # a colleague was first, through another replica
            return 200, {"mark": mark, "duplicate": True}
        self._fanout.publish({"type": "handled", "handled": True, "ref": asked.ref, **mark})
        return 201, {"mark": mark, "duplicate": False}

    async def undo(self, name: str, request: Request) -> dict[str, Any]:
        asked = await self._asked(name, request)
        if not self._fanout.marks.remove(asked.key):
            raise HubError(404, "That item is not marked handled.")
        now = self._session.clock.now()
        mark = wire.handled_mark(asked.key, name, now)
        self._fanout.publish({"type": "handled", "handled": False, "ref": asked.ref, **mark})
        return {"mark": mark}
