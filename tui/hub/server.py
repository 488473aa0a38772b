"""The hub as one object: its session (the only poller and outbox), the viewers' tokens, the event log,
the fan-out, the actions, and the Starlette app that serves them (and the webhook receiver, if given).

```python
hub = Hub(session, tokens=ViewerTokens(state_dir), events=EventLog(data_dir / LOG_FILE))
await hub.session.start()
async with hub_running(hub, "127.0.0.1", 8788):   # tui.hub.serve
    await hub.run()                                 # the session and the token watch
```
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from tui.hub.actions import HubActions
from tui.hub.eventlog import EventLog
from tui.hub.fanout import Fanout
from tui.hub.handled import HandledActions
from tui.hub.leadership import Leadership, Sole
from tui.hub.limits import ActionLimiter, HubError
from tui.hub.marks import HandledMarks
from tui.hub.replicas.down import SharedStateDown
from tui.hub.sockets import REFUSED, ViewerSockets, bearer
from tui.hub.threads import TeamThreads
from tui.hub.tokens import TokenBook
from tui.hub.wire import CUT_REVOKED
from tui.live.session import LiveSession
from tui.logging_setup import redact

if TYPE_CHECKING:  # a hub on SQLite alone never loads the Redis client
    from tui.hub.replicas.presence import RedisPresence

log = logging.getLogger(__name__)

TOKENS_EVERY_S = 0.2  # a revoked viewer's socket is cut within this (and a close)

Handler = Callable[[str, Request], Awaitable[Any]]


class Hub:
    def __init__(
        self,
        session: LiveSession,
        *,
        tokens: TokenBook,
        events: EventLog,
        limiter: ActionLimiter | None = None,
        secrets: tuple[str, ...] = (),
        webhooks: Any = None,
        leadership: Leadership | None = None,
        marks: HandledMarks | None = None,
        presence: RedisPresence | None = None,
    ) -> None:
        """``tokens``, ``events`` and ``marks`` (and the session's budget and outbox) on this machine, or
        shared by replicas with ``leadership`` saying when this one polls and sends (``tui.hub.replicas``).
        ``marks``: the team inbox's handled marks, in the session's store unless given; ``presence``: the
        other replicas' viewers."""
        self.session = session
        self.leadership: Leadership = leadership or Sole()
        self.tokens = tokens
        self.events = events
        self.secrets = tuple(secret for secret in secrets if secret)
        self.fanout = Fanout(session, events, scrub=self.scrub, marks=marks, presence=presence)
        self.threads = TeamThreads(self.fanout)
        limiter = limiter or ActionLimiter()
        self.actions = HubActions(self.fanout, limiter)
        handled = HandledActions(self.fanout, limiter)
        routes: list[BaseRoute] = [
            Route("/health", self._health),
            Route("/api/me", self._endpoint(self._me)),
            Route("/api/calls/{call_id}/open", self._endpoint(self.actions.open_call), methods=["POST"]),
            Route("/api/calls/{call_id}", self._endpoint(self.actions.update_call), methods=["POST"]),
            Route("/api/call-back", self._endpoint(self.actions.call_back), methods=["POST"]),
            Route("/api/conversations/{conversation_id}", self._endpoint(self.actions.conversation)),
            Route("/api/texts", self._endpoint(self.actions.send_text), methods=["POST"]),
            Route("/api/texts/{key}/resolve", self._endpoint(self.actions.resolve_text), methods=["POST"]),
            Route("/api/handled", self._endpoint(handled.mark), methods=["POST"]),
            Route("/api/handled/undo", self._endpoint(handled.undo), methods=["POST"]),
            WebSocketRoute("/ws", ViewerSockets(self.fanout, tokens).endpoint),
        ]
        if webhooks is not None:  # the receiver's own routes: /webhooks, /webhooks/<company>/<event>
            routes.append(Mount("", app=webhooks))
        self.app = Starlette(routes=routes, exception_handlers={SharedStateDown: self._shared_state_down})

    def scrub(self, text: str) -> str:
        """Whatever goes to a viewer, with the hub's secrets masked (they are never put there; this is
        the last line)."""
        for secret in self.secrets:
            if secret in text:
                log.error("a secret was about to reach a viewer; masked")
                text = redact(text, self.secrets)
        return text

    async def run(self) -> None:
        """The session (whenever this hub may poll and send), the watch on the tokens and what other
        replicas append to the log, until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.leadership.run(self.session))
            group.create_task(self._watch_tokens())
            group.create_task(self.fanout.follow())
            group.create_task(self.fanout.follow_presence())

    async def _watch_tokens(self) -> None:
        while True:
            await asyncio.sleep(TOKENS_EVERY_S)
            try:
                self.tokens.refresh()
            except SharedStateDown as down:
                log.warning("could not read the viewer tokens: %s", down)
                continue
            except (OSError, ValueError):
                log.warning("could not read the viewer tokens", exc_info=True)
                continue
            for attendee in self.fanout.attendees:
                if not self.tokens.is_current(attendee.name):
                    attendee.cut(CUT_REVOKED, "token revoked")

    # -- HTTP -----------------------------------------------------------------------------------------

    def _json(
        self, body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        text = self.scrub(json.dumps(body, separators=(",", ":")))
        return Response(text, status_code=status, media_type="application/json", headers=headers)

    def _endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            self.tokens.refresh()
            name = self.tokens.viewer_for(bearer(request.headers))
            if name is None:
                return self._json({"error": REFUSED}, 401, {"WWW-Authenticate": "Bearer"})
            try:
                result = await handler(name, request)
            except HubError as error:
                headers = {}
                if "retry_after" in error.extra:
                    headers["Retry-After"] = str(max(1, round(error.extra["retry_after"])))
                return self._json({"error": error.message, **error.extra}, error.status, headers)
            status, body = result if isinstance(result, tuple) else (200, result)
            return self._json(body, status)

        return endpoint

    async def _me(self, name: str, request: Request) -> dict[str, Any]:
        return {"name": name, **self.fanout.account()}

    async def _health(self, request: Request) -> Response:
        return JSONResponse({"ok": True, **self.leadership.describe()})

    async def _shared_state_down(self, request: Request, error: Exception) -> Response:
        log.warning("%s: %s %s answered 503", error, request.method, request.url.path)
        return self._json({"error": f"The hub cannot serve this now: {error}."}, 503, {"Retry-After": "2"})
