"""Toasts never cover the compose box of a text thread."""

from __future__ import annotations

from textual.widgets._toast import Toast

from tui.app import make_app
from tui.screens.thread import ThreadScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.widgets.sms_compose import SmsCompose


async def test_a_toast_in_a_thread_sits_above_the_compose_box(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until_polled(pilot, app)
        conversation = next(iter(demo.session.state.conversations_newest_first()))
        await app.push_screen(
            ThreadScreen(
                conversation.id, conversation.customer_phone_number or "", conversation.company_id or ""
            )
        )
        await pilot.pause()
        for number in range(3):
            app.notify(f"Call from caller {number}", title="Bay State Dental")
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 3)
        await pilot.pause()
        compose = app.screen.query_one(SmsCompose).region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(compose), (toast.region, compose)
