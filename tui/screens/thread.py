"""One text conversation with a customer, and the pane to reply.

Messages come from what the app holds, then from ``open_conversation`` (a worker): the newest page.
``ctrl+l`` loads the next older page straight from the client (kept in the screen, not in the app's
state, whose conversation stays the newest page the poller and the texts list rely on). Texts sent from here
go through the session's outbox; their state (queued, sending, sent, failed, unknown) follows
``OutboxChanged``. A customer who opted out, or an account without texting, gets an explanation instead
of the editor.
"""

from __future__ import annotations

import logging

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui import display
from tui.callrail.errors import CallRailError
from tui.callrail.models import Conversation, TextMessage
from tui.callrail.phones import digits
from tui.context import Context, context_of
from tui.live.events import ConversationsChanged, OutboxChanged, OutboxItem, OutboxState, PollStatus
from tui.live.outbox import NothingToDecide
from tui.live.replies import conversation_messages, opted_out
from tui.live.session import LiveSession
from tui.safe_text import clean, literal, mask_name
from tui.widgets.footer import Footer
from tui.widgets.message_thread import MessageThread
from tui.widgets.presence_line import PresenceLine
from tui.widgets.screen_commands import ScreenActions
from tui.widgets.sms_compose import SmsCompose

log = logging.getLogger(__name__)

TEXTING_DISABLED = (
    "Texting is not enabled on this CallRail account (it needs A2P 10DLC registration), so texts "
    "cannot be sent from here. You can still read conversations."
)
OPTED_OUT = (
    "This customer opted out of texts (they replied STOP or similar). CallRail refuses texts to them, "
    "so sending is turned off until they text you again."
)
NO_TRACKING_NUMBER = (
    "There is no tracking number to send from: reply from a call or an existing conversation."
)


OLDER_KEY = "ctrl+l"
# Messages per page: the same as ``open_conversation`` asks for, so that page 2 follows page 1.
MESSAGES_PER_PAGE = 100


def draft_key(conversation_id: str | None, company_id: str, customer_phone_number: str) -> str:
    return conversation_id or f"new:{company_id}:{customer_phone_number}"


class ThreadScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding(
            "ctrl+o", "resolve(True)", "Mark as sent", priority=True, tooltip="The unknown text went out"
        ),
        Binding(
            "ctrl+t", "resolve(False)", "Send again", priority=True, tooltip="Queue the unknown text again"
        ),
        Binding(OLDER_KEY, "older", "Older", priority=True, tooltip="Load older messages of this thread"),
    ]

    def __init__(
        self,
        conversation_id: str | None,
        customer_phone_number: str,
        company_id: str,
        *,
        tracking_number: str | None = None,
    ) -> None:
        super().__init__(classes="thread")
        self.conversation_id = conversation_id
        self.customer_phone_number = customer_phone_number
        self.company_id = company_id
        self._tracking_number = tracking_number
        self._last_item_id: int | None = None
        self._older: list[TextMessage] = []  # pages 2.. of the conversation, newest first
        self._pages_loaded = 1
        self._total_pages: int | None = None

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def session(self) -> LiveSession:
        return self.ctx.session

    @property
    def conversation(self) -> Conversation | None:
        if self.conversation_id:
            return self.session.state.conversations.get(self.conversation_id)
        return None

    @property
    def draft_key(self) -> str:
        return draft_key(self.conversation_id, self.company_id, self.customer_phone_number)

    @property
    def tracking_number(self) -> str | None:
        """The number to text from: the conversation's, else the one given, else the one they last called."""
        conversation = self.conversation
        if conversation and conversation.tracking_number:
            return conversation.tracking_number
        if self._tracking_number:
            return self._tracking_number
        calls, _ = self.session.state.history_for(self.customer_phone_number)
        return next(
            (
                c.tracking_phone_number
                for c in calls
                if c.company_id == self.company_id and c.tracking_phone_number
            ),
            None,
        )

    def compose(self) -> ComposeResult:
        if self.conversation_id is None:
            found = self.session.state.conversation_for(self.customer_phone_number, self.company_id)
            self.conversation_id = found.id if found else None
        yield Static(id="thread-title")
        yield PresenceLine(self.presence_key)
        yield Static(id="thread-message")
        yield MessageThread(
            empty="No texts with this customer yet. Write the first one below.", id="thread-messages"
        )
        yield SmsCompose(
            text=self._load_draft(),
            save_draft=self._save_draft,
            enter_sends=self.ctx.settings.enter_sends,
            id="thread-compose",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#thread-message").display = False
        self.ctx.live.subscribe(self, self._on_live_event)
        self.ctx.mask_changed.subscribe(self, lambda _mask: self._show())
        self.query_one(SmsCompose).show_budget(self.session.budget_snapshot(self.company_id))
        self._show()
        self.query_one(SmsCompose).focus_editor()
        if self.conversation_id:
            self.session.watch_thread(self.conversation_id)
            self._load()

    def on_unmount(self) -> None:
        self.ctx.live.unsubscribe(self)
        self.session.stopped_viewing(self.presence_key)
        if self.conversation_id:
            self.session.unwatch_thread(self.conversation_id)

    def _found(self, conversation_id: str) -> None:
        """The conversation this thread is, once it exists (the first text to this customer)."""
        if self.conversation_id is None:
            self.conversation_id = conversation_id
            self.session.watch_thread(conversation_id)

    @property
    def presence_key(self) -> str:
        """What colleagues on a team hub see this thread as."""
        return f"thread:{self.customer_phone_number}"

    def on_screen_resume(self) -> None:
        self.session.viewing(self.presence_key, composing=bool(self.query_one(SmsCompose).text.strip()))

    def on_screen_suspend(self) -> None:
        self.session.stopped_viewing(self.presence_key)

    # -- drafts ----------------------------------------------------------------------------------------

    def _load_draft(self) -> str:
        text = self.session.load_draft(self.draft_key)
        if not text and self.conversation_id:
            # written before the conversation existed (a reply from call detail)
            text = self.session.load_draft(draft_key(None, self.company_id, self.customer_phone_number))
        return text

    def _save_draft(self, text: str) -> None:
        self.session.save_draft(self.draft_key, text)
        self.session.viewing(self.presence_key, composing=bool(text.strip()))

    # -- showing ---------------------------------------------------------------------------------------

    def _customer_names(self) -> list[str]:
        """The names this caller goes by here: the conversation's, else their calls'."""
        conversation = self.conversation
        names = [conversation.customer_name] if conversation and conversation.customer_name else []
        calls, _ = self.session.state.history_for(self.customer_phone_number)
        return names + [call.customer_name for call in calls if call.customer_name]

    def _customer_label(self, names: list[str]) -> str:
        mask = self.ctx.mask
        name = clean(names[0] if names else None, single_line=True)
        if name:
            return mask_name(name) if mask else name
        return display.compact_phone(self.customer_phone_number, mask=mask)

    def _outbox(self) -> list[OutboxItem]:
        items = self.session.outbox_items(self.customer_phone_number)
        return [item for item in items if item.company_id == self.company_id]

    def _title(self, label: str) -> str:
        mask = self.ctx.mask
        conversation = self.conversation
        company = self.session.companies.get(self.company_id)
        parts = [
            label,
            display.compact_phone(self.customer_phone_number, mask=mask),
            clean(
                (conversation.company_name if conversation else None) or (company.name if company else ""),
                single_line=True,
            ),
        ]
        if self.tracking_number:
            parts.append(f"from {display.compact_phone(self.tracking_number)}")
        return " · ".join(dict.fromkeys(part for part in parts if part))

    def _messages(self, conversation: Conversation | None) -> list[TextMessage]:
        """The newest page (and the newest two messages) plus the older pages loaded, newest first."""
        if conversation is None:
            return []
        if self._older:
            everything = [*conversation.messages, *self._older]
            conversation = conversation.model_copy(update={"messages": everything})
        return conversation_messages(conversation)

    @property
    def total_pages(self) -> int:
        conversation = self.conversation
        known = conversation.total_pages if conversation else None
        return max(self._total_pages or 0, known or 0, 1)

    def has_older(self) -> bool:
        return bool(self.conversation_id) and self._pages_loaded < self.total_pages

    def _older_hint(self) -> str:
        if not self.has_older():
            return ""
        return (
            f"Older messages: {self._pages_loaded} of {self.total_pages} pages shown. "
            f"{OLDER_KEY} loads the next."
        )

    def _show(self) -> None:
        conversation = self.conversation
        messages = self._messages(conversation)
        outbox = self._outbox()
        names = self._customer_names()  # one read of the caller's history for the title, lines and mask
        label = self._customer_label(names)
        self.query_one("#thread-title", Static).update(literal(self._title(label), single_line=True))
        where = self.ctx.times.for_company(
            self.company_id, conversation.company_time_zone if conversation else None
        )
        thread = self.query_one(MessageThread)
        thread.show_older_hint(self._older_hint())
        thread.show(
            messages,
            outbox,
            customer=label,
            where=where,
            now=self.session.clock.now(),
            masked=names if self.ctx.mask else None,
        )
        self.query_one(SmsCompose).block(self._blocked_reason(messages, outbox))
        self.refresh_bindings()

    def _blocked_reason(self, messages: list, outbox: list[OutboxItem]) -> str | None:
        if self.session.texting_enabled_for(self.company_id) is False:
            return TEXTING_DISABLED
        if opted_out(messages, outbox):
            return OPTED_OUT
        if not self.tracking_number and not self.conversation_id:
            return NO_TRACKING_NUMBER
        return None

    def _message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#thread-message", Static)
        message.update(literal(text))
        message.set_class(error, "-error")
        message.display = bool(text)

    def _on_live_event(self, event: object) -> None:
        if isinstance(event, PollStatus):
            self.query_one(SmsCompose).show_budget(event.budget)
        elif isinstance(event, OutboxChanged):
            self._on_outbox(event.item)
        elif isinstance(event, ConversationsChanged):
            for conversation in (*event.new, *event.changed):
                if self._is_mine(conversation):
                    self._found(conversation.id)
                    self._message("")
                    self._show()
                    return

    def _is_mine(self, conversation: Conversation) -> bool:
        if self.conversation_id:
            return conversation.id == self.conversation_id
        return (
            digits(conversation.customer_phone_number) == digits(self.customer_phone_number)
            and conversation.company_id == self.company_id
        )

    def _on_outbox(self, item: OutboxItem) -> None:
        # a send spends SMS budget between polls: show what is left now
        self.query_one(SmsCompose).show_budget(self.session.budget_snapshot(self.company_id))
        if digits(item.customer_phone_number) != digits(self.customer_phone_number):
            return
        if item.id == self._last_item_id:
            self.query_one(SmsCompose).show_item(item)
        if item.conversation_id:
            self._found(item.conversation_id)
        self._show()
        if item.state is OutboxState.SENT and self.conversation_id:
            self._load()

    # -- loading and sending ---------------------------------------------------------------------------

    @work(exclusive=True, group="thread-load", exit_on_error=False)
    async def _load(self) -> None:
        if not self.conversation_id:
            return
        if self.conversation is None:
            self._message("Loading the conversation…")
        try:
            conversation = await self.session.open_conversation(self.conversation_id)
        except CallRailError as error:
            self._message(f"Could not load the conversation: {error.message}", error=True)
            return
        if conversation.total_pages:
            self._total_pages = conversation.total_pages
        self._message("")
        self._show()

    def action_older(self) -> None:
        if self.has_older():
            self._load_older(self._pages_loaded + 1)

    @work(exclusive=True, group="thread-older", exit_on_error=False)
    async def _load_older(self, page: int) -> None:
        session, conversation_id = self.session, self.conversation_id
        if not conversation_id:
            return
        self._message(f"Loading older messages (page {page} of {self.total_pages})…")
        try:
            older = await session.older_messages(conversation_id, page, MESSAGES_PER_PAGE)
        except CallRailError as error:
            self._message(f"Could not load older messages: {error.message}", error=True)
            return
        self._older.extend(older.messages)
        self._pages_loaded = max(self._pages_loaded, page)
        if older.total_pages:
            self._total_pages = older.total_pages
        self._message("" if self.has_older() else "That is the whole conversation.")
        self._show()
        self.query_one(MessageThread).scroll_home(animate=False)

    @on(SmsCompose.Send)
    def _send(self, event: SmsCompose.Send) -> None:
        compose = event.compose
        try:
            item = self.session.send_text(
                company_id=self.company_id,
                customer_phone_number=self.customer_phone_number,
                content=event.content,
                tracking_number=self.tracking_number,
            )
        except Exception:
            log.exception("queueing a text failed")
            compose.show_message("Could not queue the text (see the log). Your draft is kept.", error=True)
            return
        self._last_item_id = item.id
        compose.clear_text()
        self.session.clear_draft(self.draft_key)
        self.session.clear_draft(draft_key(None, self.company_id, self.customer_phone_number))
        compose.show_item(item)
        self._show()

    # -- the user's decision on a text whose outcome is unknown ----------------------------------------

    def _unknown_item(self) -> OutboxItem | None:
        undecided = (OutboxState.UNKNOWN, OutboxState.HELD)
        return next((item for item in self._outbox() if item.state in undecided), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resolve":
            return self._unknown_item() is not None
        if action == "older":
            return self.has_older()
        return True

    def action_resolve(self, sent: bool) -> None:
        item = self._unknown_item()
        if item is None:
            return
        try:
            self.session.resolve_unknown(item.id, sent=sent)
        except NothingToDecide as refused:
            self.notify(refused.message, severity="warning", markup=False)
        else:
            if item.state is OutboxState.HELD:
                self.notify("Left to your colleague." if sent else "Sending yours too.")
            else:
                self.notify("Marked as sent." if sent else "Queued to send again.")
        self._show()

    def action_back(self) -> None:
        self.dismiss()
