"""The facts beside a call: history that agrees with the list below it, a recording that may still come,
money with thousands separators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.callrail.models import Call
from tui.display import money
from tui.widgets.call_facts import call_facts, prior_calls

NOW = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)


def a_call(minutes_ago: float = 30, **fields) -> Call:
    data = {
        "id": "CAL1",
        "start_time": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "answered": True,
        "duration": 120,
        "customer_phone_number": "+15125550100",
        **fields,
    }
    return Call.model_validate(data)


def fact(call: Call, label: str, **options) -> str:
    return {f.label: f.value for f in call_facts(call, where=UTC, **options)}.get(label, "")


def test_history_agrees_with_the_calls_listed_below() -> None:
    assert prior_calls(a_call(first_call=True)) == "First-time caller"
    assert prior_calls(a_call(first_call=True), listed=1) == "1 earlier call"
    assert prior_calls(a_call(prior_calls=1), listed=1) == "1 earlier call"
    assert prior_calls(a_call(prior_calls=4), listed=1) == "4 earlier calls, 1 of them below"
    assert prior_calls(a_call(prior_calls=2), listed=0) == "2 earlier calls, before the ones below"
    assert prior_calls(a_call(prior_calls=0, first_call=False), listed=3) == "3 earlier calls"


def test_a_recording_that_may_still_come_says_not_yet() -> None:
    ended_just_now = a_call(minutes_ago=5)
    assert fact(ended_just_now, "Recording", now=NOW) == "not yet"
    long_ago = a_call(minutes_ago=120)
    assert fact(long_ago, "Recording", now=NOW) == "none"
    missed = a_call(minutes_ago=5, answered=False, duration=20)
    assert fact(missed, "Recording", now=NOW) == "none"  # a missed call never has one


def test_money_has_thousands_separators() -> None:
    assert money("1250") == "$1,250"
    assert money("1250.5") == "$1,250.50"
    assert money("$12,000.00") == "$12,000"
    assert money("n/a", "[bold]n/a[/bold]") == "[bold]n/a[/bold]"  # shown literally by the widget
    assert fact(a_call(value="2500"), "Value") == "$2,500"
