"""Clocks for the simulator: real time scaled by a speed factor, or a manual clock for tests.

Both have the shape of ``tui.callrail.clock.Clock`` (``now``, ``time``, ``monotonic``, ``async sleep``) so
the same object can drive the simulator and the app in a demo or a test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def time(self) -> float: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class SimClock:
    """Real time running ``speed`` times faster from ``start`` (default: now). ``real_time`` and
    ``real_sleep`` are the real clock it scales (a test can hand in its own)."""

    def __init__(
        self,
        start: datetime | None = None,
        speed: float = 1.0,
        *,
        real_time: Callable[[], float] = time.monotonic,
        real_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start = _aware_utc(start) if start is not None else datetime.now(UTC)
        self._real_time = real_time
        self._real_sleep = real_sleep
        self._real_start = real_time()

    def _elapsed(self) -> float:
        return (self._real_time() - self._real_start) * self.speed

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed())

    def time(self) -> float:
        return self.now().timestamp()

    def monotonic(self) -> float:
        return self._elapsed()

    async def sleep(self, seconds: float) -> None:
        await self._real_sleep(max(0.0, seconds) / self.speed)


class ManualClock:
    """Time that moves only when told to; ``sleep`` advances it instead of waiting."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware_utc(start)
        self._monotonic = 0.0

    def now(self) -> datetime:
        return self._now

    def time(self) -> float:
        return self._now.timestamp()

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go back; use jump_wall for wall-clock jumps")
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds

    def set(self, when: datetime) -> None:
        """Move to ``when`` (not earlier than now), as if that much time had passed."""
        self.advance((_aware_utc(when) - self._now).total_seconds())

    def jump_wall(self, seconds: float) -> None:
        """The wall clock jumps (a laptop sleep, an NTP correction); the monotonic clock does not."""
        self._now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
