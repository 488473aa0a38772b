"""Polling as the backstop of push: the poller's pace follows ``PushHealth``, and every change of channel
reaches the session's listeners as a ``ChannelStatus``.

```python
backstop = Backstop(poller, emit, every=(60.0, 120.0))
backstop.expect_push()                                   # a webhook source runs
backstop.arrived(pushed=True, happened=[call.start_time], now=now)
backstop.status                                          # ChannelStatus(PUSH, "webhooks arriving")
```
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tui.live.events import Channel, ChannelStatus
from tui.live.poller import Poller
from tui.live.push import PushHealth

RECONCILE_CALLS_S = 60.0
RECONCILE_CONVERSATIONS_S = 120.0


class Backstop:
    def __init__(
        self,
        poller: Poller,
        emit: Callable[[ChannelStatus], None],
        *,
        every: tuple[float, float] | None = None,
    ) -> None:
        """``every``: how often the poller reads calls and conversations while push is healthy (default
        ``RECONCILE_CALLS_S``, ``RECONCILE_CONVERSATIONS_S``)."""
        self._poller = poller
        self._emit = emit
        self._every = every or (RECONCILE_CALLS_S, RECONCILE_CONVERSATIONS_S)
        self._health = PushHealth()
        self._shown: ChannelStatus | None = None
        self.on_fall_back: Callable[[], None] | None = None  # push stopped carrying: look for why

    @property
    def status(self) -> ChannelStatus:
        return self._health.status

    def expect_push(self) -> None:
        self._show(self._health.expect())

    def problem(self, reason: str) -> None:
        self._show(self._health.problem(reason))

    def arrived(self, *, pushed: bool, happened: list[datetime | None], now: datetime) -> None:
        self._show(self._health.arrived(pushed=pushed, happened=happened, now=now))

    def _show(self, status: ChannelStatus) -> None:
        if status == self._shown:
            return
        was_push = self._shown is not None and self._shown.channel is Channel.PUSH
        self._shown = status
        pushed = status.channel is Channel.PUSH
        if pushed != was_push:
            self._poller.set_reconcile(self._every if pushed else None)
        self._emit(status)
        if was_push and not pushed and self.on_fall_back is not None:
            self.on_fall_back()
