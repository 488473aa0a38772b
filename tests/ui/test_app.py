"""The app around the screens: alerts, help, the command palette, pause, quit, hostile input end to end."""

from __future__ import annotations

import io

from rich.console import Console
from textual.command import CommandList
from textual.widgets import Static

from tui.app import make_app
from tui.live.events import CallsChanged, InboundCall
from tui.messages import LiveUpdate
from tui.screens.companies import CompaniesScreen
from tui.screens.feed import FeedScreen
from tui.screens.help import HelpScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled

HOSTILE_NAME = "[bold red]PWN[/] [@click=app.quit]x[/] \x1b]52;c;Zm9v\x07\u202eeman"


def alert_texts(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_new_call_gets_a_toast_and_the_bell_and_outside_text_stays_text(
    make_scene, make_call
) -> None:
    demo = make_scene(notify_toast=True, notify_bell=True)
    app = make_app(demo.session, demo.settings)
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        app.clear_notifications()
        bells.clear()
        ringing = make_call(
            "CALhostile", 0, customer_name=HOSTILE_NAME, call_type="in_progress", answered=None
        )
        app.post_message(LiveUpdate(CallsChanged(new=[ringing])))
        app.post_message(LiveUpdate(InboundCall(ringing)))
        await pilot.pause()
        assert any("[bold red]PWN[/]" in text for text in alert_texts(app))
        assert not any("\x1b" in text or "\u202e" in text for text in alert_texts(app))
        assert bells == [1]
        assert app.is_running  # the [@click=app.quit] in the name did nothing

        table = app.screen.table
        assert table.row_of("CALhostile") == 0
        line = table.render_line(1)
        assert "[bold red]" in line.text and "\x1b" not in line.text

        missed = make_call("CALhostile", 0, customer_name=HOSTILE_NAME, call_type="missed", duration=20)
        app.post_message(LiveUpdate(CallsChanged(changed=[missed])))
        await pilot.pause()
        assert any(text.startswith("Missed call from") for text in alert_texts(app))
        assert "missed" in table.render_line(1).text


async def test_alerts_can_be_turned_off(demo, make_call) -> None:
    app = make_app(demo.session, demo.settings)  # the scene turns toasts and the bell off
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        app.post_message(LiveUpdate(InboundCall(make_call("CALquiet", 0))))
        await pilot.pause()
        assert not bells and not any("Call from" in text for text in alert_texts(app))


async def test_help_and_back(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        text = console.export_text()
        for expected in ("Companies", "Filter as you type", "Pause or resume polling", "Command palette"):
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, FeedScreen)


async def test_every_screen_action_is_in_the_command_palette(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Feed", "Companies", "Texts", "Pause polling", "Refresh now", "Help"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Companies")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CompaniesScreen))


async def test_pause_resume_and_quit(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("p")
        assert app.paused
        await wait_for(pilot, lambda: demo.session.status.state.value == "paused")
        await pilot.press("p")
        assert not app.paused
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
