"""One mask state: ``m`` pressed on the call detail, a text thread or the texts list changes what that
screen shows at once, and what every other screen shows after."""

from __future__ import annotations

from textual.widgets import Static

from tui.app import make_app
from tui.safe_text import mask_name
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.widgets.call_facts import CallFacts
from tui.widgets.conversation_list import ConversationList


def text_of(widget) -> str:
    return "\n".join(strip.text for strip in widget.render_lines(widget.region.reset_offset))


async def test_the_mask_switches_on_detail_texts_and_thread_alike(make_scene) -> None:
    scene = make_scene()
    app = make_app(scene.session, scene.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        named = next(call for call in app.screen.table.visible_calls() if call.customer_name)
        app.open_call(named.id)
        await wait_for(pilot, lambda: app.screen.query(CallFacts))
        facts = app.screen.query_one(CallFacts)
        await wait_for(pilot, lambda: named.customer_name in text_of(facts))

        await pilot.press("m")
        await wait_for(pilot, lambda: named.customer_name not in text_of(facts))
        assert mask_name(named.customer_name) in text_of(facts)
        assert app.context.mask

        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.query(ConversationList))
        conversations = app.screen.query_one(ConversationList)
        with_name = next(c for c in conversations.conversations if c.customer_name)
        assert with_name.customer_name not in text_of(conversations)

        await pilot.press("m")
        await wait_for(pilot, lambda: with_name.customer_name in text_of(conversations))

        app.push_screen(thread_for(with_name))
        await wait_for(pilot, lambda: app.screen.query("#thread-title"))
        title = app.screen.query_one("#thread-title", Static)
        await wait_for(pilot, lambda: with_name.customer_name in str(title.render()))
        app.action_toggle_mask()  # as the command palette does: "m" would be typed into the reply box
        await wait_for(pilot, lambda: with_name.customer_name not in str(title.render()))
        assert mask_name(with_name.customer_name) in str(title.render())


def thread_for(conversation):
    from tui.screens.thread import ThreadScreen

    return ThreadScreen(conversation.id, conversation.customer_phone_number, conversation.company_id)
