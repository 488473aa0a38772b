import math
from datetime import UTC, date, datetime

import pytest

from tui.callrail.budget import BudgetSnapshot
from tui.live.pacing import (
    ACTIVE_FLOOR,
    BACKGROUND_SHARE,
    DAY_TAPER_START,
    HOUR_HEADROOM,
    MAX_INTERVAL_S,
    MIN_CALLS_SHARE,
    call_interval,
    hourly_plan,
    planned_rate,
    safe_rate,
    sustainable_rate,
)
from tui.live.profile import FLAT, business_hours, learned

# 800/h and 8,000/day for the app; background polls may use 97.5% of it
HOUR_CAP = math.floor(800 * BACKGROUND_SHARE)
DAY_CAP = math.floor(8000 * BACKGROUND_SHARE)
TARGET = HOUR_CAP * (1 - HOUR_HEADROOM)  # what the poller aims to have in the rolling hour
HOURLY = TARGET / 3600  # requests per second at the hourly pace
COASTS = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]


def snapshot(
    used_hour: int = 0, used_day: int = 0, limit_hour: int = 800, limit_day: int = 8000
) -> BudgetSnapshot:
    return BudgetSnapshot(used_hour, limit_hour, used_day, limit_day, 0, 120, 0, 800, None, False)


def test_the_reserve_leaves_a_few_percent_for_user_actions():
    assert 0.01 <= 1 - BACKGROUND_SHARE <= 0.05
    assert HOUR_CAP < 800 and HOUR_CAP - TARGET >= 5


def test_busy_pace_is_the_hourly_background_target():
    assert call_interval(snapshot(), planned=HOURLY) == pytest.approx(3600 / TARGET)
    assert 3600 / TARGET < 4.8  # at the documented limits, a call poll every ~4.7 s


def test_other_reads_come_off_the_pace_not_out_of_one_gap():
    # 60 conversation reads an hour: the calls get the rest, every gap the same
    assert call_interval(snapshot(), planned=HOURLY, others_rate=60 / 3600) == pytest.approx(
        3600 / (TARGET - 60)
    )
    # however much else is read, the calls keep a share of the pace
    flooded = call_interval(snapshot(), planned=HOURLY, others_rate=10.0)
    assert flooded == pytest.approx(3600 / (TARGET * MIN_CALLS_SHARE))


def test_a_ten_hour_day_at_the_hourly_pace_is_not_slowed_but_the_day_never_runs_out():
    assert sustainable_rate(snapshot(used_day=int(9.8 * TARGET)), HOURLY) == pytest.approx(HOURLY)
    assert DAY_CAP * DAY_TAPER_START < 0.5 * TARGET  # the taper is the last half hour's worth at most
    fresh = call_interval(snapshot(), planned=HOURLY)
    low = call_interval(snapshot(used_day=DAY_CAP - 60), planned=HOURLY)
    empty = call_interval(snapshot(used_day=DAY_CAP), planned=HOURLY)
    assert fresh < low < empty
    assert empty == pytest.approx(86400 / DAY_CAP)  # the around-the-clock pace


def test_the_interval_is_bounded():
    assert call_interval(snapshot(limit_hour=0), planned=HOURLY) == MAX_INTERVAL_S
    assert call_interval(snapshot(limit_hour=100_000, limit_day=1_000_000), planned=1000.0) >= 2.0


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
    interval = call_interval(snapshot(used_hour=HOUR_CAP), planned=HOURLY, leaving=leaving)
    assert interval >= 10.0


def plan_for(profile) -> tuple[float, ...]:
    return hourly_plan(profile.shares, TARGET, DAY_CAP)


def test_a_day_in_one_time_zone_polls_its_business_hours_at_the_hourly_pace():
    plan = plan_for(business_hours(["America/New_York"], date(2026, 11, 24)))
    assert sum(plan) == pytest.approx(DAY_CAP)
    open_hours = range(13, 23)  # 08:00-18:00 in New York, in UTC
    assert all(plan[hour] > 0.95 * TARGET for hour in open_hours)
    assert all(plan[hour] == 3600 / MAX_INTERVAL_S for hour in range(24) if hour not in open_hours)


def test_a_coast_to_coast_day_spreads_the_budget_over_its_thirteen_hours():
    plan = plan_for(business_hours(COASTS, date(2026, 11, 24)))
    assert sum(plan) == pytest.approx(DAY_CAP)
    open_hours = [*range(13, 24), 0, 1]
    even = DAY_CAP / 24
    assert all(even < plan[hour] <= TARGET for hour in open_hours)  # every open hour beats an even pace
    assert plan[17] > plan[13]  # the busier hours (more companies open) get more
    assert min(plan[hour] for hour in open_hours) >= ACTIVE_FLOOR * (DAY_CAP - 11 * plan[5]) / 13 - 1e-6


def test_a_flat_profile_is_the_even_pace():
    assert plan_for(FLAT) == pytest.approx([DAY_CAP / 24] * 24)


def test_history_moves_the_plan_to_where_calls_came():
    default = business_hours(["America/New_York"], date(2026, 11, 24))
    night_shift = [0] * 24
    for hour in range(2, 8):
        night_shift[hour] = 200
    plan = plan_for(learned(night_shift, default))
    assert plan[4] > 1.5 * plan[15] > 1.5 * plan[9]  # the night shift's hours, the old hours, none
    now = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)
    assert planned_rate(snapshot(), learned(night_shift, default), now) == pytest.approx(
        plan[4] / 3600, rel=0.02
    )
