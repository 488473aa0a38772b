"""The viewers' WebSocket: sign in, get the start (snapshot or what was missed), then the events.

A viewer signs in with ``Authorization: Bearer <token>`` (a wrong one is refused with 401 before the
socket opens) or with the token in its first message, ``{"type": "hello", "token": …, "since": N,
"log": <the snapshot's log>}``
(a wrong one closes the socket, code 4401). After that it may send presence, ``{"type": "presence",
"open": "call:<id>" | "thread:<number>" | null, "composing": bool, "reading": <conversation id> | null}``
(``reading``: the thread's conversation, which the hub then reads at the calls' pace). A message over
``MAX_MESSAGE`` or one that is not JSON closes that socket only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from tui.hub.fanout import Attendee, Fanout, Presence
from tui.hub.limits import MAX_MESSAGE, HubError, parse_object
from tui.hub.tokens import TokenBook
from tui.hub.wire import CUT_BAD_MESSAGE, CUT_REVOKED, CUT_TOO_BIG

log = logging.getLogger(__name__)

HELLO_WITHIN_S = 10.0
REFUSED = "The hub does not know this token (wrong or revoked); ask the hub's owner for one."


def bearer(headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _message(text: str | None) -> dict[str, Any]:
    if text is None:
        raise HubError(CUT_BAD_MESSAGE, "binary messages are not taken")
    if len(text.encode()) > MAX_MESSAGE:
        raise HubError(CUT_TOO_BIG, f"message too big (at most {MAX_MESSAGE} bytes)")
    try:
        return parse_object(text)
    except HubError:
        raise HubError(CUT_BAD_MESSAGE, "not a JSON object") from None


def _short(message: dict[str, Any], name: str) -> str | None:
    value = message.get(name)
    if value is not None and not (isinstance(value, str) and len(value) <= 80):
        raise HubError(CUT_BAD_MESSAGE, f"{name} must be a short string or null")
    return value


def _presence(message: dict[str, Any]) -> Presence:
    return Presence(
        open=_short(message, "open"),
        composing=bool(message.get("composing")),
        reading=_short(message, "reading") or None,
    )


class ViewerSockets:
    def __init__(self, fanout: Fanout, tokens: TokenBook) -> None:
        self._fanout = fanout
        self._tokens = tokens

    async def endpoint(self, websocket: WebSocket) -> None:
        self._tokens.refresh()
        header_token = bearer(websocket.headers)
        name = self._tokens.viewer_for(header_token)
        if header_token is not None and name is None:
            await websocket.send_denial_response(JSONResponse({"error": REFUSED}, status_code=401))
            return
        await websocket.accept()
        try:
            hello = _message(await asyncio.wait_for(websocket.receive_text(), HELLO_WITHIN_S))
        except (TimeoutError, WebSocketDisconnect, KeyError):
            await self._close(websocket, CUT_BAD_MESSAGE, "no hello")
            return
        except HubError as refused:
            await self._close(websocket, refused.status, refused.message)
            return
        if name is None:
            name = self._tokens.viewer_for(
                hello.get("token") if isinstance(hello.get("token"), str) else None
            )
            if name is None:
                await self._close(websocket, CUT_REVOKED, "token refused")
                return
        since, log_id = hello.get("since"), hello.get("log")
        attendee = Attendee(name)
        self._fanout.join(
            attendee,
            since if isinstance(since, int) and not isinstance(since, bool) else None,
            log_id if isinstance(log_id, str) else None,
        )
        try:
            await self._serve(websocket, attendee)
        finally:
            self._fanout.leave(attendee)

    async def _serve(self, websocket: WebSocket, attendee: Attendee) -> None:
        tasks = [
            asyncio.create_task(self._send(websocket, attendee)),
            asyncio.create_task(self._receive(websocket, attendee)),
            asyncio.create_task(attendee.cut_event.wait()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if attendee.cut_code is not None:
            await self._close(websocket, attendee.cut_code, attendee.cut_reason)

    async def _send(self, websocket: WebSocket, attendee: Attendee) -> None:
        while True:
            await websocket.send_text(await attendee.queue.get())

    async def _receive(self, websocket: WebSocket, attendee: Attendee) -> None:
        while True:
            try:
                text = await websocket.receive_text()
            except WebSocketDisconnect:
                return
            except KeyError:  # a binary frame
                text = None
            try:
                message = _message(text)
                if message.get("type") == "presence":
                    self._fanout.set_presence(attendee, _presence(message))
            except HubError as refused:
                attendee.cut(refused.status, refused.message)
                return

    @staticmethod
    async def _close(websocket: WebSocket, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await websocket.close(code, reason[:120])
