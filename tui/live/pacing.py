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

The daily cap allows the hourly pace for about ten hours. The poller cannot know how long the working day
is, so it keeps the hourly pace while the day's budget lasts and only near its end (``DAY_TAPER_START``
left) slows towards the pace that could be kept up around the clock, so it never stops polling altogether.
When nothing has happened for a while it slows down, gradually, to half the pace.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tui.callrail.budget import DEFAULT_BACKGROUND_RESERVE, BudgetSnapshot

HOUR = 3600.0
DAY = 86400.0
BACKGROUND_SHARE = 1 - DEFAULT_BACKGROUND_RESERVE  # as RateBudget computes the background cap
# The poller aims this fraction under the background cap of the rolling hour.
HOUR_HEADROOM = 0.015
# Requests kept free under the background cap when working out a pace that never meets it.
SAFETY_MARGIN = 2
MIN_INTERVAL_S = 2.0
MAX_INTERVAL_S = 60.0
MAX_SLOWDOWN = 10.0
# The calls list keeps at least this share of the pace, however much else is read.
MIN_CALLS_SHARE = 0.5
# Nothing new for QUIET_AFTER_S: the pace eases off, reaching 1/QUIET_SLOWDOWN after QUIET_FULL_S.
QUIET_AFTER_S = 10 * 60.0
QUIET_FULL_S = 30 * 60.0
QUIET_SLOWDOWN = 2.0
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


def sustainable_rate(snapshot: BudgetSnapshot) -> float:
    """Requests per second everything in the background may average now (hourly pace, day taper)."""
    hour_cap, day_cap = background_caps(snapshot)
    if hour_cap <= 0 or day_cap <= 0:
        return 0.0
    hourly = hour_target(snapshot) / HOUR
    around_the_clock = min(hourly, day_cap / DAY)
    left = max(0.0, day_cap - snapshot.used_day) / day_cap
    weight = min(1.0, max(0.0, (left - DAY_TAPER_END) / (DAY_TAPER_START - DAY_TAPER_END)))
    return around_the_clock + (hourly - around_the_clock) * weight


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


def quiet_factor(idle_s: float) -> float:
    """How much slower to poll after ``idle_s`` seconds with no new call and none in progress."""
    if idle_s <= QUIET_AFTER_S:
        return 1.0
    progress = min(1.0, (idle_s - QUIET_AFTER_S) / (QUIET_FULL_S - QUIET_AFTER_S))
    return 1.0 + (QUIET_SLOWDOWN - 1.0) * progress


def call_interval(
    snapshot: BudgetSnapshot,
    *,
    others_rate: float = 0.0,
    leaving: Sequence[float] | None = None,
    idle_s: float = 0.0,
) -> float:
    """Seconds between two reads of the calls list (start to start).

    ``others_rate``: what the poller's other reads (conversations, re-reads) have averaged lately, in
    requests per second; it comes off the pace. ``leaving``: when the poller's own requests in the rolling
    hour leave it (seconds from now, ascending); with it, the pace never fills the hour to the cap, however
    bursty the last hour was (user actions and catch-up pages included).
    """
    rate = sustainable_rate(snapshot)
    if leaving is not None:
        hour_cap = background_caps(snapshot)[0]
        rate = min(rate, safe_rate(snapshot.used_hour, hour_cap - SAFETY_MARGIN, leaving))
    if rate <= 0:
        return MAX_INTERVAL_S
    calls = max(rate * MIN_CALLS_SHARE, rate - others_rate)
    interval = quiet_factor(idle_s) / calls
    return min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, interval))


def slowdown(snapshot: BudgetSnapshot) -> float:
    """How much slower than the hourly pace the day's budget makes the poller go now (1: not at all)."""
    target = hour_target(snapshot) / HOUR
    rate = sustainable_rate(snapshot)
    if target <= 0 or rate <= 0:
        return MAX_SLOWDOWN
    return min(MAX_SLOWDOWN, max(1.0, target / rate))
