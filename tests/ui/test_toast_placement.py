"""Toasts never cover the compose box of a text thread, the status bar, nor the highlighted row of the
feed or the inbox: the regions of the row and of each toast never intersect, wherever the cursor is."""

from __future__ import annotations

import pytest
from textual.errors import NoWidget
from textual.widgets._toast import Toast

from tui.app import make_app
from tui.screens.inbox import InboxScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.widgets.sms_compose import SmsCompose
from tui.widgets.status_bar import StatusBar


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
            app.notify(f"Call from caller {number}", title="Bay State Dental", timeout=600)
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 3)
        await pilot.pause()
        compose = app.screen.query_one(SmsCompose).region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(compose), (toast.region, compose)


def drawn(app, x: int, y: int) -> bool:
    """A toast is what shows at (x, y): Textual clips a rack too short for every toast, so a toast's
    region can lie where it is not drawn."""
    try:
        widget, _ = app.screen.get_widget_at(x, y)
    except NoWidget:  # off the screen
        return False
    return isinstance(widget, Toast) or isinstance(widget.parent, Toast)


def toasts_clear_of(app, row) -> bool:
    """No toast drawn on any cell of ``row``, and each toast that is drawn has a region apart from it."""
    if row is None:
        return False
    cells = [(x, y) for y in range(row.y, row.bottom) for x in range(row.x, row.right)]
    shown = [t.region for t in app.screen.query(Toast) if drawn(app, t.region.x + 1, t.region.y + 1)]
    return not any(drawn(app, x, y) for x, y in cells) and not any(r.overlaps(row) for r in shown)


def any_shown(app) -> bool:
    return any(drawn(app, t.region.x + 1, t.region.y + 1) for t in app.screen.query(Toast))


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_toasts_keep_clear_of_the_feeds_highlighted_row_at_the_bottom_and_the_top(demo, size) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        on_screen = table.content_region.height - 1  # rows under the header line
        assert table.row_count > on_screen
        for number in range(3):
            app.notify(f"Call from caller {number}", title="Bay State Dental", timeout=600)
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 3)
        table.focus()
        # the last row on screen, the first, both sides of the middle, then the last call (scrolled to)
        for row in (on_screen - 1, 0, on_screen // 2, on_screen // 2 - 1, None):
            if row is None:
                await pilot.press("G")
            else:
                table.move_cursor(row)
            region = table.cursor_region()
            assert region is not None, (row, table.cursor_row, table.scroll_y)
            # the rack moves on the next layout: a timeout here is the failure
            await wait_for(
                pilot, lambda: toasts_clear_of(app, table.cursor_region()) and any_shown(app), timeout=5
            )


async def test_toasts_keep_clear_of_the_inboxs_highlighted_row(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        for number in range(3):
            app.notify(f"Call from caller {number}", title="Bay State Dental", timeout=600)
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 3)
        listed = app.screen.listed
        for key in ("end", "home"):
            await pilot.press(key)
            await wait_for(
                pilot, lambda: toasts_clear_of(app, listed.cursor_region()) and any_shown(app), timeout=5
            )


async def test_a_toast_leaves_the_status_bar_readable(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until_polled(pilot, app)
        app.notify("Call from a caller", title="Bay State Dental", timeout=600)
        await wait_for(pilot, lambda: any_shown(app))
        status = app.screen.query_one(StatusBar).region
        assert status.height and toasts_clear_of(app, status)
