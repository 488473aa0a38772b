"""The status bar says whether webhooks or polls carry the live data, and why."""

from __future__ import annotations

from textual.widgets import Static

from tui.app import make_app
from tui.screenshots import SIZE, wait_for
from tui.widgets.status_bar import StatusBar


def channel_text(app) -> str:
    shown = app.screen.query_one(StatusBar).query_one("#status-channel", Static)
    return str(shown.render()) if shown.display else ""


async def test_push_or_poll_and_the_reason(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        assert channel_text(app) == ""  # no webhooks set up: nothing to explain
        backstop = demo.session.backstop
        backstop.expect_push()
        await wait_for(pilot, lambda: channel_text(app) == "poll: no webhook received yet")
        now = demo.clock.now()
        backstop.arrived(pushed=True, happened=[now], now=now)
        await wait_for(pilot, lambda: channel_text(app) == "push")
        backstop.problem("the webhook receiver cannot listen on 127.0.0.1:8787")
        await wait_for(pilot, lambda: "cannot listen on 127.0.0.1:8787" in channel_text(app))


async def test_at_120_columns_the_reason_and_the_account_leave_the_meter_its_next_poll(demo) -> None:
    from tui.screenshots import wait_until_polled
    from tui.widgets.budget_meter import BudgetMeter

    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        demo.session.backstop.expect_push()
        await wait_for(pilot, lambda: channel_text(app) == "poll: no webhook received yet")
        meter = app.screen.query_one(BudgetMeter)
        await wait_for(pilot, lambda: "next" in meter.render_line(0).text)
        assert "…" not in meter.render_line(0).text
