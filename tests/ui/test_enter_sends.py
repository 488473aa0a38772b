"""``enter_sends``: which key sends a text shows in the thread's footer, the compose box and help."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import Static

from tests.ui.test_footer import assert_footer_fits
from tests.ui.test_thread_live import thread_screen
from tui.app import make_app
from tui.screenshots import wait_until_polled
from tui.widgets.sms_compose import SmsCompose


def help_section(app, place: str) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#help-keys", Static).content)
    return console.export_text().split(f"\n{place}")[1].split("\nWebhooks")[0]


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_with_enter_sends_the_footer_and_help_say_enter_sends(make_scene, size) -> None:
    scene = make_scene(enter_sends=True)
    app = make_app(scene.session, scene.settings)
    async with app.run_test(size=size) as pilot:
        await wait_until_polled(pilot, app)
        await app.push_screen(thread_screen(scene.session))
        await pilot.pause()
        actions = assert_footer_fits(app, size[0])
        assert {"send_by_enter", "newline", "back"} <= actions and "send" not in actions
        assert "enter to send" in app.screen.query_one(SmsCompose).text_area.placeholder
        await pilot.press("escape")  # in the thread, ? is typed into the text
        await pilot.press("question_mark")
        await pilot.pause()
        keys = help_section(app, "A text thread")
        assert "enter" in keys and "New line" in keys and "^s " not in keys


async def test_by_default_help_says_ctrl_s_sends_and_has_no_new_line_key(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        keys = help_section(app, "A text thread")
        assert "^s" in keys and "Send text" in keys and "New line" not in keys
