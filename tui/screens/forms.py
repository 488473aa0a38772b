"""Today's form submissions across the companies, newest first; Enter opens one.

A few dozen rows a day, so a DataTable updated by key is the right tool: a new form is added and the rows
sorted by when they were sent, a changed one has its cells updated, and the cursor stays on its form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui import display, form_text
from tui.callrail.models import FormSubmission
from tui.context import Context, context_of
from tui.live.events import FormsChanged, LiveEvent
from tui.safe_text import literal
from tui.widgets.footer import Footer
from tui.widgets.list_table import ListTable
from tui.widgets.screen_commands import ScreenActions
from tui.widgets.status_bar import StatusBar

# (key, title, width): long company names and names are cut, so at 80 columns the source stays in view
COLUMNS = (
    ("time", "Time", None),
    ("company", "Company", 20),
    ("name", "Name", 16),
    ("contact", "Phone / email", None),
    ("source", "Source", None),
    ("form", "Form", None),
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Sent:
    """The time cell: shown as its text, sorted by the moment."""

    at: datetime
    text: Text

    def __rich__(self) -> Text:
        return self.text

    def __str__(self) -> str:
        return self.text.plain


class FormsScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        # priority: the table's own enter would otherwise hide this one from the footer
        Binding("enter", "open", "Open", priority=True, tooltip="Every field of the form, reply, call back"),
        Binding("escape", "app.back", "Back"),
    ]

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def table(self) -> DataTable:
        return self.query_one("#forms-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Static(id="forms-header")
        yield ListTable(id="forms-table", cursor_type="row", zebra_stripes=True)
        yield Static("No forms today yet.", id="forms-empty")
        yield StatusBar(self.ctx)
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        for key, title, width in COLUMNS:
            table.add_column(title, key=key, width=width)
        self._show(self._today(), changed=[])
        table.move_cursor(row=0)
        table.focus()
        self.ctx.live.subscribe(self, self._on_live)
        self.ctx.mask_changed.subscribe(self, self._mask_changed)

    def _today(self) -> list[FormSubmission]:
        session = self.ctx.session
        return session.state.forms.today(session.clock.now())

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, FormsChanged):
            today = {form.id for form in self._today()}
            self._show(
                [form for form in event.new if form.id in today],
                changed=[form for form in event.changed if form.id in today],
            )

    def _mask_changed(self, _mask: bool) -> None:
        self._show([], changed=self._today())

    def _show(self, new: list[FormSubmission], *, changed: list[FormSubmission]) -> None:
        table = self.table
        keep = self._selected_id()
        for form in changed:
            if form.id in table.rows:
                for column, value in self._cells(form).items():
                    table.update_cell(form.id, column, value)
        added = [form for form in new if form.id not in table.rows]
        for form in added:
            table.add_row(*self._cells(form).values(), key=form.id)
        if added:
            table.sort("time", key=lambda sent: sent.at, reverse=True)
            if keep is not None:
                table.move_cursor(row=table.get_row_index(keep))
        self._show_header()

    def _selected_id(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _cells(self, form: FormSubmission) -> dict[str, object]:
        ctx = self.ctx
        mask = ctx.mask
        now = ctx.session.clock.now()
        when = display.short_time(form.submitted_at, ctx.times.list_zone, now, zone_name=False)
        return {
            "time": Sent(form.submitted_at or _EPOCH, Text(when)),
            "company": literal(ctx.company_name(form.company_id), single_line=True),
            "name": literal(form_text.who(form, mask=mask), single_line=True),
            "contact": literal(form_text.contact(form, mask=mask), single_line=True),
            "source": literal(form_text.source(form), single_line=True),
            "form": literal(form_text.form_label(form), single_line=True),
        }

    def _show_header(self) -> None:
        count = self.table.row_count
        zone = f"{self.ctx.session.clock.now().astimezone(self.ctx.times.list_zone):%Z}"
        header = Text("Forms", style="bold", no_wrap=True, overflow="ellipsis")
        header.append(f" · today · {count} form{'' if count == 1 else 's'} · newest first · times in {zone}")
        self.query_one("#forms-header", Static).update(header)
        self.query_one("#forms-empty").display = count == 0

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def action_open(self) -> None:
        self._open(self._selected_id())

    def _open(self, form_id: str | None) -> None:
        from tui.screens.form_detail import FormDetailScreen

        if form_id is not None:
            self.app.push_screen(FormDetailScreen(form_id))
