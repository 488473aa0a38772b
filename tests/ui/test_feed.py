"""The live feed against the in-process simulator: it fills, filters, sorts, switches company, masks."""

from __future__ import annotations

from textual.widgets import OptionList

from tui import display
from tui.callrail.call_row import NEEDS_CALLBACK
from tui.live.events import CallsChanged
from tui.messages import LiveUpdate
from tui.screens.call_detail import CallDetailScreen
from tui.screens.feed import FeedScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.widgets.call_table import CallTable
from tui.widgets.modals import ChoicePrompt


def rendered(table: CallTable) -> str:
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_the_feed_fills_from_the_first_poll_newest_first(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        assert isinstance(app.screen, FeedScreen)
        table = app.screen.table
        assert table.row_count == len(demo.session.state.calls) > 50
        shown = [call.id for call in table.visible_calls()]
        assert shown == [call.id for call in demo.session.state.calls_newest_first()]
        newest = demo.session.state.calls_newest_first()[0]
        assert table.selected_call.id == newest.id
        top_row = table.render_line(1).text  # line 0 is the header
        zone = table.zone_for(newest)
        when = display.short_time(newest.start_time, zone, table.now(), zone_name=table.zone_names)
        assert top_row.startswith(when)
        assert display.caller_name(newest)[:12] in top_row
        assert display.STATUS_LABELS[newest.status] in top_row


async def test_new_calls_arrive_while_it_runs(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        before = {call.id for call in table.visible_calls()}
        demo.clock.advance(15 * 60)
        app.action_refresh_now()
        # new calls come in at the top; as many from yesterday may leave at the bottom (past 24 h)
        await wait_for(pilot, lambda: table.visible_calls()[0].id not in before)
        await pilot.pause()
        assert [call.id for call in table.visible_calls()] == [
            call.id for call in demo.session.state.calls_newest_first()
        ]


async def test_filter_as_you_type_and_escape_clears_it(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        total = table.row_count
        await pilot.press("slash", *"windy")
        await pilot.pause()
        assert 0 < table.row_count < total
        assert all("Windy" in (call.company_name or "") for call in table.visible_calls())
        assert "windy" in str(app.screen.query_one("#feed-header").render())
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("escape")
        assert table.row_count == total


async def test_needs_a_callback_filter(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        await pilot.press("b")
        state = demo.session.state
        expected = [call.id for call in state.calls_newest_first() if state.needs_callback(call)]
        assert expected
        assert [call.id for call in table.visible_calls()] == expected
        assert all(call.status in NEEDS_CALLBACK for call in table.visible_calls())
        await pilot.press("b")
        assert table.row_count == len(state.calls)


async def test_switch_company_from_the_companies_screen(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedScreen)
        chosen = app.screen.company_id
        assert chosen in demo.session.companies
        calls = app.screen.table.visible_calls()
        assert calls and all(call.company_id == chosen for call in calls)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.screen.company_id is None
        assert app.screen.table.row_count == len(demo.session.state.calls)


async def test_sort_by_a_column_picked_from_the_menu_and_reverse(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("j", "enter")  # the menu opens on the current column (Time); Company is next
        await wait_for(pilot, lambda: isinstance(app.screen, FeedScreen))
        assert table.sort_column == "company"
        names = [(call.company_name or "").casefold() for call in table.visible_calls()]
        assert names == sorted(names)
        await pilot.press("S")
        names = [(call.company_name or "").casefold() for call in table.visible_calls()]
        assert names == sorted(names, reverse=True)
        assert "Company ▼" in rendered(table)


async def test_enter_opens_the_highlighted_call_even_when_calls_arrive_in_the_same_instant(
    app, demo, make_call
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("j", "j", "j")
        seen = app.screen.table.selected_call
        arrived = [make_call(f"CALnew{n}", minutes_ago=-1 - n) for n in range(3)]
        # the update and the key are queued together: the rows move before the key is handled
        app.post_message(LiveUpdate(CallsChanged(new=arrived)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        assert app.screen.call_id == seen.id
        feed = app.screen_stack[0]
        assert feed.table.row_of(arrived[0].id) is not None  # the new calls did land above it


async def test_enter_opens_the_call_and_r_replies(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        selected = app.screen.table.selected_call
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallDetailScreen) and app.screen.call_id == selected.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FeedScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.customer_phone_number == selected.customer_phone_number


async def test_mask_hides_caller_names_and_numbers(make_scene) -> None:
    from tui.app import make_app

    demo = make_scene(mask=True)
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.table
        rows_on_screen = table.size.height - 1
        assert table.row_count > rows_on_screen
        for row in range(rows_on_screen):
            call, line = table.call_at(row), table.render_line(row + 1).text
            assert display.caller_name(call, mask=True) in line  # initials, or •••-•••-1234
            if call.customer_name:
                assert call.customer_name not in line
            number = display.compact_phone(call.customer_phone_number, call.formatted_customer_phone_number)
            assert not number or number not in line
        await pilot.press("m")
        await pilot.pause()
        assert not app.mask
        newest = app.screen.table.visible_calls()[0]
        assert (newest.customer_name or "") in rendered(app.screen.table)


async def test_escape_clears_the_filter_set_last_and_keeps_the_highlighted_call(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        screen = app.screen
        table = screen.table
        await pilot.press("b")
        await pilot.press("slash", *"windy", "enter")
        filtered = table.row_count
        assert filtered and screen.callbacks_only
        await pilot.press("j")
        highlighted = table.selected_call
        await pilot.press("escape")  # the text filter went last: it goes first
        assert screen.query_one("#feed-filter").value == "" and screen.callbacks_only
        assert table.row_count > filtered
        assert table.selected_call.id == highlighted.id
        await pilot.press("escape")
        assert not screen.callbacks_only and table.row_count == len(demo.session.state.calls)
        assert table.selected_call.id == highlighted.id


async def test_at_80_columns_the_title_keeps_the_newer_calls_and_the_filters_before_the_rest(
    app, make_call
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_polled(pilot, app)
        header = app.screen.query_one("#feed-header")

        def shown() -> str:  # what fits on the line, not the whole text
            return header.render_line(0).text

        await pilot.press("b", "j", "j")
        missed = make_call(
            "CALabove",
            minutes_ago=-1,
            call_type="missed",
            answered=False,
            customer_phone_number="+15125550111",
        )
        app.post_message(LiveUpdate(CallsChanged(new=[missed])))
        await wait_for(pilot, lambda: "1 newer ↑ (g)" in shown())
        assert "needing a callback" in shown()
        assert shown().rstrip().endswith("…")  # the sort and the time zone are what is cut


async def test_a_company_picked_while_away_from_the_top_shows_its_newest_call_and_no_stale_count(
    app, demo, make_call
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        feed, table = app.screen, app.screen.table
        await pilot.press("j", "j")
        highlighted = table.selected_call
        other = next(
            c for c in demo.session.state.calls_newest_first() if c.company_id != highlighted.company_id
        )
        arrived = [
            make_call(f"CALnew{n}", minutes_ago=-1 - n, company_id=highlighted.company_id) for n in range(2)
        ]
        app.post_message(LiveUpdate(CallsChanged(new=arrived)))
        await wait_for(pilot, lambda: table.newer_above == 2)
        feed.show_company(other.company_id)  # the highlighted call is not this company's
        await pilot.pause()
        assert table.cursor_row == 0 and table.newer_above == 0
        company_calls = [
            c for c in demo.session.state.calls_newest_first() if c.company_id == other.company_id
        ]
        assert table.selected_call.id == company_calls[0].id
        assert "newer" not in str(feed.query_one("#feed-header").render())


async def test_calls_arriving_above_the_highlight_are_counted_until_you_go_back_up(
    app, demo, make_call
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        header = app.screen.query_one("#feed-header")
        assert "following the newest" in str(header.render())
        await pilot.press("j", "j")
        arrived = [make_call(f"CALabove{n}", minutes_ago=-1 - n) for n in range(2)]
        app.post_message(LiveUpdate(CallsChanged(new=arrived)))
        await wait_for(pilot, lambda: "2 newer ↑" in str(header.render()))
        await pilot.press("g")
        await wait_for(pilot, lambda: "newer" not in str(header.render()))
        assert app.screen.table.selected_call.id == arrived[-1].id  # the newest, at the top
        app.post_message(LiveUpdate(CallsChanged(new=[make_call("CALontop", minutes_ago=-5)])))
        await wait_for(pilot, lambda: app.screen.table.selected_call.id == "CALontop")
        assert "following the newest" in str(header.render())


async def test_filtering_while_masked_says_masked_values_are_not_searched(make_scene) -> None:
    from tui.app import make_app

    demo = make_scene(mask=True)
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        named = next(call for call in app.screen.table.visible_calls() if call.customer_name)
        first_name = named.customer_name.split()[0]
        await pilot.press("slash", *first_name.lower(), "enter")
        header = str(app.screen.query_one("#feed-header").render())
        assert "masked names and numbers are not searched" in header
        await pilot.press("m")
        await wait_for(
            pilot, lambda: "not searched" not in str(app.screen.query_one("#feed-header").render())
        )


async def test_very_short_abandoned_calls_can_be_left_out_of_the_callbacks(make_scene) -> None:
    from tui.app import make_app
    from tui.callrail.models import CallStatus

    def short_abandoned(calls):
        return [c for c in calls if c.status is CallStatus.ABANDONED and (c.duration or 0) < 5]

    for hide, expect_short in ((0, True), (5, False)):
        demo = make_scene(hide_abandoned_under=hide)
        app = make_app(demo.session, demo.settings)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_polled(pilot, app)
            await pilot.press("b")
            shown = app.screen.table.visible_calls()
            assert shown and bool(short_abandoned(shown)) is expect_short


async def test_a_header_too_long_for_a_narrow_terminal_ends_in_an_ellipsis(app, demo) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("b")  # the callbacks filter lengthens the header past 80 columns
        await pilot.pause()
        header = app.screen.query_one("#feed-header")
        line = "".join(segment.text for segment in header.render_line(0)).rstrip()
        assert len(line) <= 80 and line.endswith("…"), line


async def test_the_sort_menu_offers_only_the_columns_a_narrow_terminal_shows(app, demo) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_polled(pilot, app)
        shown = [column.title for column in app.screen.table.shown_columns]
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        options = app.screen.query_one(OptionList)
        offered = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert offered == shown and "Source" not in offered
