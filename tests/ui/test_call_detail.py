"""The call detail screen against the in-process simulator: what it shows, and its actions reaching the
server (tag, note, lead status, value, reply by text)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Input, OptionList, Static

from tests.ui.detail_fixtures import START, Demo, HostApp, HostSettings, build_demo, start, start_demo
from tui import display
from tui.app import make_app
from tui.callrail.models import Call, CallStatus, Conversation
from tui.callrail.phones import digits
from tui.screens.call_detail import CallDetailScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import _call_with_transcript, wait_for, wait_until_polled
from tui.widgets.call_facts import CallFacts
from tui.widgets.call_insights import CallInsights
from tui.widgets.caller_history import history_entries
from tui.widgets.modals import ChoicePrompt, TextPrompt
from tui.widgets.sms_compose import SmsCompose
from tui.widgets.transcript import Transcript

HOUR = timedelta(hours=1)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.casefold()))


PLACEHOLDER_NAMES = {"CELL PHONE", "WIRELESS CALLER", "UNKNOWN", "UNKNOWN CALLER"}

SIZE = (120, 36)


@pytest.fixture
async def sim_demo(tmp_path: Path) -> Demo:
    demo = await start_demo(tmp_path)
    yield demo
    await demo.session.stop()


async def open_detail(app: HostApp, pilot, call_id: str) -> CallDetailScreen:
    screen = CallDetailScreen(call_id)
    await app.push_screen(screen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def write_note(app: HostApp, pilot, text: str) -> None:
    """``n`` on the open call, ``text`` as the note, saved."""
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


def facts_of(screen) -> dict[str, str]:
    return {fact.label: fact.value for fact in screen.query_one(CallFacts).facts}


def message_of(screen) -> str:
    return str(screen.query_one("#detail-message", Static).render())


async def test_opening_a_call_shows_the_caller_and_the_transcript(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        facts = facts_of(screen)
        assert facts["Caller"] == display.caller_name(call)
        assert facts["Status"] == "answered"
        assert {"When", "Duration", "Tracking", "Company"} <= facts.keys()
        transcript = screen.query_one(Transcript)
        assert transcript.line_count > 3
        assert {turn.label for turn in transcript.turns} >= {"Agent", "Caller"}
        assert screen.query_one(CallInsights).insights[0].label == "Summary"
        await pilot.press("o")
        assert app.opened_urls and app.opened_urls[0].startswith("http")


async def test_a_call_that_cannot_be_loaded_is_an_inline_message(sim_demo: Demo):
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, "CALdoesnotexist")
        assert message_of(screen).startswith("Could not load the call's details")
        assert app.screen is screen


async def test_tag_note_and_lead_status_reach_the_server(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("end", "enter")  # the last choice: a new tag
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press(*"Callback Thursday", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("n")
        app.screen.query_one(Input).value = "Call back after 3pm"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.press("l")
        assert isinstance(app.screen.query_one(OptionList), OptionList)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        server = Call.model_validate(await sim_demo.server_call(call.id))
        assert "Callback Thursday" in server.tags
        assert server.note == "Call back after 3pm"
        assert server.lead_status == "good_lead"
        facts = facts_of(screen)
        assert "Callback Thursday" in facts["Tags"] and facts["Lead"] == "Good lead"
        assert message_of(screen) == "Saved the lead status."


async def test_a_call_the_live_state_lets_go_of_while_it_is_open_keeps_its_actions(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        sim_demo.session.state.forget_calls_before(call.start_time + HOUR)  # it passed the day's window
        assert call.id not in sim_demo.session.state.calls
        await write_note(app, pilot, "Called back Monday")
        assert Call.model_validate(await sim_demo.server_call(call.id)).note == "Called back Monday"
        assert facts_of(screen)["Caller"] == display.caller_name(call)


async def test_a_note_keeps_no_control_character_or_escape_sequence(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, call.id)
        await write_note(app, pilot, "  \x1b[31mVIP\x1b[0m \x07caller  ")
        assert Call.model_validate(await sim_demo.server_call(call.id)).note == "VIP caller"


async def test_a_server_error_on_value_is_a_clear_message(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        await pilot.press("v")
        app.screen.query_one(Input).value = "abc"
        await pilot.press("enter")
        assert "Type an amount" in str(app.screen.query_one(".prompt-error", Static).render())
        app.screen.query_one(Input).value = "125.50"
        sim_demo.sim.faults.error_rate = 1.0
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        sim_demo.sim.faults.error_rate = 0.0
        assert message_of(screen).startswith("Could not save the value:")
        assert screen.query_one("#detail-message").has_class("-error")


async def test_reply_by_text_from_call_detail_reaches_the_conversation_on_the_server(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, call.id)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        thread = app.screen
        assert isinstance(thread, ThreadScreen)
        thread.query_one(SmsCompose).text_area.insert("Hi, this is Bay State Dental returning your call.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert thread.query_one(SmsCompose).text == ""
        await sim_demo.session.outbox.process()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(thread.query_one("#sms-state", Static).render()) == "Sent ✓"
        conversations = [
            Conversation.model_validate(raw)
            for raw in await sim_demo.server_conversations()
            if digits(raw["customer_phone_number"]) == digits(call.customer_phone_number)
        ]
        assert conversations
        server = Conversation.model_validate(await sim_demo.server_conversation(conversations[0].id))
        assert any(
            (m.content or "").startswith("Hi, this is Bay State Dental returning your call.")
            for m in server.messages
        )


async def test_the_detail_follows_a_live_call_until_it_ends(sim_demo: Demo):
    before = set(sim_demo.session.state.calls)
    while not (
        live := [c for c in sim_demo.session.state.calls.values() if c.is_live and c.id not in before]
    ):
        sim_demo.clock.advance(60)
        await sim_demo.session.poll_once()
        assert sim_demo.clock.now() - START < __import__("datetime").timedelta(hours=3), "no call started"
    call = live[0]
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        assert facts_of(screen)["Duration"] == "live now"
        assert "in progress" in str(screen.query_one(Transcript).render_line(0).text)
        while sim_demo.session.state.calls[call.id].is_live:
            sim_demo.clock.advance(60)
            await sim_demo.session.poll_once()
        await pilot.pause()
        assert facts_of(screen)["Duration"] != "live now"


def test_snapshot_of_a_call_with_its_transcript(snap_compare, tmp_path: Path):
    demo = build_demo(tmp_path)
    app = HostApp(demo.session)

    async def open_a_call(pilot) -> None:
        await start(demo)
        await open_detail(app, pilot, demo.answered_call().id)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=open_a_call)
    finally:
        demo.session.store.close()


async def test_in_the_app_enter_opens_a_call_r_replies_and_the_palette_offers_its_actions(app, demo):
    """The same screens inside ``CallRailApp`` (the scene the README screenshots come from)."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        call = next(c for c in demo.session.state.calls_newest_first() if c.customer_phone_number)
        app.open_call(call.id)
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        detail = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Add tag")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        assert app.screen.customer_phone_number == call.customer_phone_number
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)


async def test_mask_hides_the_caller_in_the_transcript_too(sim_demo: Demo):
    """A voicemail says who called and where to call back: masked, neither shows."""
    voicemail = next(
        call
        for call in sim_demo.session.state.calls_newest_first()
        if call.status is CallStatus.VOICEMAIL
        and call.customer_name
        and call.customer_name not in PLACEHOLDER_NAMES
        and call.start_time < START - HOUR
    )
    app = HostApp(sim_demo.session, HostSettings(mask=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, voicemail.id)
        await app.workers.wait_for_complete()
        await pilot.pause()
        transcript = screen.query_one(Transcript)
        last_four = digits(voicemail.customer_phone_number)[-4:]
        names = voicemail.customer_name.casefold().split()  # CNAM style: LAST FIRST
        said = " ".join(turn.text for turn in transcript.turns)
        assert f"•••-•••-{last_four}" in said
        assert not set(names) & words(said)
        app.context.set_mask(False)
        await wait_for(pilot, lambda: "•••" not in " ".join(turn.text for turn in transcript.turns))
        said = " ".join(turn.text for turn in transcript.turns)
        assert last_four in said and set(names) & words(said)


async def test_mask_hides_the_callers_name_and_number(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session, HostSettings(mask=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        facts = facts_of(screen)
        digits_ = digits(call.customer_phone_number)
        assert facts["Number"] == f"•••-•••-{digits_[-4:]}"
        assert facts["Caller"] == " ".join(f"{part[0]}." for part in call.customer_name.split())
        widget = screen.query_one(CallFacts)
        shown = [strip.text for strip in widget.render_lines(widget.region.reset_offset)]
        assert not any(call.customer_name in line or digits_[-7:] in line for line in shown)


async def test_saving_a_note_costs_one_update_and_one_read_back(sim_demo: Demo):
    call = sim_demo.answered_call()
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, call.id)
        await app.workers.wait_for_complete()
        sim_demo.session.set_paused(True)
        before = len(sim_demo.sim.request_log)
        await pilot.press("n")
        app.screen.query_one(Input).value = "Quote sent"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        methods = [record.method for record in sim_demo.sim.request_log[before:] if not record.external]
        assert methods == ["PUT", "GET"]


async def test_the_accounts_tags_are_offered_and_the_calls_own_can_be_removed(sim_demo: Demo):
    call = sim_demo.answered_call()
    known = sorted(
        {t.name for t in sim_demo.sim.account.tags.values() if t.company_id in (None, call.company_id)},
        key=str.casefold,
    )
    app = HostApp(sim_demo.session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, call.id)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        offered = [label for label in labels if label.startswith("Add “")]
        assert offered and all(label[5:-1] in known for label in offered)
        chosen = offered[0][5:-1]
        options.highlighted = labels.index(offered[0])
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert chosen in Call.model_validate(await sim_demo.server_call(call.id)).tags

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = labels.index(f"Remove “{chosen}”")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert chosen not in Call.model_validate(await sim_demo.server_call(call.id)).tags
        assert message_of(screen) == f"Saved the removal of “{chosen}”."


async def test_at_80x24_the_transcript_keeps_most_of_the_height(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_polled(pilot, app)
        call = _call_with_transcript(demo.session)
        app.open_call(call.id)
        await wait_for(pilot, lambda: demo.session.state.calls[call.id].conversational_transcript)
        await wait_for(pilot, lambda: app.screen.query_one(Transcript).line_count > 3)
        await pilot.pause()
        insights = app.screen.query_one("#detail-insights-box").region
        transcript = app.screen.query_one(Transcript).region
        assert insights.height <= 4 and transcript.height >= 10, (insights, transcript)


def test_the_callers_history_masks_names_and_numbers_in_text_previews():
    conversation = Conversation.model_validate(
        {
            "id": "CONV1",
            "customer_name": "Grace King",
            "customer_phone_number": "+17815550160",
            "recent_messages": [
                {"direction": "incoming", "content": "Hi this is Grace King, call me on 781-555-0160"}
            ],
        }
    )
    [shown] = history_entries([], [conversation])
    [masked] = history_entries([], [conversation], mask=True)
    assert "Grace" in shown.detail and "781-555-0160" in shown.detail
    assert "Grace" not in masked.detail and "King" not in masked.detail and "555-0160" not in masked.detail
