"""The SMS compose pane: a text area with a live count against the limit, the SMS budget left, and the
state of the last text sent from it.

The pane knows nothing of the session: it saves the draft through the ``save_draft`` callback on every
edit, so quitting or a crash never loses text (a save to the local store takes about 15 µs, so there is
nothing to gain from delaying it), and asks to send with a ``Send`` message; the screen queues the text
and reports the outbox item back with ``show_item``.

Which key sends follows the ``enter_sends`` setting: off, ``ctrl+s`` sends and enter starts a new line (as
in any editor); on, enter sends and shift+enter or ``ctrl+j`` start a new line (many terminals send
shift+enter as a plain enter, hence ``ctrl+j``), and ``ctrl+s`` still sends. The footer, the placeholder
and the button name the key that sends.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from tui.callrail.budget import BudgetSnapshot
from tui.live.events import OutboxItem, OutboxState
from tui.safe_text import clean, literal

SMS_LIMIT = 140
NEAR_LIMIT = 120
SEND_KEY = "ctrl+s"
ENTER = "enter"
NEWLINE_KEY = "ctrl+j"

STATE_LABELS = {
    OutboxState.QUEUED: "Queued",
    OutboxState.SENDING: "Sending…",
    OutboxState.SENT: "Sent ✓",
    OutboxState.FAILED: "Failed",
    OutboxState.UNKNOWN: "Outcome unknown: check the thread",
    OutboxState.CHECKING: "Checking whether it went out…",
    OutboxState.HELD: "Held: a colleague just texted them; see the thread",
}


def count_label(text: str, limit: int = SMS_LIMIT) -> str:
    return f"{len(text)}/{limit}"


def budget_label(budget: BudgetSnapshot | None) -> str:
    if budget is None:
        return "SMS budget: unknown"
    left = max(0, budget.sms_limit_hour - budget.sms_used_hour)
    return f"{left} SMS left this hour"


def send_problem(text: str, limit: int = SMS_LIMIT) -> str | None:
    """Why this text cannot be sent, or ``None`` if it can."""
    if not text.strip():
        return "Type a message first."
    if len(text) > limit:
        over = len(text) - limit  # the count beside it shows the limit
        return f"Too long by {over} character{'' if over == 1 else 's'}."
    return None


class SmsCompose(Vertical):
    """Compose and send one text. ``block(reason)`` replaces the editor with an explanation."""

    DEFAULT_CSS = """
    SmsCompose {
        height: auto;
        border-top: solid $panel-lighten-2;
        padding: 0 1;
        #sms-text { height: 5; }
        #sms-status { height: 1; }
        #sms-count { width: 9; }
        #sms-count.-near-limit { color: $warning; text-style: bold; }
        #sms-count.-over-limit { color: $error; text-style: bold reverse; }
        #sms-budget { width: 24; color: $text-muted; }
        #sms-state { width: 1fr; }
        #sms-state.-error, #sms-state.-failed, #sms-state.-unknown { color: $error; text-style: bold; }
        #sms-state.-queued, #sms-state.-sending { color: $warning; }
        #sms-state.-sent { color: $success; }
        #sms-blocked {
            padding: 1 2;
            background: $warning 15%;
            border-left: wide $warning;
        }
    }
    """
    BINDINGS = [
        Binding(SEND_KEY, "send", "Send text", priority=True),
        # with enter_sends on (check_action keeps only the pair that applies)
        Binding(
            f"{ENTER},{SEND_KEY}",
            "send_by_enter",
            "Send text",
            key_display=ENTER,
            priority=True,
            tooltip=f"Send the text ({SEND_KEY} too)",
        ),
        Binding(
            f"shift+enter,{NEWLINE_KEY}",
            "newline",
            "New line",
            key_display="^j",
            priority=True,
            tooltip="New line in the text (shift+enter too, where the terminal tells it from enter)",
        ),
    ]

    class Send(Message):
        """The user asked to send ``content`` (already checked against the limit)."""

        def __init__(self, compose: SmsCompose, content: str) -> None:
            super().__init__()
            self.compose = compose
            self.content = content

    def __init__(
        self,
        *,
        text: str = "",
        save_draft: Callable[[str], None] | None = None,
        limit: int = SMS_LIMIT,
        enter_sends: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._enter_sends = enter_sends
        self._initial_text = text
        self._save_draft = save_draft
        self._limit = limit
        self._blocked = False
        self._state_shown = False  # the line beside the count says something

    @staticmethod
    def unused_actions(enter_sends: bool) -> set[str]:
        """The actions of ``BINDINGS`` that do nothing with this setting (help leaves them out)."""
        return {"send"} if enter_sends else {"send_by_enter", "newline"}

    def compose(self) -> ComposeResult:
        send_key = ENTER if self._enter_sends else SEND_KEY
        newline = f", {NEWLINE_KEY} for a new line" if self._enter_sends else ""
        yield Static(id="sms-blocked")
        yield TextArea(
            self._initial_text,
            id="sms-text",
            soft_wrap=True,
            show_line_numbers=False,
            placeholder=f"Type a text (up to {self._limit} characters), {send_key} to send{newline}",
        )
        with Horizontal(id="sms-status"):
            yield Static(id="sms-count")
            yield Static(budget_label(None), id="sms-budget")
            yield Static(id="sms-state")
            yield Button(f"Send ({send_key})", id="sms-send", compact=True, variant="primary")

    def on_mount(self) -> None:
        self.query_one("#sms-blocked").display = False
        self._update_count(self._initial_text)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#sms-text", TextArea)

    @property
    def text(self) -> str:
        return self.text_area.text

    @property
    def blocked(self) -> bool:
        return self._blocked

    def focus_editor(self) -> None:
        if not self._blocked:
            self.text_area.focus()

    @on(TextArea.Changed, "#sms-text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        self._update_count(text)
        if self._state_shown:  # what it said (a problem, the last text's fate) was about another text
            self.show_message("")
        if self._save_draft is not None:
            self._save_draft(text)

    def _update_count(self, text: str) -> None:
        count = self.query_one("#sms-count", Static)
        count.update(Text(count_label(text, self._limit)))
        count.set_class(NEAR_LIMIT <= len(text) <= self._limit, "-near-limit")
        count.set_class(len(text) > self._limit, "-over-limit")

    def show_budget(self, budget: BudgetSnapshot | None) -> None:
        self.query_one("#sms-budget", Static).update(Text(budget_label(budget)))

    def show_message(self, message: str, *, error: bool = False) -> None:
        state = self.query_one("#sms-state", Static)
        state.update(literal(message, single_line=True))
        state.set_classes(["-error"] if error else [])
        self._state_shown = bool(message)

    def show_item(self, item: OutboxItem) -> None:
        label = STATE_LABELS[item.state]
        if item.state is OutboxState.FAILED and item.error:
            label = f"{label}: {item.error}"
        state = self.query_one("#sms-state", Static)
        state.update(literal(label, single_line=True))
        state.set_classes([f"-{item.state.value}"])
        self._state_shown = True

    def clear_text(self) -> None:
        """After the text was queued: empty the editor (the screen clears the stored draft)."""
        with self.text_area.prevent(TextArea.Changed):
            self.text_area.clear()
        self._update_count("")

    def block(self, reason: str | None) -> None:
        """Show ``reason`` instead of the editor and the send button (``None`` unblocks)."""
        self._blocked = reason is not None
        notice = self.query_one("#sms-blocked", Static)
        notice.update(literal(reason or ""))
        notice.display = self._blocked
        self.text_area.display = not self._blocked
        self.query_one("#sms-status").display = not self._blocked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("send", "send_by_enter", "newline"):
            return not self._blocked and action not in self.unused_actions(self._enter_sends)
        return True

    def action_send_by_enter(self) -> None:
        self.action_send()

    def action_newline(self) -> None:
        start, end = self.text_area.selection
        self.text_area.replace("\n", start, end, maintain_selection_offset=False)

    def action_send(self) -> None:
        # a priority binding runs as the key arrives, before the text box has taken the keys typed just
        # before it (a fast typist, a paste, a browser tab): send once it has
        self.text_area.call_later(self._send_typed)

    def _send_typed(self) -> None:
        text = clean(self.text)  # never a terminal's escape sequence or control character in a text
        problem = send_problem(text, self._limit)
        if problem is not None:
            self.show_message(problem, error=True)
            return
        self.post_message(self.Send(self, text))

    @on(Button.Pressed, "#sms-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()
