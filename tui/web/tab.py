"""One browser tab's app: its own process, started by textual-serve's ``AppService``.

A tab whose process ends (``q``, or a crash) closes its websocket, so the page says the session ended
instead of freezing; a process that does not quit when asked is killed. Other tabs never notice.
"""

from __future__ import annotations

import asyncio

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService

STOP_GRACE = 5.0  # seconds a tab's app has to quit when asked before it is killed
ENDED = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR)


class Tab(AppService):
    @property
    def pid(self) -> int | None:
        """The app process's id (the command is run with ``exec``, so not a shell's)."""
        return self._process.pid if self._process is not None else None

    async def run(self) -> None:
        await super().run()
        await self.remote_close()

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(super().stop(), STOP_GRACE)
        except TimeoutError:
            pass
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()


class IdleLimited:
    """A tab's websocket as textual-serve's message loop reads it, ending after ``seconds`` without a
    message from the browser (a key, the mouse, a resize, focus): an idle tab frees its process."""

    def __init__(self, websocket: web.WebSocketResponse, seconds: float) -> None:
        self.websocket = websocket
        self.seconds = seconds

    def __aiter__(self) -> IdleLimited:
        return self

    async def __anext__(self):
        try:
            message = await self.websocket.receive(timeout=self.seconds)
        except TimeoutError:
            raise StopAsyncIteration from None
        if message.type in ENDED:
            raise StopAsyncIteration
        return message

    async def send_json(self, data: object) -> None:
        await self.websocket.send_json(data)
