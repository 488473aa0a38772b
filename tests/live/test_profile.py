"""When calls are expected, learned from the store: every hour of the day counted as often as the others."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.live.test_store import make_call
from tui.live.profile import business_hours, from_store
from tui.live.store import MEMORY, Store

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)


def test_the_part_of_today_already_past_does_not_weigh_twice():
    store = Store(MEMORY)
    # the same day twice: ten calls in each of 13:00-22:00 UTC, yesterday and (up to now) today
    starts = [
        day.replace(hour=hour, minute=n)
        for day in (NOW - timedelta(days=1), NOW)
        for hour in range(13, 23)
        for n in range(10)
        if day.replace(hour=hour, minute=n) < NOW
    ]
    store.upsert_calls(
        [make_call(f"C{n}", (NOW - start).total_seconds() / 60) for n, start in enumerate(starts)],
        seen_at=NOW,
    )
    profile = from_store(store, ["America/New_York"], NOW)
    # the last 24 hours hold each of those hours once: today's 13:00-15:00, yesterday's 16:00-22:00
    assert abs(profile.shares[14] - profile.shares[20]) < 1e-9
    assert profile.shares[14] > 10 * profile.shares[4]


def test_no_history_is_the_companies_business_hours():
    default = business_hours(["America/Chicago"], NOW.date())
    assert from_store(Store(MEMORY), ["America/Chicago"], NOW).shares == pytest.approx(default.shares)
