"""Text conversations across companies, newest first, those awaiting a reply (or opted out) marked;
enter opens one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui.context import Context, context_of
from tui.live.events import ConversationsChanged
from tui.live.replies import is_opted_out, needs_reply
from tui.live.session import LiveSession
from tui.screens.thread import ThreadScreen
from tui.widgets.conversation_list import AWAITING_MARK, OPTED_OUT_MARK, ConversationList
from tui.widgets.footer import Footer
from tui.widgets.screen_commands import ScreenActions


class TextsScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open", show=False, tooltip="Open the highlighted conversation"),
        Binding("a", "toggle_awaiting", "Awaiting reply", tooltip="Only conversations that need a reply"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="texts")

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def session(self) -> LiveSession:
        return self.ctx.session

    def compose(self) -> ComposeResult:
        yield Static(id="texts-title")
        yield ConversationList(
            mask=self.ctx.mask,
            times=self.ctx.times,
            now=self.session.clock.now,
            id="texts-list",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.ctx.live.subscribe(self, self._on_live_event)
        self.ctx.mask_changed.subscribe(self, self.query_one(ConversationList).set_mask)
        conversations = self.query_one(ConversationList)
        conversations.update_conversations(self.session.state.conversations.values())
        conversations.focus()
        self._show_title()

    def on_unmount(self) -> None:
        self.ctx.live.unsubscribe(self)

    def _show_title(self) -> None:
        listed = self.query_one(ConversationList)
        conversations = listed.held
        awaiting = sum(1 for conversation in conversations if needs_reply(conversation))
        opted_out = sum(1 for conversation in conversations if is_opted_out(conversation))
        title = f"Texts · {len(conversations)} conversations"
        if listed.only_awaiting:
            title += " · showing only those awaiting a reply (a shows all)"
        if awaiting:
            title += f" · {AWAITING_MARK} {awaiting} awaiting a reply"
        if opted_out:
            title += f" · {OPTED_OUT_MARK} {opted_out} opted out"
        self.query_one("#texts-title", Static).update(Text(title))

    def _on_live_event(self, event: object) -> None:
        if isinstance(event, ConversationsChanged) and (event.new or event.changed or event.removed):
            self.query_one(ConversationList).update_conversations([*event.new, *event.changed], event.removed)
            self._show_title()

    def action_toggle_awaiting(self) -> None:
        listed = self.query_one(ConversationList)
        listed.set_only_awaiting(not listed.only_awaiting)
        self._show_title()

    def action_open(self) -> None:
        self.query_one(ConversationList).action_select()

    def action_back(self) -> None:
        self.dismiss()

    @on(ConversationList.Selected)
    def _open(self, event: ConversationList.Selected) -> None:
        conversation = event.conversation
        self.app.push_screen(
            ThreadScreen(
                conversation.id,
                conversation.customer_phone_number or "",
                conversation.company_id or "",
                tracking_number=conversation.tracking_number,
            )
        )
