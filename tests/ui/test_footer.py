"""Every screen's footer holds that screen's own keys, fits 80 and 120 columns without cutting any, and
leaves the global places and switches (feed, companies, texts, pause, refresh, mask) to ``?`` and the
command palette; only the feed also shows where a front desk goes next: texts and companies."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tui.app import CallRailApp, make_app
from tui.live.replies import needs_reply
from tui.screens.call_detail import CallDetailScreen
from tui.screens.companies import CompaniesScreen
from tui.screens.inbox import InboxScreen
from tui.screens.texts import TextsScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import _call_with_transcript, wait_for, wait_until_polled

GLOBAL_ACTIONS = {"feed", "companies", "texts", "inbox", "toggle_pause", "refresh_now", "toggle_mask"}


def footer_keys(app: CallRailApp) -> list[FooterKey]:
    """The keys the footer shows (the feed hides the palette key when narrow)."""
    return [key for key in app.screen.query_one(Footer).query(FooterKey) if key.styles.display != "none"]


def assert_footer_fits(app: CallRailApp, width: int) -> set[str]:
    footer = app.screen.query_one(Footer)
    keys = footer_keys(app)
    assert footer.max_scroll_x == 0, f"the footer is wider than {width} columns"
    for key in keys:  # each key is drawn whole: nothing overlaps the palette key docked at the right
        assert key.region.right <= footer.region.right and key.size.width == key.get_content_width(
            footer.size, footer.size
        )
    actions = {key.action for key in keys}
    assert not actions & GLOBAL_ACTIONS
    return actions


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_each_screen_shows_its_own_keys_and_fits(demo, size) -> None:
    app = make_app(demo.session, demo.settings)
    width = size[0]
    async with app.run_test(size=size) as pilot:
        await wait_until_polled(pilot, app)
        assert {
            "open",  # the feed's enter, drawn as the table's is (a click presses enter: the table opens it)
            "reply",
            "filter",
            "toggle_callback",
            "sort_menu",
            "app.texts",
            "app.companies",
            "help",
            "quit",
        } <= assert_footer_fits(app, width)

        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompaniesScreen))
        await pilot.pause()
        assert {"choose", "app.back"} <= assert_footer_fits(app, width)
        await pilot.press("escape")

        call = _call_with_transcript(demo.session)
        app.open_call(call.id)
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        await wait_for(pilot, lambda: demo.session.state.calls[call.id].conversational_transcript)
        await pilot.pause()
        detail = {
            "back",
            "reply",
            "call_back",
            "tag",
            "note",
            "lead_status",
            "value",
            "recording",
            "help",
            "quit",
        }
        assert detail <= assert_footer_fits(app, width)
        await pilot.press("escape")

        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TextsScreen))
        await pilot.pause()
        assert {"select", "back"} <= assert_footer_fits(app, width)
        await pilot.press("escape")

        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        await pilot.pause()
        assert {"open", "reply", "call_back", "handled", "undo"} <= assert_footer_fits(app, width)
        await pilot.press("escape")

        conversation = next(c for c in demo.session.state.conversations_newest_first() if needs_reply(c))
        await app.push_screen(
            ThreadScreen(
                conversation.id, conversation.customer_phone_number or "", conversation.company_id or ""
            )
        )
        await pilot.pause()
        assert {"send", "back"} <= assert_footer_fits(app, width)


async def test_the_global_keys_are_still_in_help_and_the_palette(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_polled(pilot, app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Feed",
            "Companies",
            "Texts",
            "Pause polling",
            "Refresh now",
            "Mask names and numbers",
        } <= titles
        await pilot.press("question_mark")
        await pilot.pause()
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        shown = console.export_text()
        for text in (
            "The live call feed",
            "Companies with today's calls",
            "Text conversations",
            "Pause or resume polling",
            "Poll now",
            "Hide or show caller names",
            "Load older messages",
        ):
            assert text in shown
        await pilot.press("escape")
        await pilot.press("t")  # the hidden keys still work
        await wait_for(pilot, lambda: isinstance(app.screen, TextsScreen))
        await pilot.press("f")
        await wait_for(pilot, lambda: not isinstance(app.screen, TextsScreen))
