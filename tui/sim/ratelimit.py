"""Per-account request limits over rolling hour and day windows on the simulated clock.

Every request counts in the general bucket; a text send also counts in the SMS bucket and an outbound
call in the outbound bucket. A request refused with 429 does not count.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.sim.config import SimConfig

GENERAL, SMS, OUTBOUND = "general", "sms", "outbound"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    hourly: int
    daily: int


@dataclass(frozen=True)
class Usage:
    limits: Limits
    hourly_used: int
    daily_used: int

    @property
    def exhausted(self) -> bool:
        return self.hourly_used >= self.limits.hourly or self.daily_used >= self.limits.daily


class RateLimiter:
    def __init__(self, config: SimConfig) -> None:
        self.limits = {
            GENERAL: Limits(config.hourly_limit, config.daily_limit),
            SMS: Limits(config.sms_hourly_limit, config.sms_daily_limit),
            OUTBOUND: Limits(config.outbound_hourly_limit, config.outbound_daily_limit),
        }
        self._hits: dict[tuple[str, str], list[datetime]] = {}

    def usage(self, account_id: str, bucket: str, now: datetime) -> Usage:
        hits = self._window(account_id, bucket, now)
        hourly = len(hits) - bisect.bisect_right(hits, now - HOUR)
        return Usage(self.limits[bucket], hourly, len(hits))

    def allows(self, account_id: str, bucket: str, now: datetime) -> bool:
        return not any(self.usage(account_id, b, now).exhausted for b in _counted_in(bucket))

    def record(self, account_id: str, bucket: str, now: datetime) -> None:
        for counted in _counted_in(bucket):
            bisect.insort(self._hits.setdefault((account_id, counted), []), now)

    def _window(self, account_id: str, bucket: str, now: datetime) -> list[datetime]:
        hits = self._hits.setdefault((account_id, bucket), [])
        del hits[: bisect.bisect_right(hits, now - DAY)]
        return hits


def _counted_in(bucket: str) -> tuple[str, ...]:
    return (GENERAL,) if bucket == GENERAL else (GENERAL, bucket)


def bucket_for(method: str, path: str) -> str:
    if method == "POST" and path.endswith("/text-messages.json"):
        return SMS
    if method == "POST" and path.endswith("/calls.json"):
        return OUTBOUND
    return GENERAL
