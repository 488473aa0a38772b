import math

import pytest

from tui.callrail.budget import BudgetSnapshot
from tui.live.pacing import (
    BACKGROUND_SHARE,
    DAY_TAPER_START,
    HOUR_HEADROOM,
    MAX_INTERVAL_S,
    MIN_CALLS_SHARE,
    QUIET_FULL_S,
    QUIET_SLOWDOWN,
    call_interval,
    quiet_factor,
    safe_rate,
    sustainable_rate,
)

# 800/h and 8,000/day for the app; background polls may use 97.5% of it
HOUR_CAP = math.floor(800 * BACKGROUND_SHARE)
DAY_CAP = math.floor(8000 * BACKGROUND_SHARE)
TARGET = HOUR_CAP * (1 - HOUR_HEADROOM)  # what the poller aims to have in the rolling hour


def snapshot(
    used_hour: int = 0, used_day: int = 0, limit_hour: int = 800, limit_day: int = 8000
) -> BudgetSnapshot:
    return BudgetSnapshot(used_hour, limit_hour, used_day, limit_day, 0, 120, 0, 800, None, False)


def test_the_reserve_leaves_a_few_percent_for_user_actions():
    assert 0.01 <= 1 - BACKGROUND_SHARE <= 0.05
    assert HOUR_CAP < 800 and HOUR_CAP - TARGET >= 5


def test_busy_pace_is_the_hourly_background_target():
    assert call_interval(snapshot()) == pytest.approx(3600 / TARGET)
    assert 3600 / TARGET < 4.8  # at the documented limits, a call poll every ~4.7 s


def test_other_reads_come_off_the_pace_not_out_of_one_gap():
    # 60 conversation reads an hour: the calls get the rest, every gap the same
    assert call_interval(snapshot(), others_rate=60 / 3600) == pytest.approx(3600 / (TARGET - 60))
    # however much else is read, the calls keep a share of the pace
    flooded = call_interval(snapshot(), others_rate=10.0)
    assert flooded == pytest.approx(3600 / (TARGET * MIN_CALLS_SHARE))


def test_quiet_pace_eases_off_gradually():
    assert quiet_factor(0) == 1.0
    assert quiet_factor(9 * 60) == 1.0  # a ten-minute lull in a working day changes nothing
    assert 1.0 < quiet_factor(20 * 60) < QUIET_SLOWDOWN
    assert quiet_factor(QUIET_FULL_S) == QUIET_SLOWDOWN
    busy = call_interval(snapshot())
    assert call_interval(snapshot(), idle_s=3 * 3600) == pytest.approx(busy * QUIET_SLOWDOWN)


def test_a_ten_hour_day_at_the_hourly_pace_is_not_slowed_but_the_day_never_runs_out():
    hourly = TARGET / 3600
    assert sustainable_rate(snapshot(used_day=int(9.8 * TARGET))) == pytest.approx(hourly)
    assert DAY_CAP * DAY_TAPER_START < 0.5 * TARGET  # the taper is the last half hour's worth at most
    fresh = call_interval(snapshot())
    low = call_interval(snapshot(used_day=DAY_CAP - 60))
    empty = call_interval(snapshot(used_day=DAY_CAP))
    assert fresh < low < empty
    assert empty == pytest.approx(86400 / DAY_CAP)  # the around-the-clock pace


def test_the_interval_is_bounded():
    assert call_interval(snapshot(limit_hour=0)) == MAX_INTERVAL_S
    assert call_interval(snapshot(limit_hour=100_000, limit_day=1_000_000)) >= 2.0


def test_safe_rate_keeps_a_steady_hour_steady():
    # 700 requests spread evenly over the last hour: they leave at the same pace
    leaving = [(i + 1) * 3600 / 700 for i in range(700)]
    assert safe_rate(700, HOUR_CAP, leaving) >= 700 / 3600


def test_safe_rate_slows_only_as_much_as_a_burst_needs():
    # the hour is full: a steady 700 and, 10 minutes ago, a burst of user actions
    steady = [(i + 1) * 3600 / 700 for i in range(700)]
    burst = [3000.0] * (HOUR_CAP - 700)
    leaving = sorted(steady + burst)
    rate = safe_rate(HOUR_CAP, HOUR_CAP, leaving)
    assert rate == pytest.approx(700 / 3600)  # as fast as the steady requests leave, no faster
    assert rate < TARGET / 3600
    # the pace it allows never takes the hour over the cap
    for seconds in range(1, 3601, 7):
        gone = sum(1 for t in leaving if t <= seconds)
        assert HOUR_CAP - gone + math.floor(rate * seconds) <= HOUR_CAP


def test_a_full_hour_paces_to_the_requests_leaving_it():
    leaving = [10.0 * (i + 1) for i in range(HOUR_CAP)]
    assert safe_rate(HOUR_CAP, HOUR_CAP, leaving) == pytest.approx(1 / 10)
    interval = call_interval(snapshot(used_hour=HOUR_CAP), leaving=leaving)
    assert interval >= 10.0
