"""j k ↑ ↓ g G move in every list: feed, companies, texts, setup accounts, the lead status choice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx
from textual.app import App
from textual.widgets import DataTable, OptionList

from tui.app import make_app
from tui.callrail.client import CallRailClient
from tui.config import Settings
from tui.screens.companies import CompaniesScreen
from tui.screens.setup import SetupScreen
from tui.screens.texts import TextsScreen
from tui.screenshots import SIM_URL, SIZE, wait_for, wait_until_polled
from tui.widgets.conversation_list import ConversationList
from tui.widgets.modals import LeadStatusPrompt


async def assert_moves(pilot, position: Callable[[], int | None], rows: int) -> None:
    """From the first row: every list key moves the cursor where the README says."""
    assert rows >= 3, "the list needs three rows to show each move"
    assert position() == 0
    steps = [("j", 1), ("j", 2), ("k", 1), ("G", rows - 1), ("g", 0), ("down", 1), ("up", 0)]
    for key, expected in steps:
        await pilot.press(key)
        assert position() == expected, f"after {key!r}"


async def test_the_feed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        await assert_moves(pilot, lambda: table.cursor_row, table.row_count)


async def test_the_companies(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompaniesScreen))
        table = app.screen.query_one(DataTable)
        assert app.focused is table
        await assert_moves(pilot, lambda: table.cursor_row, table.row_count)


async def test_the_texts(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TextsScreen))
        listed = app.screen.query_one(ConversationList)
        assert app.focused is listed
        await assert_moves(pilot, lambda: listed.cursor, len(listed.conversations))


async def test_the_accounts_on_the_setup_screen(tmp_path: Path) -> None:
    accounts = [{"id": f"ACC{n}", "name": f"Agency {n}"} for n in range(4)]
    body = {"page": 1, "per_page": 100, "total_pages": 1, "total_records": 4, "accounts": accounts}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))

    def client_factory(key: str, base_url: str) -> CallRailClient:
        return CallRailClient(key, base_url=base_url, transport=transport)

    settings = Settings(
        config_path=tmp_path / "config.toml", data_dir=tmp_path / "data", state_dir=tmp_path / "state"
    )
    app = make_app(None, replace(settings, base_url=SIM_URL), client_factory=client_factory)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SetupScreen)
        app.screen.query_one("#setup-key").focus()
        await pilot.press(*"a-key", "enter")
        choices = app.screen.query_one("#setup-accounts", OptionList)
        await wait_for(pilot, lambda: choices.option_count == 4 and app.focused is choices)
        await assert_moves(pilot, lambda: choices.highlighted, 4)


async def test_the_lead_status_choice() -> None:
    app = App[None]()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(LeadStatusPrompt())
        choices = app.screen.query_one(OptionList)
        choices.focus()
        choices.highlighted = 0
        await assert_moves(pilot, lambda: choices.highlighted, choices.option_count)
