"""When calls are expected: each hour of the day's share of the day's calls (hours in UTC), so the poller
can spend the day's budget where the calls are (``pacing.hourly_plan``).

Learned from the calls in the store (up to a week of them, counted by the hour they started in); while the
history is short, a default weighs in as ``PRIOR_CALLS`` calls: the companies' business hours
(``BUSINESS_HOURS``, each company in its own time zone, a little after hours), or a flat day when no
company is known yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOURS = 24
BUSINESS_HOURS = range(8, 18)  # local time
AFTER_HOURS_WEIGHT = 0.02  # an hour with the company closed, against one with it open
PRIOR_CALLS = 100  # how many calls' worth of weight the default has against the history
HISTORY_DAYS = 7  # the most history learned from


class CallHistory(Protocol):  # what the store offers (``Store``)
    def oldest_call_start(self) -> datetime | None: ...
    def calls_per_hour(self, since: datetime) -> list[int]: ...


@dataclass(frozen=True)
class ArrivalProfile:
    shares: tuple[float, ...]  # HOURS values that sum to 1, by UTC hour of day

    def share_at(self, moment: datetime) -> float:
        return self.shares[moment.astimezone(UTC).hour]


FLAT = ArrivalProfile((1 / HOURS,) * HOURS)


def _normalised(weights: Sequence[float]) -> ArrivalProfile:
    total = sum(weights)
    if total <= 0:
        return FLAT
    return ArrivalProfile(tuple(weight / total for weight in weights))


def business_hours(time_zones: Iterable[str | None], day: date) -> ArrivalProfile:
    """The default: each company open ``BUSINESS_HOURS`` in its zone on ``day``; flat with no company."""
    weights = [0.0] * HOURS
    for name in time_zones:
        try:
            zone = ZoneInfo(name) if name else UTC
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        for hour in range(HOURS):
            local = datetime.combine(day, time(hour), UTC).astimezone(zone).hour
            weights[hour] += 1.0 if local in BUSINESS_HOURS else AFTER_HOURS_WEIGHT
    return _normalised(weights)


def learned(calls_per_hour: Sequence[int], default: ArrivalProfile) -> ArrivalProfile:
    """The history (calls counted by UTC hour of day) with the default weighing as ``PRIOR_CALLS``."""
    return _normalised(
        [count + PRIOR_CALLS * share for count, share in zip(calls_per_hour, default.shares, strict=True)]
    )


def from_store(store: CallHistory, time_zones: Iterable[str | None], now: datetime) -> ArrivalProfile:
    """Learned from whole days of stored calls back from ``now`` (at least one, at most
    ``HISTORY_DAYS``), so every hour of the day is counted as often as the others and the part of today
    already past does not weigh twice; the companies' business hours as the default."""
    oldest = store.oldest_call_start() or now
    days = min(HISTORY_DAYS, max(1, (now - oldest) // timedelta(days=1)))
    counts = store.calls_per_hour(now - timedelta(days=days))
    return learned(counts, business_hours(time_zones, now.date()))
