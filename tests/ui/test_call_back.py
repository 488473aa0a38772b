"""Call back through CallRail from the feed: the user's number is asked once and saved, a confirmation
names both numbers, the outbound call lands in the feed; refusals are messages."""

from __future__ import annotations

import stat

from textual.widgets import Input, Static

from tui.app import make_app
from tui.callrail.models import CallStatus
from tui.config import load_settings
from tui.screens.feed import FeedScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.sim import SimConfig
from tui.widgets.modals import ChoicePrompt, TextPrompt


def notes(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def call_back_a_missed_call(app, pilot):
    """Once the feed has polled: ``C`` on a missed call with a number to ring back; the call."""
    await wait_until_polled(pilot, app)
    table = app.screen.table
    row, missed = next(
        (row, call)
        for row, call in enumerate(table.visible_calls())
        if call.status is CallStatus.MISSED and call.customer_phone_number and call.tracking_phone_number
    )
    table.move_cursor(row)
    await pilot.press("C")
    return missed


async def test_call_back_asks_my_number_once_confirms_and_the_call_lands_in_the_feed(make_scene) -> None:
    scene = make_scene()
    app = make_app(scene.session, scene.settings)
    async with app.run_test(size=SIZE) as pilot:
        missed = await call_back_a_missed_call(app, pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press(*"555-1234", "enter")  # not a whole number: refused, the prompt stays
        assert "Type a US or Canadian number" in str(app.screen.query_one(".prompt-error", Static).render())
        app.screen.query_one(Input).value = "(512) 555-0199"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        note = str(app.screen.query_one(".prompt-note", Static).render())
        assert "512-555-0199" in note and missed.tracking_phone_number[-4:] in note
        saved = scene.settings.config_path
        assert load_settings(config_path=saved, environ={}).my_phone == "+15125550199"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        posts_before = [r for r in scene.simulator.request_log if r.method == "POST"]
        await pilot.press("enter")  # "Call … now"
        await wait_for(pilot, lambda: any("Calling" in text for text in notes(app)))
        posts = [r for r in scene.simulator.request_log if r.method == "POST"][len(posts_before) :]
        assert [r.path.rsplit("/", 1)[-1] for r in posts] == ["calls.json"]
        outbound = [
            call
            for call in scene.session.state.calls.values()
            if call.direction == "outbound" and call.customer_phone_number == missed.customer_phone_number
        ]
        assert len(outbound) == 1 and outbound[0].id in {c.id for c in app.screen.table.visible_calls()}
        assert scene.session.budget_snapshot().calls_used_hour == 1

        await pilot.press("C")  # the number is known now: straight to the confirmation
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedScreen))


async def test_the_phone_rung_first_can_be_changed_from_the_confirmation(make_scene) -> None:
    scene = make_scene(my_phone="+15125550199")
    app = make_app(scene.session, scene.settings)
    async with app.run_test(size=SIZE) as pilot:
        await call_back_a_missed_call(app, pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("down", "enter")  # "Ring another phone than 512-555-0199…"
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        assert app.screen.query_one(Input).value == "512-555-0199"  # the one used now, to correct
        app.screen.query_one(Input).value = "303-555-0142"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        assert "303-555-0142" in str(app.screen.query_one(".prompt-note", Static).render())
        saved = load_settings(config_path=scene.settings.config_path, environ={})
        assert saved.my_phone == "+13035550142" and app.context.settings.my_phone == "+13035550142"


async def test_an_account_without_outbound_calls_gets_a_clear_message(make_scene) -> None:
    scene = make_scene(sim_config=SimConfig(seed=7, outbound_calls_enabled=False), my_phone="+15125550199")
    app = make_app(scene.session, scene.settings)
    async with app.run_test(size=SIZE) as pilot:
        await call_back_a_missed_call(app, pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Could not call back" in text for text in notes(app)))
        assert any("not enabled" in text.lower() for text in notes(app))
        assert isinstance(app.screen, FeedScreen) and app.is_running
