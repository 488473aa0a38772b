"""The rate budget: the client asks it before every request, so the app never overruns CallRail's limits.

CallRail counts requests per account in hourly and daily windows (general 1,000/h and 10,000/day; SMS send
150/h and 1,000/day; outbound calls 100/h and 2,000/day), shared by every integration on the account, and
its only signal is a 429. Whether its windows are rolling or clock hours is unknown, so the budget counts in
rolling windows: never more than the cap in *any* 3,600 s (86,400 s) span also keeps every clock hour (day)
under it. An SMS send or an outbound call also counts as a general request.

The app takes ``share`` of each limit (80% by default) and leaves the rest to the account's other
integrations; background polls may use only ``1 - background_reserve`` of that, so user actions still get
through when polling is busy. ``x-rate-limit-*`` headers, when the server sends them, shrink the cap so
that the account's total stays under what the server allows. After a 429 nothing is sent until the backoff
ends; then one probe at a time tests whether the 429s have stopped.

With a ``state_dir`` the request timestamps live in a file per scope under a file lock: they survive a
restart, and two processes for the same account on one machine share one budget.
"""

from __future__ import annotations

import logging
import math
import random
from bisect import bisect_left, insort
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path

import platformdirs

from .budget_store import Backoff, BudgetState, BudgetStore, FileStore, MemoryStore, ServerView
from .clock import Clock, SystemClock
from .errors import BudgetExhausted

log = logging.getLogger(__name__)

HOUR = 3600.0
DAY = 86400.0
BACKOFF_START = 60.0
BACKOFF_CAP = 900.0
JITTER = 0.25  # a backoff lasts its interval times 1..1.25, so two processes do not probe in step
PROBE_POLL = 1.0  # while a probe is out, waiters look this often whether it succeeded
# A request exactly one window old still counts, and clocks round (to microseconds): waits end just past.
_EPS = 0.001
_WINDOWS = (("hourly", HOUR), ("daily", DAY))
# Kept free of background polls for the user's own actions (open, tag, send): 2.5% of the app's share, 20 of
# 800 an hour and 200 of 8,000 a day at the documented limits. The poller also paces itself a little under
# the rest (``tui.live.pacing``), so a user action rarely waits even in a burst.
DEFAULT_BACKGROUND_RESERVE = 0.025


class Bucket(StrEnum):
    GENERAL = "general"
    SMS = "sms"
    OUTBOUND = "outbound"


@dataclass(frozen=True)
class Limits:
    """The account's limits (CallRail's documented defaults; support can raise them)."""

    hourly: int = 1000
    daily: int = 10_000
    sms_hourly: int = 150
    sms_daily: int = 1000
    outbound_hourly: int = 100
    outbound_daily: int = 2000

    def of(self, bucket: Bucket, window: str) -> int:
        prefix = "" if bucket is Bucket.GENERAL else f"{bucket.value}_"
        return getattr(self, prefix + window)


@dataclass(frozen=True)
class BudgetSnapshot:
    """The app's own use and caps (after share and server corrections): for pacing the poller, and as the
    UI's meter shows them."""

    used_hour: int
    limit_hour: int
    used_day: int
    limit_day: int
    sms_used_hour: int
    sms_limit_hour: int
    sms_used_day: int
    sms_limit_day: int
    backoff_until: datetime | None = None  # after a 429; once past, the next request is a probe
    probing: bool = False  # a probe is out and has not been answered yet
    calls_used_hour: int = 0  # outbound calls placed (call back)
    calls_limit_hour: int = 0
    calls_used_day: int = 0
    calls_limit_day: int = 0


def default_state_dir() -> Path:
    return Path(platformdirs.user_state_dir("callrail-tui")) / "budget"


class RateBudget:
    """One account's budget.

    ``scope`` names the account in the state file: pass the account id or a hash of the key, never the
    API key itself. ``rng`` (a ``random.Random``) makes the backoff jitter reproducible in tests.
    """

    def __init__(
        self,
        scope: str,
        *,
        limits: Limits = Limits(),
        share: float = 0.8,
        state_dir: Path | None = None,
        clock: Clock | None = None,
        background_reserve: float = DEFAULT_BACKGROUND_RESERVE,
        rng: random.Random | None = None,
        store: BudgetStore | None = None,
    ) -> None:
        if not 0 < share <= 1 or not 0 <= background_reserve < 1:
            raise ValueError("share must be in (0, 1] and background_reserve in [0, 1)")
        self.scope = scope
        self._limits = limits
        self._share = share
        self._reserve = background_reserve
        self._clock = clock or SystemClock()
        self._rng = rng or random.Random()
        if store is None:
            store = FileStore(state_dir, scope) if state_dir is not None else MemoryStore()
        self._store = store

    async def acquire(
        self,
        bucket: Bucket | str = Bucket.GENERAL,
        *,
        background: bool = False,
        wait: bool = True,
        max_wait: float | None = None,
    ) -> None:
        """Count one request, waiting until it fits; BudgetExhausted if ``wait`` is False or the wait
        would pass ``max_wait`` seconds."""
        bucket = Bucket(bucket)
        started = self._clock.monotonic()
        while True:
            # Check and record happen in one step with no await (and under the file lock), so concurrent
            # acquires in this process or another cannot both take the last slot.
            with self._store.transaction() as state:
                now = self._clock.time()
                _prune(state, now)
                delay = self._delay(state, bucket, background, now)
                if delay == 0:
                    self._record(state, bucket, now)
                    return
                backing_off = state.backoff.until is not None
            waited = self._clock.monotonic() - started
            if not wait or math.isinf(delay) or (max_wait is not None and waited + delay > max_wait):
                raise BudgetExhausted(
                    _refusal(bucket, delay, backing_off), bucket=bucket.value, available_in=delay
                )
            await self._clock.sleep(delay)

    def on_response(
        self, bucket: Bucket | str, status: int, headers: Mapping[str, str] | None = None
    ) -> None:
        """Learn from a response: a 429 starts or extends the backoff, a probe's success ends it, and
        ``x-rate-limit-*`` headers correct the picture of the account's use."""
        bucket = Bucket(bucket)
        fields = {name.lower(): value for name, value in (headers or {}).items()}
        with self._store.transaction() as state:
            now = self._clock.time()
            self._observe(state, bucket, fields, now)
            if status == 429:
                self._back_off(state, _retry_after(fields, self._clock.now()), now)
            elif state.backoff.probing:
                log.info("Rate limit backoff over for %s", self.scope)
                state.backoff = Backoff()

    def available_in(self, bucket: Bucket | str = Bucket.GENERAL, *, background: bool = False) -> float:
        """Seconds until one request fits (0: now; inf: never with these limits)."""
        with self._store.transaction(write=False) as state:
            return self._delay(state, Bucket(bucket), background, self._clock.time())

    def snapshot(self) -> BudgetSnapshot:
        with self._store.transaction(write=False) as state:
            now = self._clock.time()
            general = [self._usage(state, Bucket.GENERAL, window, now) for window in _WINDOWS]
            sms = [self._usage(state, Bucket.SMS, window, now) for window in _WINDOWS]
            (calls_hour, calls_hour_cap), (calls_day, calls_day_cap) = (
                self._usage(state, Bucket.OUTBOUND, window, now) for window in _WINDOWS
            )
            until = state.backoff.until
            return BudgetSnapshot(
                *general[0],
                *general[1],
                *sms[0],
                *sms[1],
                backoff_until=None if until is None else datetime.fromtimestamp(until, UTC),
                probing=state.backoff.probing,
                calls_used_hour=calls_hour,
                calls_limit_hour=calls_hour_cap,
                calls_used_day=calls_day,
                calls_limit_day=calls_day_cap,
            )

    def _usage(
        self, state: BudgetState, bucket: Bucket, window: tuple[str, float], now: float
    ) -> tuple[int, int]:
        cap, _ = self._cap(state, bucket, window, False, now)
        return _count(state.stamps.get(bucket.value, []), window[1], now), cap

    def _cap(
        self, state: BudgetState, bucket: Bucket, window: tuple[str, float], background: bool, now: float
    ) -> tuple[int, float | None]:
        """How many of our requests the window may hold, and when that may grow (None: not before our
        own requests age out)."""
        name, length = window
        limit = self._limits.of(bucket, name)
        view = state.server.get(f"{bucket.value}/{name}")
        grows_at = None
        if view is not None:
            limit = min(limit, view.allowed)
        cap = _floor(limit * self._share)
        # Others' use is known only as of the last header; all of it has left any window one window later.
        if view is not None and now < view.at + length and view.allowed - view.others < cap:
            cap, grows_at = max(0, view.allowed - view.others), view.at + length
        if background:
            cap = _floor(cap * (1 - self._reserve))
        return cap, grows_at

    def _delay(self, state: BudgetState, bucket: Bucket, background: bool, now: float) -> float:
        delay = 0.0
        for counted in {bucket, Bucket.GENERAL}:
            stamps = state.stamps.get(counted.value, [])
            for window in _WINDOWS:
                cap, grows_at = self._cap(state, counted, window, background, now)
                delay = max(delay, _window_delay(stamps, window[1], cap, grows_at, now))
        backoff = state.backoff
        if backoff.until is not None and now < backoff.until:
            remaining = backoff.until - now + _EPS
            delay = max(delay, min(remaining, PROBE_POLL) if backoff.probing else remaining)
        return delay

    def _record(self, state: BudgetState, bucket: Bucket, now: float) -> None:
        for counted in {bucket, Bucket.GENERAL}:
            insort(state.stamps.setdefault(counted.value, []), now)
        backoff = state.backoff
        if backoff.until is not None:
            # This request is the probe. If it is lost (no response reaches on_response) the next probe
            # may go one interval later.
            backoff.probing = True
            backoff.until = now + backoff.interval

    def _observe(self, state: BudgetState, bucket: Bucket, fields: dict[str, str], now: float) -> None:
        for name, length in _WINDOWS:
            allowed = _int(fields.get(f"x-rate-limit-{name}-allowed"))
            used = _int(fields.get(f"x-rate-limit-{name}-used"))
            if allowed is None or used is None:
                continue
            # The server's count includes ours; what it counts beyond ours is other integrations' use.
            # If its window is a clock hour it may count fewer of ours than we do: then others are 0.
            ours = _count(state.stamps.get(bucket.value, []), length, now)
            state.server[f"{bucket.value}/{name}"] = ServerView(allowed, max(0, used - ours), now)

    def _back_off(self, state: BudgetState, retry_after: float, now: float) -> None:
        backoff = state.backoff
        if backoff.until is not None and not backoff.probing:
            # A request sent before the first 429 was answered: it says nothing new about the limit.
            backoff.until = max(backoff.until, now + retry_after)
            return
        interval = BACKOFF_START if backoff.until is None else min(2 * backoff.interval, BACKOFF_CAP)
        wait = max(interval * (1 + JITTER * self._rng.random()), retry_after)
        state.backoff = Backoff(until=now + wait, interval=interval)
        log.warning("CallRail rate limit (429) for %s: backing off %.0f s", self.scope, wait)


def _prune(state: BudgetState, now: float) -> None:
    for stamps in state.stamps.values():
        del stamps[: bisect_left(stamps, now - DAY)]


def _count(stamps: list[float], length: float, now: float) -> int:
    return len(stamps) - bisect_left(stamps, now - length)


def _window_delay(stamps: list[float], length: float, cap: int, grows_at: float | None, now: float) -> float:
    """Seconds until the window holds fewer than ``cap`` of ``stamps`` (sorted epoch seconds)."""
    if _count(stamps, length, now) < cap:
        return 0.0
    candidates = [grows_at - now + _EPS] if grows_at is not None else []
    if cap > 0:
        # Once the cap-th newest request ages out, cap - 1 remain.
        candidates.append(stamps[-cap] + length - now + _EPS)
    return max(0.0, min(candidates, default=math.inf))


def _floor(value: float) -> int:
    return max(0, math.floor(value + 1e-9))  # 0.3 * 10 is 2.9999999999999996


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(fields: dict[str, str], now: datetime) -> float:
    """Seconds from a Retry-After header (seconds or an HTTP date), at most a day; 0 if absent or bad."""
    value = fields.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return 0.0
    return min(max(0.0, seconds), DAY)  # max() also turns "nan" into 0


def _refusal(bucket: Bucket, delay: float, backing_off: bool) -> str:
    if math.isinf(delay):
        return f"The {bucket.value} rate budget is too small for any request."
    when = f"{delay:.0f} s" if delay < 120 else f"{delay / 60:.0f} min"
    if backing_off:
        return f"CallRail asked us to slow down; the next request can go in {when}."
    return f"The {bucket.value} request budget is used up for now; the next request can go in {when}."
