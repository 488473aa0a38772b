from datetime import UTC, datetime, timedelta

import pytest

from tui.callrail.budget import BudgetSnapshot
from tui.callrail.models import Call
from tui.live.followups import Followups
from tui.live.pacing import MAX_INTERVAL_S, poll_interval

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def snapshot(used_day: int = 0, limit_hour: int = 800, limit_day: int = 8000) -> BudgetSnapshot:
    return BudgetSnapshot(0, limit_hour, used_day, limit_day, 0, 120, 0, 800, None, False)


def test_busy_pace_is_the_hourly_background_budget():
    # 800/h for the app, 90% of it for polls: 720/h, one request every 5 s
    assert poll_interval(snapshot(), spent=1, busy=True) == pytest.approx(5.0)
    assert poll_interval(snapshot(), spent=3, busy=True) == pytest.approx(15.0)


def test_quiet_pace_is_slower():
    assert poll_interval(snapshot(), spent=1, busy=False) == pytest.approx(10.0)


def test_pace_slows_as_the_day_budget_runs_low_but_never_stops():
    fresh = poll_interval(snapshot(), spent=1, busy=True)
    low = poll_interval(snapshot(used_day=6500), spent=1, busy=True)
    empty = poll_interval(snapshot(used_day=8000), spent=1, busy=True)
    assert fresh < low < empty
    assert empty == pytest.approx(86400 / 7200)  # the around-the-clock pace


def test_the_budget_wait_and_the_cap_bound_the_interval():
    assert poll_interval(snapshot(), spent=1, busy=True, budget_wait=42.0) == 42.0
    assert poll_interval(snapshot(), spent=100, busy=True) == MAX_INTERVAL_S
    assert poll_interval(snapshot(limit_hour=0), spent=1, busy=True) == MAX_INTERVAL_S


def call(call_id: str, minutes_ago: float, call_type: str, duration: int = 60, **fields) -> Call:
    start = NOW - timedelta(minutes=minutes_ago)
    return Call.model_validate(
        {"id": call_id, "start_time": start.isoformat(), "call_type": call_type, "duration": duration}
        | fields
    )


def test_finished_call_is_reread_at_growing_gaps_then_given_up():
    followups = Followups()
    followups.track([call("A", 1, "answered")], NOW)  # ended now
    due_times = []
    moment = NOW
    while moment < NOW + timedelta(minutes=30):
        if followups.due(moment):
            due_times.append(round((moment - NOW).total_seconds() / 60))
            followups.fetched("A", moment)
        moment += timedelta(seconds=30)
    assert due_times == [1, 3, 8, 20]
    assert len(followups) == 0


def test_only_calls_with_a_recording_to_come_are_followed():
    followups = Followups()
    followups.track(
        [
            call("missed", 1, "missed", duration=0),
            call("abandoned", 1, "abandoned", duration=5),
            call("done", 1, "answered", recording="https://r", transcription="hi"),
            call("old", 60, "answered"),
        ],
        NOW,
    )
    assert len(followups) == 0


def test_live_calls_are_watched_and_stale_ones_reread():
    followups = Followups()
    followups.track(
        [call("live", 10, "in_progress", duration=0), call("stale", 6 * 60, "in_progress", duration=0)], NOW
    )
    assert followups.oldest_live_start() == NOW - timedelta(minutes=10)
    assert followups.due(NOW) == ["stale"]
    followups.fetched("stale", NOW)
    assert followups.due(NOW + timedelta(minutes=1)) == []
    assert followups.due(NOW + timedelta(minutes=5)) == ["stale"]
    followups.track([call("live", 10, "answered", duration=300)], NOW)
    assert followups.oldest_live_start() is None
