"""How long to wait before the next poll, from what the rate budget leaves.

The budget counts in rolling windows (any 3,600 s and any 86,400 s). Polls may use the background part of
the app's share; the rest stays free for the user's own actions. The hourly cap sets the fastest sustainable
pace. The daily cap allows that pace for about ten hours; so while most of the day's budget is left (a
working day) the poller runs at the hourly pace, and as the day's budget runs low it slows towards the pace
that could be kept up around the clock, so it never stops polling altogether. When nothing is happening
(no call in progress, none new for a while) it polls at half that pace, saving budget for busy hours.
Each wait pays for the requests the last cycle actually made, so catch-up pages and re-reads slow the
next cycle instead of overrunning the hour.
"""

from __future__ import annotations

from tui.callrail.budget import BudgetSnapshot

BACKGROUND_SHARE = 0.9  # RateBudget's default background_reserve is 0.1
MIN_INTERVAL_S = 2.0
MAX_INTERVAL_S = 60.0
QUIET_SLOWDOWN = 2.0
# Fraction of the day's budget left below which the pace starts to slow, and where it reaches the floor.
DAY_TAPER_START = 0.15
DAY_TAPER_END = 0.05


def sustainable_rate(snapshot: BudgetSnapshot) -> float:
    """Requests per second the poller may spend now."""
    hour_cap = snapshot.limit_hour * BACKGROUND_SHARE
    day_cap = snapshot.limit_day * BACKGROUND_SHARE
    if hour_cap <= 0 or day_cap <= 0:
        return 0.0
    hourly = hour_cap / 3600
    around_the_clock = min(hourly, day_cap / 86400)
    left = max(0.0, day_cap - snapshot.used_day) / day_cap
    weight = min(1.0, max(0.0, (left - DAY_TAPER_END) / (DAY_TAPER_START - DAY_TAPER_END)))
    return around_the_clock + (hourly - around_the_clock) * weight


def poll_interval(snapshot: BudgetSnapshot, *, spent: int, busy: bool, budget_wait: float = 0.0) -> float:
    """Seconds until the next cycle, given the requests the last one made and whether calls are active."""
    rate = sustainable_rate(snapshot)
    if rate <= 0:
        return MAX_INTERVAL_S
    interval = max(1, spent) / rate
    if not busy:
        interval *= QUIET_SLOWDOWN
    return max(budget_wait, min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, interval)))
