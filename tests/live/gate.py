"""A network between the app and the simulator that the test controls: each request the test chooses to
hold waits at the gate until the test gives it a fate, the way a real network can lose it before or after
CallRail processed it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import httpx


class Fate(Enum):
    DELIVER = "deliver"
    REFUSED = "refused"  # the connection could not be made: CallRail never saw it, and the client knows
    LOST_BEFORE = "lost before"  # the connection broke before CallRail read the request
    LOST_AFTER = "lost after"  # CallRail processed it; the answer never came back


@dataclass
class Held:
    request: httpx.Request
    fate: asyncio.Future[Fate] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    @property
    def what(self) -> str:
        return f"{self.request.method} {self.request.url.path}"

    def decide(self, fate: Fate) -> None:
        self.fate.set_result(fate)


def deliver_all(request: httpx.Request) -> Fate | None:
    return Fate.DELIVER


def hold_all(request: httpx.Request) -> Fate | None:
    return None


class GatedTransport(httpx.AsyncBaseTransport):
    """``policy(request)`` gives a request its fate at once, or ``None`` to hold it in ``held``."""

    def __init__(self, app, policy: Callable[[httpx.Request], Fate | None] = deliver_all) -> None:
        self._simulator = httpx.ASGITransport(app=app)
        self.policy = policy
        self.held: asyncio.Queue[Held] = asyncio.Queue()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fate = self.policy(request)
        if fate is None:
            held = Held(request)
            self.held.put_nowait(held)
            fate = await held.fate
        if fate is Fate.REFUSED:
            raise httpx.ConnectError("connection refused", request=request)
        if fate is Fate.LOST_BEFORE:
            raise httpx.ReadError("connection reset", request=request)
        response = await self._simulator.handle_async_request(request)
        if fate is Fate.LOST_AFTER:
            await response.aread()
            raise httpx.ReadError("connection reset", request=request)
        return response

    async def next_held(self, timeout: float = 5.0) -> Held:
        return await asyncio.wait_for(self.held.get(), timeout)

    async def release_until_done(self, task: asyncio.Task, fate: Fate = Fate.DELIVER) -> None:
        """Give ``fate`` to every request ``task`` makes until it finishes."""
        while not task.done():
            getter = asyncio.ensure_future(self.held.get())
            await asyncio.wait({task, getter}, timeout=5.0, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                getter.result().decide(fate)
            else:
                getter.cancel()
                if not task.done():
                    raise TimeoutError("the task neither finished nor made a request")
        await task
