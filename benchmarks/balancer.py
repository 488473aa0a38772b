"""A load balancer in front of hub replicas, as a team would run one: each new TCP connection goes to the
next replica in turn that accepts it (a replica that is gone refuses, and the next one is tried), and the
bytes are piped both ways until either side closes. WebSockets (``GET /ws``) and HTTP connections take
turns apart, so the viewers' sockets are spread over every replica whatever HTTP comes between, and land
on the ones still alive when they reconnect."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from itertools import count

CHUNK = 65_536


class Balancer:
    def __init__(self, backends: list[int]) -> None:
        self.backends = backends  # the replicas' loopback ports
        self._turns = {True: count(), False: count()}  # for WebSockets, for the rest
        self._pipes: set[asyncio.Task] = set()

    async def _open(self, socket: bool) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        first = next(self._turns[socket])
        for step in range(len(self.backends)):
            port = self.backends[(first + step) % len(self.backends)]
            with contextlib.suppress(OSError):
                return await asyncio.open_connection("127.0.0.1", port)
        return None

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = b""
        with contextlib.suppress(OSError, ValueError):
            request_line = await reader.readline()
        upstream = await self._open(request_line.startswith(b"GET /ws")) if request_line else None
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream
        up_writer.write(request_line)
        pipes = {
            asyncio.create_task(_pipe(reader, up_writer)),
            asyncio.create_task(_pipe(up_reader, writer)),
        }
        self._pipes |= pipes
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            self._pipes -= pipes
            for side in (writer, up_writer):
                side.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()


@contextlib.asynccontextmanager
async def balancing(backends: list[int]) -> AsyncIterator[str]:
    """A balancer over ``backends`` on a free loopback port; yields its ``http://`` URL."""
    balancer = Balancer(backends)
    server = await asyncio.start_server(balancer.connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for pipe in list(balancer._pipes):
            pipe.cancel()
        await server.wait_closed()
