"""The app around the screens: alerts, help, the command palette, pause, quit, hostile input end to end."""

from __future__ import annotations

import asyncio
import gc
import io
from functools import partial

from rich.console import Console
from textual.command import CommandList
from textual.widgets import Footer, Static

from tui import startup_gc
from tui.alerts import ALERT_FLUSH_AFTER, MAX_TOASTS, Alerts
from tui.app import make_app
from tui.callrail.models import Conversation
from tui.live.events import CallsChanged, InboundCall, InboundText, PollState, PollStatus
from tui.messages import LiveUpdate, OpenCall
from tui.screens.companies import CompaniesScreen
from tui.screens.feed import FeedScreen
from tui.screens.help import HelpScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled

HOSTILE_NAME = "[bold red]PWN[/] [@click=app.quit]x[/] \x1b]52;c;Zm9v\x07\u202eeman"


def alert_texts(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def alerts(app) -> list[tuple[str, str, str]]:
    """(severity, title, message) of each toast shown."""
    return [(n.severity, n.title, str(n.message)) for n in app._notifications]


def end_of_poll(app, demo) -> None:
    """What the session sends when a poll has finished: its status."""
    app.post_message(LiveUpdate(PollStatus(PollState.OK, budget=demo.session.status.budget)))


def app_counting_bells(demo):
    app = make_app(demo.session, demo.settings)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)
    return app, bells


async def announced_from_now(pilot, app, bells: list[int]) -> None:
    """The first poll is in; its toasts and bells are forgotten."""
    await wait_until_polled(pilot, app)
    app.clear_notifications()
    bells.clear()


async def test_a_new_call_gets_a_toast_and_the_bell_and_outside_text_stays_text(
    make_scene, make_call
) -> None:
    demo = make_scene(notify_toast=True, notify_bell=True)
    app, bells = app_counting_bells(demo)
    async with app.run_test(size=SIZE) as pilot:
        await announced_from_now(pilot, app, bells)
        ringing = make_call(
            "CALhostile", 0, customer_name=HOSTILE_NAME, call_type="in_progress", answered=None
        )
        app.post_message(LiveUpdate(CallsChanged(new=[ringing])))
        app.post_message(LiveUpdate(InboundCall(ringing)))
        end_of_poll(app, demo)
        await pilot.pause()
        assert any("[bold red]PWN[/]" in text for text in alert_texts(app))
        assert not any("\x1b" in text or "\u202e" in text for text in alert_texts(app))
        assert bells == [1]
        assert app.is_running  # the [@click=app.quit] in the name did nothing

        table = app.screen.table
        assert table.row_of("CALhostile") == 0
        line = table.render_line(1)
        assert "[bold red]" in line.text and "\x1b" not in line.text

        missed = make_call("CALhostile", 0, customer_name=HOSTILE_NAME, call_type="missed", duration=20)
        app.post_message(LiveUpdate(CallsChanged(changed=[missed])))
        end_of_poll(app, demo)
        await pilot.pause()
        assert any(text.startswith("Missed call from") for text in alert_texts(app))
        # one toast for the call: the missed one took the place of the ringing one
        assert len([text for text in alert_texts(app) if "PWN" in text]) == 1
        assert "missed" in table.render_line(1).text


async def test_behind_a_dialog_the_bell_rings_and_the_toast_waits_for_it_to_close(
    make_scene, make_call
) -> None:
    demo = make_scene(notify_toast=True, notify_bell=True)
    app, bells = app_counting_bells(demo)
    async with app.run_test(size=SIZE) as pilot:
        await announced_from_now(pilot, app, bells)
        app.post_message(LiveUpdate(InboundCall(make_call("CALbefore", 0, customer_name="Bo Early"))))
        end_of_poll(app, demo)
        await wait_for(pilot, lambda: any("Bo Early" in text for text in alert_texts(app)))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        assert not any("Bo Early" in text for text in alert_texts(app))  # taken down, not timed out
        bells.clear()
        app.post_message(LiveUpdate(InboundCall(make_call("CALbehind", 0, customer_name="Ada Quill"))))
        end_of_poll(app, demo)
        end_of_poll(app, demo)  # a poll that brought nothing rings nothing more
        await pilot.pause()
        assert bells == [1]
        assert not any("Ada Quill" in text for text in alert_texts(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("Ada Quill" in text for text in alert_texts(app)))
        assert bells == [1] and not app.alerts.waiting


async def test_alerts_can_be_turned_off(demo, make_call) -> None:
    app, bells = app_counting_bells(demo)  # the scene turns toasts and the bell off
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        app.post_message(LiveUpdate(InboundCall(make_call("CALquiet", 0))))
        end_of_poll(app, demo)  # the end of a poll announces at once whatever it brought
        await pilot.pause()
        assert not bells and not any("Call from" in text for text in alert_texts(app))
        assert not app.alerts.waiting, "nothing may be left to announce later either"


async def test_full_garbage_collections_resume_after_the_first_frame(app) -> None:
    usual = gc.get_threshold()
    startup_gc.hold()  # as importing the app does in a fresh process
    assert gc.get_threshold() != usual
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: gc.get_threshold() == usual)
        assert app.screen.query_one(Footer).is_attached  # the feed is drawn


async def test_help_and_back(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        text = console.export_text()
        for expected in ("Companies", "Filter as you type", "Pause or resume polling", "Command palette"):
            assert expected in text
        # every place has its section: none is left out silently
        for place in ("Everywhere", "Live feed", "Moving in a list", "Call detail", "Texts", "A text thread"):
            assert f"\n{place}" in text
        assert "g" in text.split("Moving in a list")[1].split("Companies")[0].split()
        assert "Send text" in text.split("A text thread")[1]  # the compose box's ctrl+s
        console.print(app.screen.query_one("#help-legend", Static).content)
        legend = console.export_text()
        assert "new (1st)" in legend and "was good" in legend
        await pilot.press("escape")
        assert isinstance(app.screen, FeedScreen)


async def test_every_screen_action_is_in_the_command_palette(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Feed", "Companies", "Texts", "Pause polling", "Refresh now", "Help"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Companies")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.pause(0.3)  # every provider has answered
        found = app.screen.query_one(CommandList)
        titles = [str(found.get_option_at_index(n).prompt).split("\n")[0] for n in range(found.option_count)]
        assert titles.count("Companies") == 1  # offered once, though the feed also has a key for it
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CompaniesScreen))


async def test_pause_resume_and_quit(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("p")
        assert app.paused
        await wait_for(pilot, lambda: demo.session.status.state.value == "paused")
        await pilot.press("p")
        assert not app.paused
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_poll_with_several_new_calls_gets_one_toast_and_one_bell(make_scene, make_call) -> None:
    demo = make_scene(notify_toast=True, notify_bell=True)
    app, bells = app_counting_bells(demo)
    async with app.run_test(size=SIZE) as pilot:
        await announced_from_now(pilot, app, bells)
        answered = [
            make_call(f"CALnew{i}", i, customer_name=name, company_id=company)
            for i, (name, company) in enumerate(
                [("Ana Ruiz", "COM1"), ("Ben Okafor", "COM1"), ("Cy Young", "COM2"), ("Di Lee", "COM1")]
            )
        ]
        missed = [
            make_call(f"CALmissed{i}", i, customer_name=name, call_type="missed", answered=False)
            for i, name in enumerate(["Eve Stone", "Flo Park"])
        ]
        conversation = Conversation.model_validate(
            {
                "id": "CONVnew",
                "customer_name": "Gus Hale",
                "customer_phone_number": "+15125550111",
                "company_id": "COM1",
                "recent_messages": [{"direction": "incoming", "content": "Hi"}],
            }
        )
        # one poll, as the session reports it: the changes, an event per new call and text, the status
        app.post_message(LiveUpdate(CallsChanged(new=[*answered, *missed])))
        for call in (*answered, *missed):
            app.post_message(LiveUpdate(InboundCall(call)))
        app.post_message(LiveUpdate(InboundText(conversation, conversation.recent_messages[0])))
        end_of_poll(app, demo)
        await pilot.pause()
        shown = alerts(app)
        assert [message for _, _, message in shown] == [
            "Call from Ana Ruiz +3 more",
            "Missed call from Eve Stone +1 more",
            "New text from Gus Hale",
        ]
        assert [severity for severity, _, _ in shown] == ["information", "warning", "information"]
        assert shown[0][1] == "2 companies" and shown[1][1] == app.context.company_name(
            "COM1", "Bay State Dental"
        )
        assert bells == [1]

        # the next poll brings nothing: no toast, no bell
        end_of_poll(app, demo)
        await pilot.pause()
        assert len(alerts(app)) == 3 and bells == [1]

        # a single call outside a poll is still announced, after a moment, in place of the oldest toast
        app.post_message(LiveUpdate(InboundCall(make_call("CALlate", 0, customer_name="Hal Ito"))))
        await wait_for(
            pilot, lambda: alerts(app)[-1][2] == "Call from Hal Ito", timeout=ALERT_FLUSH_AFTER + 2
        )
        assert len(alerts(app)) == MAX_TOASTS and bells == [1, 1]
        assert "Call from Ana Ruiz +3 more" not in alert_texts(app)


async def test_toast_and_bell_settings_are_separate(make_scene, make_call) -> None:
    for toast, bell in ((True, False), (False, True)):
        demo = make_scene(notify_toast=toast, notify_bell=bell)
        app = make_app(demo.session, demo.settings)
        bells: list[int] = []
        app.bell = partial(bells.append, 1)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_polled(pilot, app)
            app.clear_notifications()
            bells.clear()
            for i in range(3):
                app.post_message(LiveUpdate(InboundCall(make_call(f"CALsetting{i}", i))))
            end_of_poll(app, demo)
            await pilot.pause()
            assert bool(alerts(app)) is toast and len(alerts(app)) == (1 if toast else 0)
            assert bells == ([1] if bell else [])


async def test_toasts_and_the_bell_are_switched_from_the_command_palette(make_scene, make_call) -> None:
    demo = make_scene(notify_toast=True, notify_bell=True)
    app = make_app(demo.session, demo.settings)
    bells: list[int] = []
    app.bell = partial(bells.append, 1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["Turn toasts off"].callback()
        commands["Turn the bell off"].callback()
        await pilot.pause()
        app.clear_notifications()
        bells.clear()
        app.post_message(LiveUpdate(InboundCall(make_call("CALswitched", 0))))
        end_of_poll(app, demo)
        await pilot.pause()
        assert not alerts(app) and not bells
        assert "Turn toasts on" in {command.title for command in app.get_system_commands(app.screen)}


def test_a_text_from_an_unnamed_number_is_announced_with_the_number_as_the_app_shows_it() -> None:
    conversation = Conversation(id="CONV1", customer_phone_number="+13035550174")
    assert Alerts._texter(conversation, mask=False) == "303-555-0174"
    assert "303" not in Alerts._texter(conversation, mask=True)


async def test_keys_pressed_while_quitting_open_nothing(app, demo) -> None:
    """t, c or enter pressed while the session stops would open a screen on a store it has closed."""
    stopping, stop = asyncio.Event(), demo.session.stop

    async def slow_stop() -> None:
        await stopping.wait()
        await stop()

    demo.session.stop = slow_stop
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        pressing_q = asyncio.create_task(pilot.press("q"))
        try:
            await asyncio.sleep(0.2)  # q's action waits for the session to stop; keys queue behind it
            assert not any(app.check_action(name, ()) for name in ("texts", "companies", "inbox", "help"))
            app._open_call(OpenCall(next(iter(demo.session.state.calls))))  # the feed's enter, just after
        finally:
            stopping.set()  # whatever happened, the app can quit
        await asyncio.wait_for(pressing_q, 10)
        await pilot.pause()
        assert [type(screen) for screen in app.screen_stack] == [FeedScreen]
    assert app.return_code == 0
