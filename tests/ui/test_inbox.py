"""The needs-attention inbox on the demo simulator: it opens from the feed, lists what the rules say,
oldest first by company, follows live calls and the clock, marks handled (locally and as a CallRail tag)
and undoes, opens, replies, calls back and masks."""

from __future__ import annotations

import io
from datetime import timedelta

from rich.console import Console
from textual.widgets import Static

from tui import display
from tui.app import make_app
from tui.callrail.models import CallStatus
from tui.live.attention import Attention, AttentionKind
from tui.live.sources import Batch
from tui.screens.call_detail import CallDetailScreen
from tui.screens.feed import FeedScreen
from tui.screens.form_detail import FormDetailScreen
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import SIZE, wait_for, wait_until_forms_read, wait_until_polled
from tui.widgets.attention_list import AttentionList
from tui.widgets.modals import ChoicePrompt


def lines(listed: AttentionList) -> list[str]:
    return [listed.render_line(y).text for y in range(listed.size.height)]


def header(app) -> str:
    return str(app.screen.query_one("#inbox-header").render())


async def open_inbox(pilot, app) -> AttentionList:
    await wait_until_polled(pilot, app)
    await pilot.press("i")
    await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
    await pilot.pause()
    return app.screen.listed


def expected(session, **options) -> Attention:
    attention = Attention(session.state, session.handled, **options)
    attention.rebuild()
    return attention


async def test_i_opens_the_inbox_oldest_first_by_company_with_its_count(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        groups = expected(demo.session).groups()
        shown = listed.items
        assert [item.slot for item in shown] == [item.slot for group in groups for item in group.items]
        kinds = {item.kind for item in shown}
        assert kinds == {AttentionKind.CALL, AttentionKind.TEXT}
        names = [(group.company_name or "").casefold() for group in groups]
        assert names == sorted(names) and len(groups) > 1
        for group in groups:
            assert [item.since for item in group.items] == sorted(item.since for item in group.items)
        assert f"{len(shown)} waiting" in header(app)
        drawn = lines(listed)
        assert drawn[0].strip().startswith(groups[0].company_name or "")
        assert listed.highlighted == shown[0]
        await pilot.press("escape")
        assert isinstance(app.screen, FeedScreen)


async def test_mark_handled_and_undo_and_the_mark_is_kept(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        before = listed.items
        await pilot.press("j", "h")
        marked = before[1]
        assert [item.slot for item in listed.items] == [item.slot for item in before if item != marked]
        assert listed.highlighted == before[2]  # the next one
        assert f"{len(before) - 1} waiting" in header(app)
        assert marked.key in demo.session.store.handled_keys()
        await pilot.press("x")  # x marks handled too
        assert len(listed.items) == len(before) - 2
        await pilot.press("u")
        assert listed.highlighted == before[2] and len(listed.items) == len(before) - 1
        await pilot.press("u")
        assert [item.slot for item in listed.items] == [item.slot for item in before]
        assert listed.highlighted == marked
        assert demo.session.store.handled_keys() == set()
        await pilot.press("u")
        assert any("Nothing marked handled" in str(n.message) for n in app._notifications)


async def test_a_new_missed_call_appears_live_and_an_answered_one_clears_it(app, demo, make_call) -> None:
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        company = next(iter(demo.session.companies.values()))
        number = "+15125559876"
        missed = make_call(
            "CAL-NEW-MISSED",
            minutes_ago=-1,
            call_type="missed",
            answered=False,
            duration=0,
            customer_name="Nadia Newcomer",
            customer_phone_number=number,
            company_id=company.id,
            company_name=company.name,
        )
        demo.session.apply(Batch(calls=[missed]))
        await wait_for(pilot, lambda: "CAL-NEW-MISSED" in {item.id for item in listed.items})
        [new] = [item for item in listed.items if item.id == "CAL-NEW-MISSED"]
        listed.show(app.screen.attention.groups(), keep=new)  # scrolls to it
        await pilot.pause()
        assert any("Nadia Newcomer" in line for line in lines(listed))
        answered = make_call(
            "CAL-NEW-ANSWERED", minutes_ago=-3, customer_phone_number=number, company_id=company.id
        )
        demo.session.apply(Batch(calls=[answered]))
        await wait_for(pilot, lambda: "CAL-NEW-MISSED" not in {item.id for item in listed.items})


async def test_the_waiting_time_ticks_with_the_clock(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        await pilot.press("p")  # no poll redraws the inbox: only its own tick does
        oldest = min(item.since for item in listed.items)
        first = listed.items[0].since
        for _ in range(2):
            demo.clock.advance(120)
            waited = display.format_duration((demo.clock.now() - oldest).total_seconds())
            await wait_for(pilot, lambda waited=waited: f"the oldest for {waited}" in header(app))
            first_waited = display.format_duration((demo.clock.now() - first).total_seconds())
            assert lines(listed)[1].strip().startswith(first_waited)


async def test_enter_opens_the_call_or_the_conversation(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        call_item = next(item for item in listed.items if item.kind is AttentionKind.CALL)
        text_item = next(item for item in listed.items if item.kind is AttentionKind.TEXT)
        listed.show(app.screen.attention.groups(), keep=call_item)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        assert app.screen.call_id == call_item.id
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        listed.show(app.screen.attention.groups(), keep=text_item)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        listed.show(app.screen.attention.groups(), keep=call_item)
        await pilot.press("r")  # reply by text to the caller
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))


async def test_call_back_from_the_inbox_clears_the_item(make_scene) -> None:
    scene = make_scene(my_phone="+15125550199")
    app = make_app(scene.session, scene.settings)
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        item = next(i for i in listed.items if i.kind is AttentionKind.CALL and i.customer_phone_number)
        listed.show(app.screen.attention.groups(), keep=item)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("enter")  # "Call … now"
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        await wait_for(pilot, lambda: item.slot not in {i.slot for i in listed.items})
        outbound = [c for c in scene.session.state.calls.values() if c.status is CallStatus.OUTBOUND]
        assert any(c.customer_phone_number == item.customer_phone_number for c in outbound)


async def test_handled_tag_is_set_on_callrail_and_removed_by_undo(make_scene) -> None:
    scene = make_scene(handled_tag="Handled")
    app = make_app(scene.session, scene.settings)
    state = scene.session.state
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        item = next(i for i in listed.items if i.kind is AttentionKind.CALL)
        listed.show(app.screen.attention.groups(), keep=item)
        await pilot.press("h")
        await wait_for(pilot, lambda: "Handled" in state.calls[item.id].tags)
        assert item.slot not in {i.slot for i in listed.items}
        assert "tagged “Handled”" in header(app)
        await pilot.press("u")
        assert item.slot in {i.slot for i in listed.items}  # back at once, before CallRail answers
        await wait_for(pilot, lambda: "Handled" not in state.calls[item.id].tags)
        assert item.slot in {i.slot for i in listed.items}
        # a call a colleague tagged is handled here too
        other = next(i for i in listed.items if i.kind is AttentionKind.CALL and i.id != item.id)
        await scene.session.update_call(other.id, tags=["handled"], append_tags=True)
        await wait_for(pilot, lambda: other.slot not in {i.slot for i in listed.items})


async def test_short_abandoned_calls_are_left_out_by_the_setting(make_scene) -> None:
    def short_abandoned(items):
        return [
            i
            for i in items
            if i.kind is AttentionKind.CALL
            and i.record.status is CallStatus.ABANDONED
            and (i.record.duration or 0) < 5
        ]

    for hide, expect_short in ((0, True), (5, False)):
        scene = make_scene(hide_abandoned_under=hide)
        app = make_app(scene.session, scene.settings)
        async with app.run_test(size=SIZE) as pilot:
            listed = await open_inbox(pilot, app)
            assert listed.items and bool(short_abandoned(listed.items)) is expect_short


async def test_mask_hides_names_and_numbers_in_the_inbox(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        listed = await open_inbox(pilot, app)
        named = next(item for item in listed.items[:20] if item.customer_name and item.customer_phone_number)
        last_name = named.customer_name.split()[-1]
        digits = named.customer_phone_number[-10:]
        plain = "\n".join(lines(listed))
        assert last_name in plain and f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" in plain
        await pilot.press("m")
        await pilot.pause()
        masked = "\n".join(lines(listed))
        assert last_name not in masked and f"{digits[:3]}-{digits[3:6]}" not in masked
        assert "•••-•••-" in masked


async def test_help_and_the_palette_list_the_inbox(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        keys = console.export_text()
        assert "Needs attention" in keys and "Mark handled" in keys
        await pilot.press("escape")
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "Needs attention" in commands


async def test_new_forms_are_in_the_inbox_and_open_as_a_form(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await wait_until_forms_read(pilot, app)
        listed = await open_inbox(pilot, app)
        form_item = next(item for item in listed.items if item.kind is AttentionKind.FORM)
        listed.show(app.screen.attention.groups(), keep=form_item)
        await pilot.pause()
        assert any("✎ new form" in line for line in lines(listed))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDetailScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        await pilot.press("h")  # handled: it leaves the inbox
        await pilot.pause()
        assert all(item.slot != form_item.slot for item in listed.items)


async def test_an_item_older_than_the_day_the_feed_keeps_is_still_in_the_inbox(app, demo) -> None:
    session = demo.session
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        waiting = expected(session).items
        oldest = next(item for item in waiting if item.kind is AttentionKind.CALL)
        session.state.forget_calls_before(oldest.since + timedelta(seconds=1))  # past the day
        assert oldest.id not in session.state.calls and oldest.id in session.state.held_calls
        listed = await open_inbox(pilot, app)
        assert oldest.id in {item.id for item in app.screen.attention.items}
        assert any(display.caller_name(oldest.record) in line for line in lines(listed))


def test_a_wait_of_days_reads_in_days_and_hours() -> None:
    assert display.format_duration(42) == "0:42"
    assert display.format_duration(3600 + 5 * 60) == "1h05"
    assert display.format_duration(47 * 3600 + 59 * 60) == "47h59"  # a day and more still reads in hours
    assert display.format_duration(3 * 86400 + 4 * 3600 + 30 * 60) == "3d04h"
