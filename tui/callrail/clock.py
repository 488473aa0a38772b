"""Injectable time for the API and live layers.

Everything that waits or timestamps takes a clock, so a test or benchmark can run a whole working day
in seconds. A clock is any object with ``now()`` (aware UTC datetime), ``time()`` (epoch seconds),
``monotonic()`` and ``async sleep(seconds)``; the simulator's clocks have the same shape.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def time(self) -> float: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
