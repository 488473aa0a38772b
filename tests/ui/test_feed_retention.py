"""Calls the session forgets (older than the lookback) leave the feed's table by key, in place."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.screenshots import SCENE_START, SIZE, wait_for, wait_until_polled
from tui.widgets.call_table import CallTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CallTable(now=lambda: SCENE_START)


async def test_remove_drops_rows_and_keeps_the_cursor_on_its_call(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(CallTable)
        table.upsert([make_call(f"C{i:02d}", 100 - i) for i in range(50)])
        table.focus()
        await pilot.press("j", "j", "j")
        chosen = table.selected_call
        table.set_filter("maria")  # fills the search cache, which must not keep forgotten calls
        table.remove(["C00", "C01", "C02", "C49", "not-there"])
        assert table.selected_call == chosen
        assert table.row_count == 46
        assert {"C00", "C01", "C02"}.isdisjoint(call.id for call in table.visible_calls())
        assert table.call_count == 46
        assert table.row_of("C00") is None
        await pilot.pause()
        table.set_filter("")
        assert table.row_count == 46


async def test_the_feed_drops_calls_the_session_forgot(app, demo, make_call) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        session = demo.session
        session.merge.calls([make_call("YESTERDAY", 60 * 30)])
        await wait_for(pilot, lambda: table.row_of("YESTERDAY") is not None)
        rows = table.row_count
        session.merge.calls([make_call("JUSTNOW", -1)])
        await wait_for(pilot, lambda: table.row_of("JUSTNOW") is not None)
        assert app.screen.table is table  # the same table: rows dropped by key, not a rebuild
        assert table.row_of("YESTERDAY") is None
        assert "YESTERDAY" not in session.state.calls
        assert table.row_count == rows == len(session.state.calls)
        assert "calls" in str(app.screen.query_one("#feed-header").render())
