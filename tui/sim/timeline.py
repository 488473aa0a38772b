"""What happens when: timed scenario events in time order (ties keep the order they were scheduled in),
and the Poisson arrivals that place them in an hour."""

from __future__ import annotations

import heapq
import itertools
import random
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


def arrivals(rng: random.Random, per_hour: float) -> list[float]:
    """Seconds into the hour at which a Poisson process of that rate fires."""
    offsets: list[float] = []
    if per_hour <= 0:
        return offsets
    at = rng.expovariate(per_hour) * 3600
    while at < 3600:
        offsets.append(at)
        at += rng.expovariate(per_hour) * 3600
    return offsets
