"""One browser tab's app: its own process, started by textual-serve's ``AppService``.

A process may be started before its tab exists (``tui.web.warm``): what it writes meanwhile is kept and
replayed in order when a tab attaches, then the tab's real size is sent, so the browser's terminal sees
the whole stream as if it had been there from the start, and the app redraws at the tab's size.
A tab whose process ends (``q``, or a crash) closes its websocket, so the page says the session ended
instead of freezing; a process that does not quit when asked is killed. Other tabs never notice.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from tui.web.tab_driver import ATTACHED, DRIVER

STOP_GRACE = 5.0  # seconds a tab's app has to quit when asked before it is killed
MAX_UNSENT = 2 * 1024 * 1024  # bytes a process may write before a tab takes it; then it is stopped
ENDED = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR)


class Tab(AppService):
    def __init__(
        self,
        command: str,
        *,
        download_manager: DownloadManager,
        env: dict[str, str | None] | None = None,
    ) -> None:
        """``env``: changes to the app process's environment (a hub viewer's token and folders; ``None``
        takes a variable out, such as the API key the hub was started with)."""
        super().__init__(
            command,
            write_bytes=self._write_bytes,
            write_str=self._write_str,
            close=self._ended,
            download_manager=download_manager,
        )
        self.env = env or {}
        self.on_end: Callable[[Tab], None] | None = None  # told when the process ends, attached or not
        self._socket: web.WebSocketResponse | None = None
        self._unsent: deque[bytes | str] = deque()
        self.unsent_bytes = 0
        self.wrote = False  # anything at all: the app started
        self.ended = False
        self._stop_task: asyncio.Task[None] | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment["TEXTUAL_DRIVER"] = DRIVER
        for name, value in self.env.items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        return environment

    @property
    def pid(self) -> int | None:
        """The app process's id (the command is run with ``exec``, so not a shell's)."""
        return self._process.pid if self._process is not None else None

    async def attach(self, websocket: web.WebSocketResponse, width: int, height: int) -> None:
        """Give this process to a tab: what it wrote so far, then all it writes, goes to ``websocket``."""
        while self._unsent:  # no await between the last of these and taking the socket: order is kept
            await self._send(websocket, self._unsent.popleft())
        self.unsent_bytes = 0
        self._socket = websocket
        if self.ended:
            await websocket.close()
            return
        await self.set_terminal_size(width, height)
        await self.send_meta({"type": ATTACHED})

    async def _write_bytes(self, data: bytes) -> None:
        await self._write(data)

    async def _write_str(self, data: str) -> None:
        await self._write(data)

    async def _write(self, data: bytes | str) -> None:
        self.wrote = True
        if self._socket is None:
            self._unsent.append(data)
            self.unsent_bytes += len(data)
            if self.unsent_bytes > MAX_UNSENT and self._stop_task is None:
                self._unsent.clear()
                self._stop_task = asyncio.create_task(self.stop())
        else:
            await self._send(self._socket, data)

    @staticmethod
    async def _send(websocket: web.WebSocketResponse, data: bytes | str) -> None:
        if isinstance(data, bytes):
            await websocket.send_bytes(data)
        else:
            await websocket.send_str(data)

    async def _ended(self) -> None:
        if self.ended:  # an app's "exit" and then the end of its output
            return
        self.ended = True
        if self._socket is not None:
            await self._socket.close()
        if self.on_end is not None:
            self.on_end(self)

    async def run(self) -> None:
        await super().run()
        await self._ended()

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
