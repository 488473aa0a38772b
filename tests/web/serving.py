"""``callrail-tui web``'s server on a free loopback port, in the test's event loop."""

from __future__ import annotations

import asyncio
import shlex
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from tests.loopback import free_port
from tui.web.server import WebServer
from tui.web.sign_in import SignIn

TINY_APP = f"exec {shlex.join([sys.executable, str(Path(__file__).with_name('tiny_app.py'))])}"


class Clock:
    """Seconds that move only when a test moves them."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def serving(
    command: str = TINY_APP, *, clock: Callable[[], float] | None = None, idle_seconds: float = 600.0
) -> AsyncIterator[WebServer]:
    sign_in = SignIn(clock=clock) if clock else SignIn()
    server = WebServer(
        command, sign_in=sign_in, host="127.0.0.1", port=free_port(), idle_seconds=idle_seconds
    )
    runner = await server.start()
    try:
        yield server
    finally:
        await runner.cleanup()


async def until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Wait (bounded) for ``condition()``, without asserting how long it took."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the expected state was not reached")
        await asyncio.sleep(0.02)
