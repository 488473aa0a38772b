"""One hub replica as the failover benchmark and the replica tests run it: its Redis side, hub, transport
to the simulator, the server it listens with and the task that runs it; killed without a word or closed."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import httpx

from tui.hub.replicas.replica import Replica
from tui.hub.server import Hub


@dataclass
class Node:
    name: str
    replica: Replica
    hub: Hub
    transport: httpx.AsyncBaseTransport  # counting the polls and sends it carries
    port: int = 0
    runner: asyncio.Task | None = None
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def leading(self) -> bool:
        return bool(self.hub.leadership.describe()["leading"])

    async def kill(self) -> None:
        """Gone without a word: its tasks cancelled and its server stopped; the lease is not released."""
        if self.runner is not None:
            self.runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.runner
            self.runner = None
        await self.stack.aclose()

    async def close(self) -> None:
        await self.kill()
        await self.hub.session.stop()
        await self.replica.aclose()
        await self.transport.aclose()
