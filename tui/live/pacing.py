"""How fast the poller may go, from what the rate budget leaves.

The budget counts in rolling windows (any 3,600 s and any 86,400 s). Polls may use the background part of
the app's share (the rest stays free for the user's own actions), and the poller aims a little under even
that (``HOUR_HEADROOM``).

The pace is a rate, not a wait per cycle: each cycle reads the calls list (one request); what the poller
reads besides (conversations, the odd re-read) is averaged and taken off that rate, so the gap between two
call polls stays even instead of stretching after every expensive cycle. And the pace never takes the
rolling hour to the cap (``safe_rate``: no faster than the requests in it leave, once it is nearly full),
so a burst (catch-up pages, the user's actions) slows the polls a little at once instead of coming back an
hour later as a budget wait in front of a call poll.

The day's budget is planned an hour of the day at a time (``hourly_plan``), by when calls are expected
(``profile.ArrivalProfile``). Hours that expect no calls get one poll every ``MAX_INTERVAL_S``; the others
share the rest of the day's budget by the square root of each hour's expected share (the split that makes the
average wait shortest for a given number of requests), never above the hourly pace, and never below
``ACTIVE_FLOOR`` of an even split, so an hour with few calls is not starved for the busy ones. A plan that
repeats daily keeps any rolling 86,400 s within the day's budget, since the requests of an hour leave the
window just as that hour comes round again. Should the rolling day fill anyway (the user's actions, another
copy of the app), the pace slows near its end (``DAY_TAPER_START`` left) towards what the day allows around
the clock, so it never stops polling altogether."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

from tui.callrail.budget import DEFAULT_BACKGROUND_RESERVE, BudgetSnapshot
from tui.live.profile import ArrivalProfile

HOUR = 3600.0
DAY = 86400.0
BACKGROUND_SHARE = 1 - DEFAULT_BACKGROUND_RESERVE  # as RateBudget computes the background cap
# The poller aims this fraction under the background cap of the rolling hour.
HOUR_HEADROOM = 0.015
# Requests kept free under the background cap when working out a pace that never meets it.
SAFETY_MARGIN = 2
MIN_INTERVAL_S = 2.0
MAX_INTERVAL_S = 240.0  # the slowest pace: in hours that expect no calls
MAX_SLOWDOWN = 10.0
# The calls list keeps at least this share of the pace, however much else is read.
MIN_CALLS_SHARE = 0.5
# An hour expecting less than this fraction of an even share of the day's calls expects none.
ACTIVE_FRACTION = 0.1
# An hour that expects calls gets at least this fraction of an even split (over such hours) of the day.
ACTIVE_FLOOR = 0.8
# The plan leaves this fraction of the day's background budget unspent.
DAY_HEADROOM = 0.01
# Fraction of the day's background budget left below which the pace starts to slow, and where it reaches
# the around-the-clock pace.
DAY_TAPER_START = 0.015
DAY_TAPER_END = 0.0025


def _floor(value: float) -> int:
    return max(0, math.floor(value + 1e-9))


def background_caps(snapshot: BudgetSnapshot) -> tuple[int, int]:
    """The most requests background polls may have in any hour and any day."""
    return _floor(snapshot.limit_hour * BACKGROUND_SHARE), _floor(snapshot.limit_day * BACKGROUND_SHARE)


def hour_target(snapshot: BudgetSnapshot) -> float:
    """How many requests the poller aims to have in the rolling hour."""
    return background_caps(snapshot)[0] * (1 - HOUR_HEADROOM)


@lru_cache(maxsize=16)
def hourly_plan(shares: tuple[float, ...], hour_target: float, day_target: float) -> tuple[float, ...]:
    """Requests to spend in each hour of the day: ``day_target`` in all, at most ``hour_target`` an hour.

    An hour that expects no calls gets one poll every ``MAX_INTERVAL_S``. The others share the rest: each
    gets its square-root weight scaled by one factor (found by bisection), held between ``ACTIVE_FLOOR``
    of an even split and the hourly pace."""
    idle = HOUR / MAX_INTERVAL_S
    active = [share * len(shares) >= ACTIVE_FRACTION for share in shares]
    if not any(active):
        active = [True] * len(shares)
    left = day_target - idle * active.count(False)
    floor = min(hour_target, max(idle, ACTIVE_FLOOR * left / active.count(True)))
    weights = [math.sqrt(share) if busy else 0.0 for share, busy in zip(shares, active, strict=True)]
    if floor * active.count(True) >= left:
        return tuple(floor if busy else idle for busy in active)

    def spent(scale: float) -> list[float]:
        return [min(hour_target, max(floor, scale * weight)) if weight else idle for weight in weights]

    low_scale, high_scale = 0.0, hour_target / min(w for w in weights if w > 0)
    for _ in range(60):
        scale = (low_scale + high_scale) / 2
        low_scale, high_scale = (low_scale, scale) if sum(spent(scale)) > day_target else (scale, high_scale)
    return tuple(spent(low_scale))


def planned_rate(snapshot: BudgetSnapshot, profile: ArrivalProfile, now: datetime) -> float:
    """Requests per second the day's plan gives the hour of ``now``."""
    day_cap = background_caps(snapshot)[1]
    plan = hourly_plan(profile.shares, hour_target(snapshot), day_cap * (1 - DAY_HEADROOM))
    return plan[now.astimezone(UTC).hour] / HOUR


def sustainable_rate(snapshot: BudgetSnapshot, planned: float) -> float:
    """Requests per second everything in the background may average now: the ``planned`` rate, slowed
    towards the around-the-clock pace when the rolling day is nearly spent."""
    hour_cap, day_cap = background_caps(snapshot)
    if hour_cap <= 0 or day_cap <= 0:
        return 0.0
    around_the_clock = min(planned, day_cap / DAY)
    left = max(0.0, day_cap - snapshot.used_day) / day_cap
    weight = min(1.0, max(0.0, (left - DAY_TAPER_END) / (DAY_TAPER_START - DAY_TAPER_END)))
    return around_the_clock + (planned - around_the_clock) * weight


def safe_rate(used: int, cap: float, leaving: Sequence[float]) -> float:
    """The fastest steady rate (requests per second) at which a rolling hour now holding ``used`` requests
    stays at or under ``cap`` all through the next hour, given when the requests we know of leave it
    (``leaving``: seconds from now, ascending; any others in ``used`` are assumed to stay).

    The k-th request from now goes at k / rate; it fits if by then k - (cap - used) of ours have left.
    """
    slack = math.floor(cap) - used
    best = (slack + len(leaving)) / HOUR
    for gone, seconds in enumerate(leaving):
        fits = slack + gone + 1  # requests that fit before this one leaves
        if fits > 0 and seconds > 0:
            best = min(best, fits / seconds)
    return max(0.0, best)


def call_interval(
    snapshot: BudgetSnapshot,
    *,
    planned: float,
    others_rate: float = 0.0,
    leaving: Sequence[float] | None = None,
) -> float:
    """Seconds between two reads of the calls list (start to start).

    ``planned``: requests per second the day's plan gives this hour (``planned_rate``).
    ``others_rate``: what the poller's other reads (conversations, re-reads) have averaged lately, in
    requests per second; it comes off the pace. ``leaving``: when the poller's own requests in the rolling
    hour leave it (seconds from now, ascending); with it, the pace never fills the hour to the cap, however
    bursty the last hour was (user actions and catch-up pages included).
    """
    rate = sustainable_rate(snapshot, planned)
    if leaving is not None:
        hour_cap = background_caps(snapshot)[0]
        rate = min(rate, safe_rate(snapshot.used_hour, hour_cap - SAFETY_MARGIN, leaving))
    if rate <= 0:
        return MAX_INTERVAL_S
    calls = max(rate * MIN_CALLS_SHARE, rate - others_rate)
    interval = 1 / calls
    return min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, interval))


def slowdown(snapshot: BudgetSnapshot, planned: float) -> float:
    """How much slower than the hourly pace the day's budget makes the poller go now (1: not at all)."""
    target = hour_target(snapshot) / HOUR
    rate = sustainable_rate(snapshot, planned)
    if target <= 0 or rate <= 0:
        return MAX_SLOWDOWN
    return min(MAX_SLOWDOWN, max(1.0, target / rate))
