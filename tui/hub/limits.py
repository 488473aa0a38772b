"""What one viewer may ask of the hub: so many actions a minute (the team's budget is shared), and
bodies and messages no bigger than an action needs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

MAX_BODY = 16 * 1024  # an action's JSON: a text is at most 1,600 characters
MAX_MESSAGE = 8 * 1024  # a viewer's WebSocket message (hello, presence)


class HubError(Exception):
    """Answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


class ActionLimiter:
    """A token bucket per viewer: ``burst`` actions at once, then ``per_minute``."""

    def __init__(
        self, *, per_minute: float = 30.0, burst: int = 10, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # name -> (tokens, at)

    def take(self, name: str) -> None:
        """Count one action of ``name``'s; ``HubError(429)`` when it has to wait."""
        now = self._clock()
        tokens, at = self._buckets.get(name, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.per_minute / 60.0)
        if tokens < 1.0:
            wait = (1.0 - tokens) * 60.0 / self.per_minute
            self._buckets[name] = (tokens, now)
            raise HubError(
                429,
                f"Too many actions from {name}: at most {self.per_minute:g} a minute "
                f"(the team shares one budget). Try again in {wait:.0f} s.",
                retry_after=round(wait, 1),
            )
        self._buckets[name] = (tokens - 1.0, now)


async def read_json(request: Request, limit: int = MAX_BODY) -> dict[str, Any]:
    """The request's JSON object; 413 past ``limit`` bytes (read no further), 400 when it is not JSON."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HubError(413, f"The request is too large: at most {limit:,} bytes.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HubError(413, f"The request is too large: at most {limit:,} bytes.")
    return parse_object(bytes(body) or b"{}")


def parse_object(raw: bytes | str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HubError(400, "The request is not valid JSON.") from None
    if not isinstance(value, dict):
        raise HubError(400, "The request must be a JSON object.")
    return value
