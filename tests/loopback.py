"""Serving an ASGI app (the simulator) over real loopback TCP, for the client's and the app's fault tests.

``serving(app)`` starts uvicorn on a free port of 127.0.0.1 in the running event loop and yields the
API's base URL; on leaving, the server stops (and connections a fault left hanging are cut).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from tui.sim.faults import quiet_dropped_connections


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def serving(app, *, log_level: str = "warning") -> AsyncIterator[str]:
    """``app`` served by uvicorn on a free loopback port; yields its base URL (``…/v3/``)."""
    quiet_dropped_connections()
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level=log_level, lifespan="off", timeout_graceful_shutdown=0.1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # it could not start: raise why
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v3/"
    finally:
        server.should_exit = True
        await task
