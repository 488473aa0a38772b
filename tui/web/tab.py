"""One browser tab's app: its own process, started by textual-serve's ``AppService``.

A process may be started before its tab exists (``tui.web.warm``): what it writes meanwhile is dropped.
When a tab attaches, the process is sent the tab's size and ``attached``; its driver answers with a mark
and then the terminal set-up and a whole screen (``tui.web.tab_driver``), and only what follows the mark
reaches the tab, so the browser's terminal gets a complete picture at its size and nothing stale.
A tab whose process ends (``q``, or a crash) closes its websocket, so the page says the session ended
instead of freezing; a process that does not quit when asked is killed. Other tabs never notice.
"""

from __future__ import annotations

import asyncio
import json
from asyncio.subprocess import Process
from collections.abc import Callable

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from tui.web.tab_driver import ATTACHED, DRIVER

STOP_GRACE = 5.0  # seconds a tab's app has to quit when asked before it is killed
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
        self._marked = False  # the driver's mark has come: what follows goes to the tab
        self.wrote = False  # anything at all: the app started
        self.ended = False

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment["TEXTUAL_DRIVER"] = DRIVER
        # one malloc arena for the process: the input thread and the worker threads would each get their
        # own (glibc's default), which costs a tab about a megabyte of memory for no speed it needs
        environment["MALLOC_ARENA_MAX"] = "1"
        for name, value in self.env.items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """As textual-serve opens it, but in a session of its own: a Ctrl-C in the server's terminal
        reaches the server only (not a tab still importing, which would print a traceback), and the
        server stops its tabs in order."""
        self._process = process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The app process's id (the command is run with ``exec``, so not a shell's)."""
        return self._process.pid if self._process is not None else None

    async def attach(self, websocket: web.WebSocketResponse, width: int, height: int) -> None:
        """Give this process to a tab: from the driver's mark on, what it writes goes to ``websocket``."""
        self._socket = websocket
        if self.ended:
            await websocket.close()
            return
        await self.set_terminal_size(width, height)
        await self.send_meta({"type": ATTACHED})

    async def on_meta(self, data: bytes) -> None:
        if json.loads(data).get("type") == ATTACHED:
            self._marked = self._socket is not None
        else:
            await super().on_meta(data)

    async def _write_bytes(self, data: bytes) -> None:
        await self._write(data)

    async def _write_str(self, data: str) -> None:
        await self._write(data)

    async def _write(self, data: bytes | str) -> None:
        self.wrote = True
        if not self._marked:
            return
        assert self._socket is not None
        if isinstance(data, bytes):
            await self._socket.send_bytes(data)
        else:
            await self._socket.send_str(data)

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
