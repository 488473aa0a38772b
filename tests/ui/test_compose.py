"""The SMS compose pane on its own: the count against the limit, what cannot be sent, drafts, states."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.widgets import Button, Footer, Static

from tui.callrail.budget import BudgetSnapshot
from tui.live.events import OutboxItem, OutboxState
from tui.widgets.sms_compose import SmsCompose, budget_label, count_label, send_problem

NOW = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)


def item(state: OutboxState, error: str = "") -> OutboxItem:
    return OutboxItem(1, "COM1", "+15125550164", None, "Hi", state, NOW, NOW, error=error)


def test_count_and_what_cannot_be_sent():
    assert count_label("hello") == "5/140"
    assert send_problem("   ") == "Type a message first."
    assert send_problem("x" * 141) == "Too long by 1 character."
    assert send_problem("x" * 150) == "Too long by 10 characters."
    assert send_problem("x" * 140) is None


def test_budget_left_is_the_hourly_sms_limit_minus_what_was_used():
    budget = BudgetSnapshot(
        10, 800, 20, 8000, sms_used_hour=30, sms_limit_hour=120, sms_used_day=40, sms_limit_day=800
    )
    assert budget_label(budget) == "90 SMS left this hour"
    assert budget_label(None) == "SMS budget: unknown"


class ComposeApp(App[None]):
    def __init__(self, text: str = "", *, enter_sends: bool = False) -> None:
        super().__init__()
        self.text = text
        self.enter_sends = enter_sends
        self.saved: list[str] = []
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        yield SmsCompose(text=self.text, save_draft=self.saved.append, enter_sends=self.enter_sends)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SmsCompose).focus_editor()

    def on_sms_compose_send(self, message: SmsCompose.Send) -> None:
        self.sent.append(message.content)


def status(app: App, selector: str) -> Static:
    return app.query_one(selector, Static)


async def test_count_warns_near_and_over_the_limit():
    app = ComposeApp("x" * 118)
    async with app.run_test() as pilot:
        count = status(app, "#sms-count")
        assert str(count.render()) == "118/140"
        assert not count.has_class("-near-limit")
        await pilot.press("x", "x")
        assert count.has_class("-near-limit")
        await pilot.press(*"x" * 21)
        assert str(count.render()) == "141/140"
        assert count.has_class("-over-limit")


async def test_ctrl_s_sends_and_refuses_empty_or_too_long_text():
    app = ComposeApp()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        assert app.sent == []
        assert "Type a message first" in str(status(app, "#sms-state").render())
        app.query_one(SmsCompose).text_area.insert("x" * 141)
        await pilot.press("ctrl+s")
        assert app.sent == []
        assert "Too long by 1 character." in str(status(app, "#sms-state").render())
        app.query_one(SmsCompose).text_area.text = "See you at 9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.sent == ["See you at 9"]


async def test_what_the_line_said_about_a_text_goes_once_the_text_is_changed():
    app = ComposeApp()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        assert "Type a message first" in str(status(app, "#sms-state").render())
        await pilot.press(*"x" * 3)
        assert str(status(app, "#sms-state").render()) == ""  # not "Type a message first." beside 3/140
        app.query_one(SmsCompose).text_area.insert("x" * 140)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Too long by 3 characters." in str(status(app, "#sms-state").render())
        await pilot.press("backspace")
        assert "Too long" not in str(status(app, "#sms-state").render())


async def test_a_pasted_escape_sequence_or_control_character_never_goes_out_in_a_text():
    app = ComposeApp()
    async with app.run_test() as pilot:
        app.query_one(SmsCompose).text_area.insert("ctl \x07bell \x1b[31mred\x1b[0m end\r\nsecond line")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.sent == ["ctl bell red end\nsecond line"]


async def test_the_draft_is_saved_as_typed():
    app = ComposeApp()
    async with app.run_test() as pilot:
        await pilot.press(*"On my way")
        assert app.saved[-1] == "On my way"
        app.query_one(SmsCompose).text_area.insert(" now")
        await pilot.pause()
        assert app.saved[-1] == "On my way now"


async def test_states_of_the_last_text_and_clearing_after_it_is_queued():
    app = ComposeApp("Thanks!")
    async with app.run_test() as pilot:
        compose = app.query_one(SmsCompose)
        compose.clear_text()
        compose.show_item(item(OutboxState.QUEUED))
        await pilot.pause()
        assert compose.text == ""
        state = status(app, "#sms-state")
        assert str(state.render()) == "Queued" and state.has_class("-queued")
        compose.show_item(item(OutboxState.FAILED, error="[bold]Opted out[/bold]"))
        assert str(state.render()) == "Failed: [bold]Opted out[/bold]"
        assert state.has_class("-failed")
        compose.show_item(item(OutboxState.SENT))
        assert str(state.render()) == "Sent ✓"


async def test_a_blocked_pane_explains_instead_of_offering_to_send():
    app = ComposeApp("draft")
    async with app.run_test() as pilot:
        compose = app.query_one(SmsCompose)
        compose.block("Texting is not enabled on this account.")
        await pilot.pause()
        assert not compose.text_area.display
        assert not app.query_one("#sms-status").display
        assert "not enabled" in str(status(app, "#sms-blocked").render())
        await pilot.press("ctrl+s")
        assert app.sent == []


def footer_keys(app: App) -> dict[str, str]:
    """What the footer offers: key shown -> description."""
    return {item.key_display: item.description for item in app.query("FooterKey")}


async def test_by_default_enter_starts_a_new_line_and_ctrl_s_sends():
    app = ComposeApp()
    async with app.run_test() as pilot:
        await pilot.press("O", "k", "enter", "b", "y", "e")
        assert app.query_one(SmsCompose).text == "Ok\nbye" and app.sent == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.sent == ["Ok\nbye"]
        assert "Send text" in footer_keys(app).values() and "New line" not in footer_keys(app).values()
        assert "^s" in footer_keys(app)
        assert "ctrl+s to send" in app.query_one(SmsCompose).text_area.placeholder
        assert "ctrl+s" in str(app.query_one(Button).label)


async def test_with_enter_sends_enter_sends_and_ctrl_j_starts_a_new_line():
    app = ComposeApp(enter_sends=True)
    async with app.run_test() as pilot:
        await pilot.press("O", "k", "ctrl+j", "b", "y", "e")
        assert app.query_one(SmsCompose).text == "Ok\nbye" and app.sent == []
        await pilot.press("shift+enter", "!")
        assert app.query_one(SmsCompose).text == "Ok\nbye\n!"
        await pilot.press("enter")
        await pilot.pause()
        assert app.sent == ["Ok\nbye\n!"]
        keys = footer_keys(app)
        assert keys.get("enter") == "Send text" and "^s" not in keys
        assert keys.get("^j") == "New line"
        placeholder = app.query_one(SmsCompose).text_area.placeholder
        assert "enter to send, ctrl+j for a new line" in placeholder
        assert "enter" in str(app.query_one(Button).label)


async def test_with_enter_sends_ctrl_s_still_sends_and_enter_refuses_an_empty_text():
    app = ComposeApp(enter_sends=True)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        assert app.sent == [] and "Type a message first" in str(status(app, "#sms-state").render())
        await pilot.press("h", "i", "ctrl+s")
        await pilot.pause()
        assert app.sent == ["hi"]
