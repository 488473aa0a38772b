"""What happens when: timed scenario events in time order (ties keep the order they were scheduled in)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from datetime import datetime


class Timeline:
    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, str, object]] = []
        self._seq = itertools.count()

    def schedule(self, at: datetime, kind: str, subject: object) -> None:
        heapq.heappush(self._heap, (at, next(self._seq), kind, subject))

    def due(self, now: datetime) -> Iterator[tuple[datetime, str, object]]:
        """Pop every event due by ``now``, earliest first; events scheduled meanwhile are included."""
        while self._heap and self._heap[0][0] <= now:
            at, _, kind, subject = heapq.heappop(self._heap)
            yield at, kind, subject
