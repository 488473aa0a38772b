"""Whether push (CallRail's webhooks) is carrying the live data, or polling has to.

Every call or text the app sees for the first time is an arrival: *announced* when a delivery brought it
first, *missed* when a poll found it, already a while old, before any delivery did. While push is healthy
the poller only reconciles (a slow pace that catches what push missed); when polls keep finding what no
delivery announced (``MISSES_TO_FALL_BACK`` of the last ``WINDOW`` arrivals), or the receiver cannot take
deliveries (it cannot listen, the integration is disabled), the app polls at full pace again and says why.
Push is trusted again after ``ANNOUNCED_TO_RECOVER`` arrivals in a row came by delivery.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from tui.live.events import Channel, ChannelStatus

# A poll that finds something this young may simply have been quicker than its delivery: not a miss.
MISS_GRACE = timedelta(seconds=30)
WINDOW = 10
MISSES_TO_FALL_BACK = 3
ANNOUNCED_TO_RECOVER = 5


NOT_SET_UP = ChannelStatus(Channel.POLL, "")


class PushHealth:
    def __init__(self) -> None:
        self.status = NOT_SET_UP
        self._expected = False
        self._trusted = False  # deliveries have come and polls are not finding what they missed
        self._problem = ""  # the receiver cannot take deliveries: why
        self._recent: deque[bool] = deque(maxlen=WINDOW)  # arrivals, True when a delivery came first
        self._announced_in_a_row = 0
        self._fell_back = ""

    def expect(self) -> ChannelStatus:
        """A webhook source is running: push may carry the data once deliveries come."""
        self._expected = True
        return self._update()

    def problem(self, reason: str) -> ChannelStatus:
        """The receiver cannot take deliveries (``reason``), or can again (empty)."""
        self._problem = reason
        if not reason:
            self._recent.clear()
        return self._update()

    def arrived(self, *, pushed: bool, happened: list[datetime | None], now: datetime) -> ChannelStatus:
        """What a batch brought: by a delivery (``pushed``: any delivery shows push works) or a poll, and
        when each thing seen for the first time happened."""
        if not self._expected:
            return self.status
        if pushed:
            self._announced_in_a_row += len(happened)
            if not self._trusted and (
                not self._fell_back or self._announced_in_a_row >= ANNOUNCED_TO_RECOVER
            ):
                self._trusted = True
                self._fell_back = ""
                self._recent.clear()
            self._recent.extend(True for _ in happened)
            return self._update()
        if not happened:
            return self.status
        missed = [when for when in happened if when is not None and now - when >= MISS_GRACE]
        if missed:
            self._announced_in_a_row = 0
            self._recent.extend(False for _ in missed)
            misses = list(self._recent).count(False)
            if self._trusted and misses >= MISSES_TO_FALL_BACK:
                self._trusted = False
                self._fell_back = (
                    f"polls found {misses} of the last {len(self._recent)} calls and texts before any webhook"
                )
        return self._update()

    def _update(self) -> ChannelStatus:
        if not self._expected:
            status = NOT_SET_UP
        elif self._problem:
            status = ChannelStatus(Channel.POLL, self._problem)
        elif self._trusted:
            status = ChannelStatus(Channel.PUSH, "webhooks arriving")
        elif self._fell_back:
            status = ChannelStatus(Channel.POLL, self._fell_back)
        else:
            status = ChannelStatus(Channel.POLL, "no webhook received yet")
        self.status = status
        return status
