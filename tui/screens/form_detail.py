"""One form submission: every field as the sender typed it (untrusted text, shown literally: keys and
values), where it came from (source, landing page, referrer), this person's calls and texts, and reply by
text or call back when the form left a phone number."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from tui import form_text
from tui.callrail.models import FormSubmission
from tui.context import Context, context_of
from tui.live.events import CallsChanged, ConversationsChanged, FormsChanged, LiveEvent
from tui.live.forms import form_email, form_phone, tracking_number_for
from tui.safe_text import clean, literal
from tui.screens.call_back import Callee, call_back_to
from tui.widgets.caller_history import CallerHistory, history_entries
from tui.widgets.footer import Footer
from tui.widgets.screen_commands import ScreenActions


class FormDetailScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "reply", "Reply", tooltip="Reply by text to the number the form left"),
        Binding("C", "call_back", "Call back", tooltip="Call the number the form left through CallRail"),
    ]

    def __init__(self, form_id: str) -> None:
        super().__init__(classes="form-detail")
        self.form_id = form_id

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def form(self) -> FormSubmission | None:
        return self.ctx.session.state.forms.by_id.get(self.form_id)

    def compose(self) -> ComposeResult:
        yield Static("Form", id="form-title")
        with VerticalScroll(id="form-body"):
            yield Static(id="form-facts")
            yield Label("Fields, as sent", classes="detail-section")
            yield Static(id="form-fields")
            yield Label("This person's calls and texts", classes="detail-section")
            yield CallerHistory(id="form-history")
        yield Footer()

    def on_mount(self) -> None:
        self.ctx.live.subscribe(self, self._on_live)
        self.ctx.mask_changed.subscribe(self, lambda _mask: self._show())
        self._show()
        self.query_one("#form-body").focus()

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, FormsChanged | CallsChanged | ConversationsChanged):
            self._show()

    def _show(self) -> None:
        form = self.form
        if form is None:
            self.query_one("#form-facts", Static).update(Text("This form is no longer held by the app."))
            return
        ctx = self.ctx
        mask = ctx.mask
        where = ctx.times.for_company(form.company_id)
        when = form.submitted_at.astimezone(where).strftime("%a %H:%M %Z") if form.submitted_at else ""
        self.sub_title = form_text.who(form, mask=mask)
        parts = ("Form", self.sub_title, ctx.company_name(form.company_id), when)
        self.query_one("#form-title", Static).update(
            literal(" · ".join(part for part in parts if part), single_line=True)
        )
        self.query_one("#form-facts", Static).update(self._facts(form, when))
        self.query_one("#form-fields", Static).update(self._fields(form))
        phone = form_phone(form)
        calls, conversations = ctx.session.state.history_for(phone) if phone else ([], [])
        forms = ctx.session.state.forms.for_number(phone) if phone else []
        entries = history_entries(calls, conversations, forms, exclude=form.id, mask=ctx.mask)
        self.query_one(CallerHistory).show(entries, where=where, now=ctx.session.clock.now())
        self.refresh_bindings()

    def _facts(self, form: FormSubmission, when: str) -> Table:
        mask = self.ctx.mask
        email = clean(form_email(form), single_line=True)
        phone = form_phone(form)
        rows = (
            ("From", form_text.who(form, mask=mask)),
            ("Phone", form_text.contact(form, mask=mask) if phone else "none given"),
            ("Email", form_text.mask_email(email) if mask else email),
            ("Company", self.ctx.company_name(form.company_id)),
            ("Sent", when),
            ("Form", clean(form.form_url, single_line=True)),
            ("Source", form_text.source(form)),
            ("Medium", clean(form.medium, single_line=True)),
            ("Campaign", clean(form.campaign, single_line=True)),
            ("Keywords", clean(form.keywords, single_line=True)),
            ("Landing page", clean(form.landing_page_url, single_line=True)),
            ("Referrer", clean(form.referring_url or form.referrer, single_line=True)),
            ("First form", {True: "yes", False: "no"}.get(form.first_form, "")),
        )
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for label, value in rows:
            if value:
                table.add_row(label, Text(value))
        return table

    def _fields(self, form: FormSubmission) -> Table | Text:
        fields = form.form_data or {}
        if not fields:
            return Text("The form sent no fields.")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", max_width=28, overflow="fold")
        table.add_column(overflow="fold")
        for key, value in fields.items():
            shown = form_text.field_value(form, str(key), value, mask=self.ctx.mask)
            table.add_row(literal(key), literal(shown))
        return table

    # -- actions -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reply", "call_back"):
            form = self.form
            return bool(form and form_phone(form))
        return True

    def _tracking_number(self, form: FormSubmission, phone: str) -> str | None:
        state = self.ctx.session.state
        calls, _ = state.history_for(phone)
        return tracking_number_for(form, (*calls, *state.calls_newest_first()))

    def action_back(self) -> None:
        self.dismiss()

    def action_reply(self) -> None:
        from tui.screens.thread import ThreadScreen

        form = self.form
        phone = form_phone(form) if form else None
        if form is None or phone is None:
            return
        conversation = self.ctx.session.state.conversation_for(phone, form.company_id)
        self.app.push_screen(
            ThreadScreen(
                conversation.id if conversation else None,
                phone,
                form.company_id or "",
                tracking_number=self._tracking_number(form, phone),
            )
        )

    def action_call_back(self) -> None:
        form = self.form
        phone = form_phone(form) if form else None
        if form is None or phone is None:
            return
        name = form_text.who(form, mask=self.ctx.mask)
        call_back_to(self, Callee(phone, self._tracking_number(form, phone), name, form.company_id))
