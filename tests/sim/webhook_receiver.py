"""A webhook receiver for the simulator's tests: a tiny Starlette app that keeps what it is sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.sim.webhooks.signature import verify


@dataclass
class Received:
    path: str
    body: bytes
    signature: str | None
    content_type: str | None

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each path with ``status[path]`` (default 200); paths in ``hang`` never answer."""

    status: dict[str, int] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)
    got: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = Starlette(routes=[Route("/{path:path}", self._receive, methods=["POST"])])

    async def _receive(self, request: Request) -> Response:
        path = request.url.path
        self.got.append(
            Received(
                path,
                await request.body(),
                request.headers.get("signature"),
                request.headers.get("content-type"),
            )
        )
        if path in self.hang:
            await asyncio.Event().wait()
        return Response(status_code=self.status.get(path, 200))

    def at(self, path: str) -> list[Received]:
        return [r for r in self.got if r.path == path]

    def verified(self, keys: dict[str, str], received: Received) -> bool:
        return verify(keys[received.payload["company_resource_id"]], received.body, received.signature)


async def until(condition: Callable[[], bool], tries: int = 500) -> None:
    """Wait (in small real-time steps, a bounded number of them) for a background task to catch up."""
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met")
