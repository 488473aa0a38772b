"""A thread on the real app: while it is open the session reads it at the calls' pace, and a thread that
starts a conversation is read once the conversation exists."""

from __future__ import annotations

from tui.app import make_app
from tui.live.replies import needs_reply
from tui.screens.thread import ThreadScreen
from tui.screenshots import wait_for, wait_until_polled


def thread_screen(session) -> ThreadScreen:
    conversation = next(c for c in session.state.conversations_newest_first() if needs_reply(c))
    return ThreadScreen(
        conversation.id, conversation.customer_phone_number or "", conversation.company_id or ""
    )


async def test_an_open_thread_is_watched_until_it_closes(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until_polled(pilot, app)
        assert demo.session.poller.thread.conversation_id is None
        screen = thread_screen(demo.session)
        await app.push_screen(screen)
        await pilot.pause()
        assert demo.session.poller.thread.conversation_id == screen.conversation_id
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ThreadScreen))
        assert demo.session.poller.thread.conversation_id is None


async def test_a_new_conversation_is_watched_once_it_exists(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until_polled(pilot, app)
        call = next(c for c in demo.session.state.calls_newest_first() if c.tracking_phone_number)
        screen = ThreadScreen(
            None, "+13125550187", call.company_id or "", tracking_number=call.tracking_phone_number
        )
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.conversation_id is None and demo.session.poller.thread.conversation_id is None
        await pilot.press(*"Hello", "ctrl+s")
        await wait_for(pilot, lambda: screen.conversation_id is not None)
        assert demo.session.poller.thread.conversation_id == screen.conversation_id
