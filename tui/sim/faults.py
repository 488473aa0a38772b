"""Fault injection: what a flaky network or an overloaded CallRail does to a client.

``Faults`` holds the settings (mutable while the simulator runs); ``FaultInjector`` is the ASGI layer in
front of the API that applies them. Randomness is seeded so a run with the same seed fails the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tui.sim.clock import Clock
from tui.sim.ratelimit import SMS, bucket_for

LogRequest = Callable[[str, str, int, str], None]
# Status logged for a request that got no response at all.
NO_RESPONSE = 0

PROXY_ERROR_PAGE = (
    b"<html><head><title>{status} Service Unavailable</title></head>"
    b"<body><h1>{status}</h1><p>The server is temporarily unable to service your request.</p></body></html>"
)


class DroppedConnection(ConnectionResetError):
    """Raised by the simulator to drop a connection without a (complete) response."""


@dataclass
class Faults:
    clock: Clock
    seed: int = 7
    latency: float = 0.0  # real seconds added before every response
    error_rate: float = 0.0  # 500 (JSON) / 502, 503 (HTML proxy page)
    drop_rate: float = 0.0  # connection dropped before the request is processed
    hang_rate: float = 0.0  # no response until the client gives up (or hang_seconds pass)
    truncate_rate: float = 0.0  # the body is cut mid-way (with a matching Content-Length)
    slow_body: float = 0.0  # real seconds over which each body trickles out
    drop_after_send: bool = False  # a text is sent, then the connection drops: outcome unknown
    hang_seconds: float = 600.0
    burst_until: datetime | None = None
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(f"{self.seed}:faults")

    def burst_429(self, seconds: float) -> None:
        """429 to every request for ``seconds`` of sim time, as if another integration took the budget."""
        self.burst_until = self.clock.now() + timedelta(seconds=seconds)

    def reset(self) -> None:
        self.latency = self.error_rate = self.drop_rate = self.hang_rate = 0.0
        self.truncate_rate = self.slow_body = 0.0
        self.drop_after_send = False
        self.burst_until = None

    def bursting(self) -> bool:
        return self.burst_until is not None and self.clock.now() < self.burst_until

    def hits(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    def error_status(self) -> int:
        return self._rng.choice((500, 502, 503))


class FaultInjector:
    """ASGI layer applying ``Faults`` around the API app."""

    def __init__(self, app, faults: Faults, log: LogRequest) -> None:
        self._app = app
        self._faults = faults
        self._log = log

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        faults = self._faults
        method, path = scope["method"], scope["path"]
        bucket = bucket_for(method, path)
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if faults.hits(faults.hang_rate):
            self._log(method, path, NO_RESPONSE, bucket)
            await _wait_for_disconnect(receive, faults.hang_seconds)
            await _drop(send)
        if faults.hits(faults.drop_rate):
            self._log(method, path, NO_RESPONSE, bucket)
            await _drop(send)
        if faults.hits(faults.error_rate):
            status = faults.error_status()
            self._log(method, path, status, bucket)
            await _send_error(send, status)
            return
        if faults.bursting():
            self._log(method, path, 429, bucket)
            await _send_json(send, 429, {"error": "Rate limit exceeded. Please slow down your requests."})
            return
        messages: list[dict] = []

        async def capture(message: dict) -> None:
            messages.append(message)

        await self._app(scope, receive, capture)
        start, body = messages[0], b"".join(m.get("body", b"") for m in messages[1:])
        if faults.drop_after_send and bucket == SMS and method == "POST" and start["status"] < 300:
            await _drop(send)
        if faults.hits(faults.truncate_rate) and len(body) > 1:
            body = body[: len(body) // 2]
        await _send(send, start, body, faults.slow_body)


async def _send(send, start: dict, body: bytes, spread: float) -> None:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    if spread <= 0 or not body:
        await send({"type": "http.response.body", "body": body})
        return
    pieces = 8
    size = -(-len(body) // pieces)
    for offset in range(0, len(body), size):
        await asyncio.sleep(spread / pieces)
        more = offset + size < len(body)
        await send({"type": "http.response.body", "body": body[offset : offset + size], "more_body": more})


async def _send_json(send, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    start = {"status": status, "headers": [(b"content-type", b"application/json")]}
    await _send(send, start, body, 0)


async def _send_error(send, status: int) -> None:
    if status == 500:
        await _send_json(send, status, {"error": "Internal server error"})
        return
    body = PROXY_ERROR_PAGE.replace(b"{status}", str(status).encode())
    await _send(send, {"status": status, "headers": [(b"content-type", b"text/html")]}, body, 0)


async def _wait_for_disconnect(receive, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass


async def _drop(send) -> None:
    # A server that has started a response and then closes the socket; before the response starts,
    # uvicorn would answer 500 instead of dropping.
    with contextlib.suppress(OSError):
        await send({"type": "http.response.start", "status": 200, "headers": []})
    raise DroppedConnection("connection dropped by the simulator")


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def quiet_dropped_connections() -> None:
    """Keep uvicorn from logging a traceback for every simulated drop."""
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
