"""The texts list and a thread against the in-process simulator: order and awaiting-reply marks, live
updates, drafts that survive closing the screen and restarting, opt-outs, accounts without texting,
and a send whose outcome is unknown."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.ui.detail_fixtures import Demo, HostApp, HostSettings, build_demo, reopen, start, start_demo
from tui.callrail.models import Conversation
from tui.live.events import OutboxState
from tui.live.replies import conversation_messages, is_opted_out, needs_reply, opted_out
from tui.screens.texts import TextsScreen
from tui.screens.thread import OPTED_OUT, TEXTING_DISABLED, ThreadScreen
from tui.sim import SimConfig
from tui.sim.state import Message as SimMessage
from tui.widgets.conversation_list import AWAITING_MARK, OPTED_OUT_MARK, ConversationList
from tui.widgets.message_thread import MessageThread
from tui.widgets.sms_compose import SmsCompose

SIZE = (120, 36)


@pytest.fixture
async def sim_demo(tmp_path: Path) -> Demo:
    demo = await start_demo(tmp_path)
    yield demo
    await demo.session.stop()


def thread_for(conversation) -> ThreadScreen:
    return ThreadScreen(conversation.id, conversation.customer_phone_number, conversation.company_id)


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def blocked_text(screen) -> str | None:
    compose = screen.query_one(SmsCompose)
    return str(screen.query_one("#sms-blocked", Static).render()) if compose.blocked else None


async def test_conversations_newest_first_with_awaiting_marks_and_enter_opens_one(sim_demo: Demo):
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TextsScreen())
        await pilot.pause()
        listed = app.screen.query_one(ConversationList)
        times = [c.last_message_at for c in listed.conversations]
        assert len(times) == len(sim_demo.session.state.conversations) and times == sorted(
            times, reverse=True
        )
        first_row = listed.render_line(0).text
        assert first_row.startswith(f" {AWAITING_MARK} " if listed.conversations[0].awaiting_reply else "   ")
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.conversation_id == listed.conversations[1].id
        assert app.screen.query_one(MessageThread).shown_keys


async def test_a_new_text_arrives_in_the_list_while_it_is_open(sim_demo: Demo):
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TextsScreen())
        await pilot.pause()
        listed = app.screen.query_one(ConversationList)
        newest = listed.conversations[0].last_message_at
        texts_before = sum(1 for event in sim_demo.sim.events if event.kind == "text_in")
        while sum(1 for event in sim_demo.sim.events if event.kind == "text_in") == texts_before:
            sim_demo.clock.advance(120)
            sim_demo.sim.advance()
        sim_demo.clock.advance(60)
        await sim_demo.session.poll_once()
        await pilot.pause()
        assert listed.conversations[0].last_message_at > newest
        assert listed.conversations[0].awaiting_reply


async def test_a_draft_survives_closing_the_thread_and_restarting(sim_demo: Demo, tmp_path: Path):
    conversation = sim_demo.conversation()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(thread_for(conversation))
        await settle(app, pilot)
        await pilot.press(*"Running 10 minutes late")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ThreadScreen)
        await app.push_screen(thread_for(conversation))
        await settle(app, pilot)
        assert app.screen.query_one(SmsCompose).text == "Running 10 minutes late"
    restarted = await reopen(sim_demo, tmp_path)
    app = HostApp(restarted.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(thread_for(conversation))
        await settle(app, pilot)
        assert app.screen.query_one(SmsCompose).text == "Running 10 minutes late"
    sim_demo.session = restarted.session


async def test_a_customer_who_opted_out_gets_an_explanation_instead_of_the_editor(sim_demo: Demo):
    stopped = next(
        c for c in sim_demo.session.state.conversations_newest_first() if opted_out(conversation_messages(c))
    )
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(thread_for(stopped))
        await settle(app, pilot)
        assert blocked_text(app.screen) == OPTED_OUT
        assert not app.screen.query_one(SmsCompose).text_area.display


async def test_an_account_without_texting_gets_an_explanation(tmp_path: Path):
    demo = await start_demo(tmp_path, config=SimConfig(seed=7, texting_enabled=False))
    conversation = demo.conversation()
    app = HostApp(demo.session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await app.push_screen(thread_for(conversation))
            await settle(app, pilot)
            await pilot.press(*"Are you free Friday?", "ctrl+s")
            await demo.session.outbox.process()
            await settle(app, pilot)
            assert demo.session.texting_enabled is False
            assert blocked_text(app.screen) == TEXTING_DISABLED
            await pilot.press("escape")
            await app.push_screen(thread_for(conversation))
            await settle(app, pilot)
            assert blocked_text(app.screen) == TEXTING_DISABLED
    finally:
        await demo.session.stop()


async def test_a_send_with_an_unknown_outcome_lets_the_user_decide(sim_demo: Demo):
    conversation = next(
        c
        for c in sim_demo.session.state.conversations_newest_first()
        if not opted_out(conversation_messages(c))
    )
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = thread_for(conversation)
        await app.push_screen(screen)
        await settle(app, pilot)
        await pilot.press(*"We can come Tuesday at 9.", "ctrl+s")
        sim_demo.sim.faults.error_rate = 1.0
        await sim_demo.session.outbox.process()
        sim_demo.sim.faults.error_rate = 0.0
        await settle(app, pilot)
        (item,) = [i for i in sim_demo.session.outbox_items(conversation.customer_phone_number)]
        assert item.state is OutboxState.CHECKING  # the read-back failed too: the app keeps checking
        assert str(screen.query_one("#sms-state", Static).render()).startswith("Checking whether")
        assert screen.check_action("resolve", ()) is False
        await sim_demo.session.outbox.process()
        await settle(app, pilot)
        (item,) = [i for i in sim_demo.session.outbox_items(conversation.customer_phone_number)]
        assert item.state is OutboxState.UNKNOWN
        assert str(screen.query_one("#sms-state", Static).render()).startswith("Outcome unknown")
        assert f"o-{item.id}" in screen.query_one(MessageThread).shown_keys
        assert screen.check_action("resolve", ()) is True
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert sim_demo.session.outbox_items(conversation.customer_phone_number)[0].state is OutboxState.SENT
        assert screen.check_action("resolve", ()) is False


def test_snapshot_of_a_thread_with_the_compose_pane(snap_compare, tmp_path: Path):
    demo = build_demo(tmp_path)
    app = HostApp(demo.session)

    async def open_a_thread(pilot) -> None:
        await start(demo)
        await app.push_screen(thread_for(demo.conversation()))
        await settle(app, pilot)
        compose = app.screen.query_one(SmsCompose)
        compose.text_area.cursor_blink = False
        compose.text_area.insert("Hi! A tech can come Thursday 9-11am. [bold]Does that work?[/bold]")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=open_a_thread)
    finally:
        demo.session.store.close()


async def test_a_thousand_conversations_keep_their_order_and_the_cursor_its_conversation():
    """How quick this is, is measured by the ui benchmark (ui_texts_show_ms, ui_texts_key_p99_ms)."""
    base = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    conversations = [
        Conversation.model_validate(
            {
                "id": f"C{i:04d}",
                "customer_name": f"Customer {i}",
                "customer_phone_number": f"+1512555{i:04d}",
                "company_name": "Lone Star Plumbing",
                "last_message_at": (base + timedelta(minutes=i)).isoformat(),
                "recent_messages": [{"direction": "incoming", "content": f"Message {i}"}],
            }
        )
        for i in range(1000)
    ]
    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        listed = app.query_one(ConversationList)
        listed.update_conversations(conversations)
        await pilot.pause()
        assert [c.id for c in listed.conversations] == [f"C{i:04d}" for i in reversed(range(1000))]
        await pilot.press(*"j" * 20)
        # two lines per conversation: the screen scrolled to keep the 21st in view, highlighted
        assert listed.highlighted.id == "C0979"
        assert listed.scroll_offset.y > 0
        shown = [listed.render_line(y).text for y in range(listed.size.height)]
        assert any("Customer 979" in line for line in shown)
        await pilot.press("end", "k")
        assert listed.highlighted.id == "C0001"
        listed.update_conversations(
            [conversations[0].model_copy(update={"last_message_at": base + timedelta(days=1)})]
        )
        assert listed.conversations[0].id == "C0000" and listed.highlighted.id == "C0001"
        listed.update_conversations([], removed=["C0000", "C0999"])  # forgotten: older than a day
        ids = [conversation.id for conversation in listed.conversations]
        assert "C0000" not in ids and "C0999" not in ids and len(ids) == len(conversations) - 2
        assert listed.highlighted.id == "C0001"


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ConversationList(now=lambda: datetime(2026, 11, 26, 17, 30, tzinfo=UTC))

    def on_mount(self) -> None:
        self.query_one(ConversationList).focus()


async def test_an_opted_out_customer_is_marked_opted_out_not_awaiting_a_reply(sim_demo: Demo):
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TextsScreen())
        await pilot.pause()
        listed = app.screen.query_one(ConversationList)
        stopped = [c for c in listed.conversations if opted_out(conversation_messages(c))]
        assert stopped, "the scenario has customers who replied STOP"
        for conversation in stopped:
            assert conversation.awaiting_reply  # the STOP is their last message...
            assert is_opted_out(conversation) and not needs_reply(conversation)  # ...but needs no reply
            row = listed.conversations.index(conversation)
            first, second = (listed._build_strip(row, line, 100).text for line in (0, 1))
            assert first.startswith(f" {OPTED_OUT_MARK} ") and "opted out" in second
        awaiting = sum(1 for c in listed.conversations if needs_reply(c))
        title = str(app.screen.query_one("#texts-title", Static).render())
        assert f"{AWAITING_MARK} {awaiting} awaiting a reply" in title
        assert f"{OPTED_OUT_MARK} {len(stopped)} opted out" in title


@pytest.mark.parametrize("content", ["STOP", "stop", "Unsubscribe", "CANCEL", "end", "Quit.", "stop all"])
def test_opt_out_words(content: str):
    conversation = Conversation.model_validate(
        {
            "id": "C1",
            "recent_messages": [
                {"direction": "incoming", "content": content, "created_at": "2026-11-26T17:00:00Z"},
                {
                    "direction": "outgoing",
                    "content": "Reply STOP to unsubscribe",
                    "created_at": "2026-11-26T16:00:00Z",
                },
            ],
        }
    )
    assert is_opted_out(conversation) and not needs_reply(conversation)
    chatty = conversation.model_copy(
        update={
            "recent_messages": [
                conversation.recent_messages[0].model_copy(update={"content": "Stop by at 3?"})
            ]
        }
    )
    assert not is_opted_out(chatty) and needs_reply(chatty)


async def test_older_messages_load_page_by_page(sim_demo: Demo):
    conversation = next(c for c in sim_demo.session.state.conversations_newest_first() if not is_opted_out(c))
    held = sim_demo.sim.account.conversations[conversation.id]
    first = held.messages[0]
    # 230 earlier messages: three pages of 100 on the server
    earlier = [
        SimMessage(
            id=900_000 + i,
            direction="incoming" if i % 2 else "outgoing",
            content=f"Earlier message {i}",
            created_at=first.created_at - timedelta(minutes=230 - i),
        )
        for i in range(230)
    ]
    held.messages[:0] = earlier
    total = len(held.messages)
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = thread_for(conversation)
        await app.push_screen(screen)
        await settle(app, pilot)
        thread = screen.query_one(MessageThread)
        hint = thread.query_one(".message-older", Static)
        assert len(thread.shown_keys) == 100 and screen.has_older()
        assert hint.display and "1 of 3 pages" in str(hint.render()) and "ctrl+l" in str(hint.render())
        assert screen.check_action("older", ()) is True
        requests = len(sim_demo.sim.request_log)
        await pilot.press("ctrl+l")  # from the editor, which has the focus
        await settle(app, pilot)
        assert len(thread.shown_keys) == 200 and len(sim_demo.sim.request_log) == requests + 1
        assert "2 of 3 pages" in str(hint.render())
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert len(thread.shown_keys) == total
        assert thread.shown_keys[0] == "m-900000"  # the oldest at the top
        assert not hint.display and screen.check_action("older", ()) is False
        assert "whole conversation" in str(screen.query_one("#thread-message", Static).render())
        # the app's own copy is still the newest page: the list and the poller rely on it
        assert len(sim_demo.session.state.conversations[conversation.id].messages) == 100


async def test_masked_names_are_hidden_in_what_the_texts_say(sim_demo: Demo):
    def named_in(c: Conversation) -> str | None:
        """A word of the caller's name that their newest message says ("Thanks Angela!")."""
        said = (c.newest_messages[0].content or "") if c.newest_messages else ""
        words = (c.customer_name or "").split()
        return next((w for w in words if re.search(rf"\b{re.escape(w)}\b", said, re.IGNORECASE)), None)

    conversation = next(c for c in sim_demo.session.state.conversations_newest_first() if named_in(c))
    name = named_in(conversation).casefold()

    def shows_name(text: str) -> bool:
        return name in text.casefold()

    app = HostApp(sim_demo.session, HostSettings(mask=True))
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TextsScreen())
        await settle(app, pilot)
        listed = app.screen.query_one(ConversationList)
        row = [c.id for c in listed.conversations].index(conversation.id)
        preview = listed._build_strip(row, 1, 200).text
        assert f"{name[0].upper()}." in preview and not shows_name(preview)
        screen = thread_for(conversation)
        await app.push_screen(screen)
        await settle(app, pilot)
        said = "\n".join(str(bubble.render()) for bubble in screen.query_one(MessageThread).query(Static))
        assert f"{name[0].upper()}." in said and not shows_name(said)


async def test_a_conversation_on_one_page_offers_no_older_messages(sim_demo: Demo):
    conversation = sim_demo.conversation()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = thread_for(conversation)
        await app.push_screen(screen)
        await settle(app, pilot)
        assert not screen.has_older() and screen.check_action("older", ()) is False
        assert not screen.query_one(MessageThread).query_one(".message-older", Static).display


async def test_an_empty_texts_list_says_so():
    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listed = app.query_one(ConversationList)
        assert "No text conversations yet." in listed.render_line(0).text


@pytest.mark.parametrize(
    ("said", "needs"),
    [("Sounds good!", False), ("Thanks :)", False), ("ok 👍", False), ("See you then.", False),
     ("Perfect, see you then 👍", False), ("Ok. Thanks!", False),
     ("Thanks for your help on the phone! See you then", False), ("Thank you so much for the quote.", False),
     ("Can you come at 3?", True), ("Thanks, but what does it cost?", True), ("Ok, but at 3?", True),
     ("Thanks for the quote, I need it by Friday", True), ("Thanks for calling, is 3 ok?", True)],
)  # fmt: skip
def test_a_thank_you_needs_no_reply(said: str, needs: bool):
    conversation = Conversation.model_validate(
        {
            "id": "C1",
            "recent_messages": [
                {"direction": "incoming", "content": said, "created_at": "2026-11-26T17:00:00Z"}
            ],
        }
    )
    assert needs_reply(conversation) is needs


async def test_the_texts_list_filters_to_those_awaiting_a_reply(sim_demo: Demo):
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TextsScreen())
        await pilot.pause()
        listed = app.screen.query_one(ConversationList)
        everything = len(listed.conversations)
        awaiting = [c.id for c in listed.held if needs_reply(c)]
        assert 0 < len(awaiting) < everything
        await pilot.press("a")
        assert sorted(c.id for c in listed.conversations) == sorted(awaiting)
        assert "only those awaiting a reply" in str(app.screen.query_one("#texts-title", Static).render())
        await pilot.press("a")
        assert len(listed.conversations) == everything
