"""Serving a hub with uvicorn on HOST:PORT in the running event loop (HTTP and the WebSocket)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn

from tui.hub.limits import MAX_MESSAGE
from tui.hub.server import Hub

PING_EVERY_S = 20.0  # a viewer gone without a word is noticed within a ping and its timeout


class _Server(uvicorn.Server):
    """Leaves the process's signals to whoever runs the hub."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def hub_running(hub: Hub, host: str, port: int) -> AsyncIterator[uvicorn.Server]:
    """``hub``'s app served on ``host:port`` until the block ends; ``OSError`` if it cannot listen."""
    config = uvicorn.Config(
        hub.app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="websockets-sansio",
        ws_max_size=4 * MAX_MESSAGE,  # the protocol layer refuses frames past this; the hub past MAX_MESSAGE
        ws_ping_interval=PING_EVERY_S,
        ws_ping_timeout=PING_EVERY_S,
        timeout_graceful_shutdown=1,
    )
    server = _Server(config)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, port), family=family)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    while not server.started:
        if task.done():
            listening.close()
            task.result()
            raise OSError(f"the hub could not serve on {host}:{port}")
        await asyncio.sleep(0.01)
    try:
        yield server
    finally:
        server.should_exit = True
        await task
        listening.close()
