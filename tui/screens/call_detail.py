"""One call: who, where from, what was said (transcript, summary), this caller's history, and the actions
on it (tag, note, lead status, value, reply by text).

What the app already holds is shown at once; the full detail (transcript, summary) is fetched in an
exclusive worker and replaces it when it arrives. Live changes (the call ends, the transcript arrives)
come in through ``CallsChanged`` on the app's live signal.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from tui import display
from tui.callrail.errors import CallRailError
from tui.callrail.models import Call
from tui.context import Context, context_of
from tui.live.events import CallsChanged, ConversationsChanged, FormsChanged
from tui.live.forms import form_phone
from tui.live.session import LiveSession
from tui.safe_text import clean, literal
from tui.screens.call_back import call_back
from tui.screens.tag_call import tag_call
from tui.screens.thread import ThreadScreen
from tui.widgets.call_facts import CallFacts
from tui.widgets.call_insights import CallInsights
from tui.widgets.caller_history import CallerHistory, history_entries
from tui.widgets.footer import Footer
from tui.widgets.modals import LeadChoice, LeadStatusPrompt, TextPrompt
from tui.widgets.presence_line import PresenceLine
from tui.widgets.screen_commands import ScreenActions
from tui.widgets.transcript import Transcript

_MONEY = re.compile(r"^\$?\d{1,9}(\.\d{1,2})?$")
SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def check_value(value: str) -> str | None:
    return None if _MONEY.match(value.replace(",", "")) else "Type an amount like 125 or $125.50."


class CallDetailScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("escape", "back", "Back"),
        # short descriptions: the footer must hold them all at 80 columns (the tooltips say more)
        Binding("r", "reply", "Reply", tooltip="Reply by text to this caller"),
        Binding("C", "call_back", "Call", tooltip="Call this caller back through CallRail"),
        Binding("a", "tag", "Tag", tooltip="Add one of the account's tags to this call, or remove one"),
        Binding("n", "note", "Note", tooltip="Write or change the note on this call"),
        Binding("l", "lead_status", "Lead", tooltip="Lead status: a good lead, not a lead, or clear it"),
        Binding("v", "value", "Value", tooltip="Set the call's value"),
        Binding("o", "recording", "Play", tooltip="Play the recording in the browser"),
    ]

    def __init__(self, call_id: str) -> None:
        super().__init__(classes="call-detail")
        self.call_id = call_id
        self._detail_loaded = False
        self._load_error = ""
        self._last_seen: Call | None = None

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def session(self) -> LiveSession:
        return self.ctx.session

    @property
    def call(self) -> Call | None:
        """The call as the live state has it; once the state has let it go (older than a day while it
        is open), as this screen last had it, so its actions keep working."""
        current = self.session.state.calls.get(self.call_id)
        if current is not None:
            self._last_seen = current
        return current or self._last_seen

    def compose(self) -> ComposeResult:
        yield Static("Call", id="detail-title")
        with Horizontal(id="detail-body"):
            with VerticalScroll(id="detail-side"):
                yield CallFacts(id="detail-facts")
                yield Label("This caller's history", classes="detail-section")
                yield CallerHistory(id="detail-history")
            with Vertical(id="detail-main"):
                yield PresenceLine(f"call:{self.call_id}")
                yield Static(id="detail-message")
                with VerticalScroll(id="detail-insights-box"):
                    yield CallInsights(id="detail-insights")
                yield Label("Transcript", classes="detail-section")
                yield Transcript(id="detail-transcript", placeholder="Loading the transcript…")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-message").display = False
        self.ctx.live.subscribe(self, self._on_live_event)
        self.ctx.mask_changed.subscribe(self, lambda _mask: self._show())
        self._show()
        self.query_one(Transcript).focus()
        self._load()

    def on_unmount(self) -> None:
        self.ctx.live.unsubscribe(self)
        self.session.stopped_viewing(f"call:{self.call_id}")

    def on_screen_resume(self) -> None:
        self.session.viewing(f"call:{self.call_id}")

    def on_screen_suspend(self) -> None:
        self.session.stopped_viewing(f"call:{self.call_id}")

    # -- showing -------------------------------------------------------------------------------------

    def _show(self) -> None:
        call = self.call
        if call is None:
            if self._load_error:
                self._message(self._load_error, error=True)
            else:
                self._message("Loading the call…")
            return
        mask = self.ctx.mask
        where = self.ctx.times.for_call(call)
        self.sub_title = display.caller_name(call, mask=mask)
        self._show_title(call, where)
        calls, conversations = (
            self.session.state.history_for(call.customer_phone_number)
            if call.customer_phone_number
            else ([], [])
        )
        earlier = sum(1 for other in calls if other.id != call.id and _started_before(other, call))
        now = self.session.clock.now()
        self.query_one(CallFacts).show(call, where=where, mask=mask, earlier_listed=earlier, now=now)
        self.query_one(CallInsights).show(call, empty=self._pending_text(call, "summary"), mask=mask)
        transcript = self.query_one(Transcript)
        transcript.show_call(call, placeholder=self._pending_text(call, "transcript"), mask=mask)
        number = call.customer_phone_number
        forms = self.session.state.forms.for_number(number) if number else []
        entries = history_entries(calls, conversations, forms, exclude=call.id, mask=mask)
        self.query_one(CallerHistory).show(entries, where=where, now=now)
        self.refresh_bindings()

    def _show_title(self, call: Call, where: tzinfo) -> None:
        company = self.session.companies.get(call.company_id or "")
        company_name = clean((company.name if company else None) or call.company_name, single_line=True)
        when = call.start_time.astimezone(where).strftime("%a %H:%M %Z") if call.start_time else ""
        parts = ("Call", self.sub_title, company_name, when)
        title = literal(" · ".join(part for part in parts if part), single_line=True)
        self.query_one("#detail-title", Static).update(title)

    def _pending_text(self, call: Call, what: str) -> str:
        if call.is_live:
            return f"The call is in progress; the {what} arrives after it ends."
        if not self._detail_loaded:
            return self._load_error or f"Loading the {what}…"
        return f"No {what} for this call (yet)."

    def _message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#detail-message", Static)
        message.update(literal(text))
        message.set_class(error, "-error")
        message.display = bool(text)

    def _on_live_event(self, event: object) -> None:
        if isinstance(event, CallsChanged):
            if any(call.id == self.call_id for call in (*event.new, *event.changed)):
                self._show()
        elif isinstance(event, ConversationsChanged | FormsChanged):
            call = self.call
            number = call.customer_phone_number if call else None
            records = (*event.new, *event.changed)
            if isinstance(event, FormsChanged):
                numbers = {form_phone(form) for form in records}
            else:
                numbers = {conversation.customer_phone_number for conversation in records}
            if number and number in numbers:
                self._show()

    # -- loading and saving ------------------------------------------------------------------------

    @work(exclusive=True, group="call-detail-load", exit_on_error=False)
    async def _load(self) -> None:
        try:
            await self.session.open_call(self.call_id)
        except CallRailError as error:
            self._load_error = f"Could not load the call's details: {error.message}"
            self._message(self._load_error, error=True)
        else:
            self._detail_loaded = True
            self._message("")
        self._show()

    @work(group="call-detail-update", exit_on_error=False)
    async def _update(self, what: str, **changes: Any) -> None:
        self._message(f"Saving the {what}…")
        try:
            # the session reads the call back after the update, so the screen shows what the server has
            await self.session.update_call(self.call_id, **changes)
        except CallRailError as error:
            self._message(f"Could not save the {what}: {error.message}", error=True)
            self.notify(f"Could not save the {what}.", severity="error")
            return
        self._message(f"Saved the {what}.")
        self._show()

    # -- actions -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        call = self.call
        if action == "recording":
            return bool(call and (call.recording_player or call.recording))
        if action == "reply":
            return bool(call and call.customer_phone_number)
        if action == "call_back":
            return bool(call and call.customer_phone_number and call.tracking_phone_number)
        if action in ("tag", "note", "lead_status", "value"):
            return call is not None
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_tag(self) -> None:
        if self.call is not None:
            tag_call(self, self.call)

    def save(self, what: str, **changes: Any) -> None:
        """Change the call on CallRail (``what`` names the change in the messages), then show it."""
        self._update(what, **changes)

    def action_note(self) -> None:
        call = self.call

        def written(note: str | None) -> None:
            if note is not None:
                self._update("note", note=note)

        prompt = TextPrompt(
            "Note (empty clears it)", value=(call.note or "") if call else "", allow_empty=True
        )
        self.app.push_screen(prompt, written)

    def action_lead_status(self) -> None:
        call = self.call

        def chosen(choice: LeadChoice | None) -> None:
            if choice is not None:
                status = None if choice is LeadChoice.CLEAR else choice.value
                self._update("lead status", lead_status=status)

        self.app.push_screen(LeadStatusPrompt(call.lead_status if call else None), chosen)

    def action_value(self) -> None:
        call = self.call

        def entered(value: str | None) -> None:
            if value:
                self._update("value", value=value.replace(",", ""))

        prompt = TextPrompt(
            "Value of this call",
            value=(call.value or "") if call else "",
            check=check_value,
            placeholder="125.00",
        )
        self.app.push_screen(prompt, entered)

    def action_recording(self) -> None:
        call = self.call
        url = call and (call.recording_player or call.recording)
        if not url or not SAFE_URL.match(url):
            self.notify("This call has no recording to play.", severity="warning")
            return
        self.app.open_url(url)
        self.notify("Opening the recording in your browser…")

    def action_call_back(self) -> None:
        if self.call is not None:
            call_back(self, self.call)

    def action_reply(self) -> None:
        call = self.call
        if call is None or not call.customer_phone_number:
            return
        conversation = self.session.state.conversation_for(call.customer_phone_number, call.company_id)
        self.app.push_screen(
            ThreadScreen(
                conversation.id if conversation else None,
                call.customer_phone_number,
                call.company_id or (conversation.company_id if conversation else "") or "",
                tracking_number=call.tracking_phone_number,
            )
        )


def _started_before(other: Call, call: Call) -> bool:
    return other.start_time is not None and call.start_time is not None and other.start_time < call.start_time
