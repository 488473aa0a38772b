"""The account's other integration: requests that use ``external_share`` of its general limits."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tui.sim.config import SimConfig
from tui.sim.ratelimit import GENERAL, RateLimiter
from tui.sim.requests import RequestRecord


class ExternalTraffic:
    def __init__(self, config: SimConfig, limiter: RateLimiter, account_id: str, start: datetime) -> None:
        self._config = config
        self._limiter = limiter
        self._account_id = account_id
        self._next_hour_start = start
        self._pending: list[datetime] = []

    def advance(self, now: datetime) -> list[RequestRecord]:
        """The other integration's requests up to ``now``, each counted (or refused) like any other."""
        config = self._config
        if config.external_share <= 0:
            return []
        per_hour = config.external_share * min(config.hourly_limit, config.daily_limit / 24)
        while self._next_hour_start <= now:
            hour_start = self._next_hour_start
            rng = random.Random(f"{config.seed}:external:{hour_start.timestamp()}")
            count = int(per_hour) + (rng.random() < per_hour % 1)
            self._pending.extend(
                sorted(hour_start + timedelta(seconds=rng.uniform(0, 3600)) for _ in range(count))
            )
            self._next_hour_start = hour_start + timedelta(hours=1)
        path = f"/v3/a/{self._account_id}/calls.json"
        records = []
        while self._pending and self._pending[0] <= now:
            at = self._pending.pop(0)
            allowed = self._limiter.allows(self._account_id, GENERAL, at)
            if allowed:
                self._limiter.record(self._account_id, GENERAL, at)
            records.append(RequestRecord(at, "GET", path, 200 if allowed else 429, GENERAL, external=True))
        return records
