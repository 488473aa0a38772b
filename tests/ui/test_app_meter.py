"""The budget meter: numbers, countdown and a clear state for paused, offline, rate limited, key refused."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from textual.widgets import Static

from tui.app import make_app
from tui.callrail.budget import BudgetSnapshot
from tui.live.events import CatchUp, PollState, PollStatus
from tui.screenshots import SCENE_START, SIZE, wait_for, wait_until_polled
from tui.widgets.budget_meter import BudgetMeter, describe
from tui.widgets.status_bar import StatusBar
from tui.wiring import session_on_simulator

BUDGET = BudgetSnapshot(
    used_hour=120,
    limit_hour=800,
    used_day=1500,
    limit_day=8000,
    sms_used_hour=20,
    sms_limit_hour=120,
    sms_used_day=100,
    sms_limit_day=800,
)


def line(status: PollStatus | None) -> str:
    return describe(status, SCENE_START).plain


def test_ok_shows_requests_used_sms_left_and_the_countdown() -> None:
    text = line(PollStatus(PollState.OK, next_poll_at=SCENE_START + timedelta(seconds=42), budget=BUDGET))
    assert "● live" in text
    assert "120/800 hour" in text and "1,500/8,000 day" in text
    assert "SMS left 100 hour · 700 day" in text
    assert "next poll 42s" in text


def test_each_state_reads_clearly() -> None:
    last = SCENE_START - timedelta(minutes=3)
    offline = line(PollStatus(PollState.OFFLINE, last_success=last, message="Server unreachable"))
    assert "⚠ offline" in offline and "last poll 17:42:00" in offline and "Server unreachable" in offline
    limited = BudgetSnapshot(**{**BUDGET.__dict__, "backoff_until": SCENE_START + timedelta(minutes=1)})
    assert "rate limited" in line(PollStatus(PollState.RATE_LIMITED, last_success=last, budget=limited))
    assert "until 17:46:00" in line(PollStatus(PollState.RATE_LIMITED, last_success=last, budget=limited))
    paused = line(PollStatus(PollState.PAUSED, budget=BUDGET))
    assert "paused" in paused and "next poll" not in paused
    refused = line(PollStatus(PollState.AUTH_FAILED, message="The API key was refused"))
    assert "key refused" in refused and "The API key was refused" in refused
    assert "connecting" in line(None)


def test_outside_text_in_the_message_is_literal() -> None:
    text = describe(PollStatus(PollState.OFFLINE, message="[red]boom[/] \x1b[2J"), SCENE_START)
    assert "[red]boom[/]" in text.plain and "\x1b" not in text.plain


def meter_text(app) -> str:
    return app.screen.query_one(BudgetMeter).render().plain


def while_time_passes(clock, condition):
    """A wait condition that moves the held clock on each check, so retries and backoffs can run."""

    def check() -> object:
        clock.advance(5)
        return condition()

    return check


async def test_meter_follows_pause_offline_and_recovery(make_scene) -> None:
    demo = make_scene(display_time_zone="UTC")  # the meter's clock times in a known zone
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        assert "● live" in meter_text(app)
        assert "API " in meter_text(app) and "/800 hour" in meter_text(app)

        await pilot.press("p")
        await wait_for(pilot, lambda: "paused" in meter_text(app))
        # what pausing leaves matters more than saying "paused" twice: the budget is still shown
        assert "refresh polls once" in meter_text(app) and "SMS 120" in meter_text(app)
        await pilot.press("R")
        assert "Polling once; it stays paused (p resumes)." in [str(n.message) for n in app._notifications]
        await pilot.press("p")

        demo.simulator.faults.error_rate = 1.0
        app.action_refresh_now()
        await wait_for(pilot, while_time_passes(demo.clock, lambda: "offline" in meter_text(app)))
        assert "last poll 17:45" in meter_text(app)

        demo.simulator.faults.reset()
        app.action_refresh_now()
        await wait_for(pilot, while_time_passes(demo.clock, lambda: "● live" in meter_text(app)))


async def test_meter_says_when_the_key_is_refused(demo, tmp_path) -> None:
    session = session_on_simulator(
        demo.simulator, data_dir=tmp_path / "refused", api_key="revoked-key-000000"
    )
    app = make_app(session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "key refused" in meter_text(app))
    await session.stop()


async def test_the_status_bar_says_when_texts_are_not_being_sent(demo, monkeypatch) -> None:
    store = demo.session.store
    working = store.outbox_items

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "outbox_items", broken)
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        shown = app.screen.query_one(StatusBar).query_one("#status-outbox", Static)
        await wait_for(pilot, lambda: shown.display, timeout=10)
        assert "Texts are not being sent" in str(shown.render())
        monkeypatch.setattr(store, "outbox_items", working)
        demo.session.outbox.wake()
        await wait_for(pilot, lambda: not shown.display, timeout=10)


def test_the_outbound_call_budget_shows_once_a_call_back_was_placed() -> None:
    assert "Calls" not in line(PollStatus(PollState.OK, budget=BUDGET))
    called = BudgetSnapshot(
        **{
            **BUDGET.__dict__,
            "calls_used_hour": 1,
            "calls_limit_hour": 80,
            "calls_used_day": 1,
            "calls_limit_day": 1600,
        }
    )
    text = line(PollStatus(PollState.OK, budget=called))
    assert "Calls left 79 hour · 1,599 day" in text


def test_a_catch_up_says_how_far_back_it_has_read() -> None:
    catch_up = CatchUp(3, SCENE_START - timedelta(hours=5), SCENE_START - timedelta(hours=24))
    text = line(PollStatus(PollState.OK, budget=BUDGET, catch_up=catch_up))
    assert "catching up: 3 pages read, back to 12:45:00 of 17:45:00" in text
