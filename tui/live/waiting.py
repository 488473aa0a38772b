"""Waiting on an injected clock that something else can cut short."""

from __future__ import annotations

import asyncio
import contextlib

from tui.callrail.clock import Clock


async def sleep_or_wake(clock: Clock, seconds: float | None, wake: asyncio.Event) -> None:
    """Sleep ``seconds`` on ``clock`` (``None``: until woken), or less if ``wake`` is set; clears ``wake``.

    The clock may be simulated (scaled or manual), so the timeout cannot be an ``asyncio`` timeout.
    """
    if wake.is_set():
        wake.clear()
        return
    if seconds is None:
        await wake.wait()
        wake.clear()
        return
    sleeper = asyncio.ensure_future(clock.sleep(max(0.0, seconds)))
    waiter = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait((sleeper, waiter), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, waiter):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    wake.clear()
