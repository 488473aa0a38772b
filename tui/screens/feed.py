"""The home screen: every call across the companies, newest first, updated live."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.callrail.call_row import CallRow, CallStatus
from tui.context import Context, Times, context_of
from tui.live.first_rows import first_calls, store_path
from tui.messages import OpenCall, ReplyTo
from tui.safe_text import literal
from tui.widgets.call_table import OPEN_TIP, CallTable
from tui.widgets.call_table_layout import COLUMNS
from tui.widgets.footer import Footer
from tui.widgets.screen_commands import ScreenActions

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widget import Widget

    from tui.callrail.models import Call
    from tui.config import Settings
    from tui.live.events import LiveEvent

_TITLES = {column.key: column.title for column in COLUMNS}


@dataclass(frozen=True)
class FirstRows:
    """What the feed shows before the session exists (``tui.app`` builds it after the first frame): the
    newest stored calls, read without the models, in the zone and masking the settings say."""

    calls: Sequence[CallRow]
    list_zone: tzinfo
    mask: bool

    @classmethod
    def read(cls, settings: Settings, *, mask: bool) -> FirstRows:
        # a hub viewer's store is found once its session is there
        calls = [] if settings.hub_url else first_calls(store_path(settings.data_dir), datetime.now(UTC))
        return cls(calls, Times(settings.display_time_zone).list_zone, mask)


TEXT_FILTER, CALLBACK_FILTER, COMPANY_FILTER = "text", "callbacks", "company"


class FeedScreen(Screen[None]):
    HOME = True  # escape does not leave it (the app's ``action_back``)
    AUTO_FOCUS = "#feed-table"  # not the hidden filter box, which would take focus and give it back
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("enter", "open", "Open", tooltip=OPEN_TIP),
        Binding("r", "reply", "Reply", tooltip="Text this caller"),
        Binding("C", "call_back", "Call back", show=False, tooltip="Call this caller back through CallRail"),
        Binding("slash", "filter", "Filter", key_display="/", tooltip="Filter as you type"),
        Binding("b", "toggle_callback", "Callbacks", tooltip="Only calls that still need a callback"),
        Binding("s", "sort_menu", "Sort", tooltip="Sort by a column, picked from a menu"),
        # the places a front desk goes next, in the feed's footer (elsewhere in help and the palette)
        Binding("t", "app.texts", "Texts", tooltip="Text conversations"),
        Binding("c", "app.companies", "Companies", tooltip="Companies with today's calls; pick one"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, tooltip="Reverse the sort order"),
        Binding("escape", "clear_filter", "Clear filter", show=False, tooltip="Clear the filter set last"),
    ]

    company_id: reactive[str | None] = reactive(None, init=False)
    callbacks_only: reactive[bool] = reactive(False, init=False)

    def __init__(self, first_rows: FirstRows | None = None) -> None:
        """``first_rows``: shown until ``attach`` gives the context; without it the context is there."""
        super().__init__()
        self._filters_set: list[str] = []
        self._first_rows = first_rows
        self._first_rows_noted = False

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def _attached(self) -> bool:
        return self._first_rows is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True if self._attached else None  # shown, dimmed, until the session is attached

    def _list_zone(self) -> tzinfo:
        return self.ctx.times.list_zone if self._attached else self._first_rows.list_zone

    def _now(self) -> datetime:
        return self.ctx.session.clock.now() if self._attached else datetime.now(UTC)

    def _company_name(self, call: CallRow) -> str:
        if self._attached:
            return self.ctx.company_name(call.company_id, call.company_name)
        return call.company_name or ""

    def _mask(self) -> bool:
        return self.ctx.mask if self._attached else self._first_rows.mask

    @property
    def table(self) -> CallTable:
        return self.query_one(CallTable)

    def compose(self) -> ComposeResult:
        yield Static(id="feed-header")
        yield Input(placeholder="Filter: name, number, company, source, tag, status…", id="feed-filter")
        yield CallTable(
            zone_for=lambda call: self._list_zone(),
            ages=True,
            now=self._now,
            company_name=self._company_name,
            mask=self._mask(),
            id="feed-table",
        )
        if self._attached:
            yield self._status_bar()
        yield Footer()

    def on_mount(self) -> None:
        self.table.zone_names = False  # one zone for every row, named in the header
        if self._attached:
            self._follow(self.ctx)
        else:
            self.table.empty_message = "Opening the stored calls…"
            self.table.upsert(self._first_rows.calls)
        self.table.focus()
        self._show_header()

    def attach(self) -> None:
        """The session runs now: its calls replace the first rows (by id) and the feed follows it."""
        self._first_rows = None
        self.table.mask = self.ctx.mask  # and the rows drawn before are drawn again
        self.mount(self._status_bar(), before=self.query_one(Footer))
        self._follow(self.ctx)
        self.refresh_bindings()
        self._show_header()

    def _status_bar(self) -> Widget:
        # Like the live events, the dialogs and call back below: imported once the session runs, not
        # before the first frame (together ~40 ms of it)
        from tui.widgets.status_bar import StatusBar

        return StatusBar(self.ctx)

    def _follow(self, ctx: Context) -> None:
        session = ctx.session
        self._companies_known = len(session.companies)
        self.table.upsert(session.state.calls_newest_first())
        self._note_first_rows()
        ctx.live.subscribe(self, self._on_live)
        ctx.mask_changed.subscribe(self, self.show_masked)

    # -- live ------------------------------------------------------------------------------------------

    def _on_live(self, event: LiveEvent) -> None:
        from tui.live.events import CallsChanged, ConversationsChanged

        session = self.ctx.session
        if len(session.companies) != self._companies_known:
            # Company names and zones just arrived: redraw rows drawn without them.
            self._companies_known = len(session.companies)
            self.table.clear_cache()
        if isinstance(event, CallsChanged):
            calls = [*event.new, *event.changed]
            if calls:
                self.table.upsert(calls)
                self._note_first_rows()
                self._recheck_callbacks(call.customer_phone_number for call in calls)
            if event.removed:
                self.table.remove(event.removed)
            if calls or event.removed:
                self._show_header()
        elif isinstance(event, ConversationsChanged):
            self._recheck_callbacks(c.customer_phone_number for c in (*event.new, *event.changed))

    def _note_first_rows(self) -> None:
        """Once the first stored calls are drawn, the session loads the rest (not before: the first
        frame would wait for all of them)."""
        if self._first_rows_noted or not self.ctx.session.state.calls:  # the session's, not the first rows
            return
        self._first_rows_noted = True
        self.call_after_refresh(self.ctx.session.first_calls_shown)

    def _recheck_callbacks(self, numbers: Iterable[str | None]) -> None:
        """A later answer or text from the same number ends an earlier call's need for a callback."""
        if not self.callbacks_only:
            return
        history_for = self.ctx.session.state.history_for
        ids = [call.id for number in set(numbers) if number for call in history_for(number)[0]]
        if ids:
            self.table.recheck(ids)
            self._show_header()

    def show_masked(self, mask: bool) -> None:
        """Names and numbers hidden or shown: the context's switch (the app's, before the session)."""
        if not self._attached:
            self._first_rows = replace(self._first_rows, mask=mask)
        self.table.mask = mask
        self._show_header()

    # -- filters ---------------------------------------------------------------------------------------

    def show_company(self, company_id: str | None) -> None:
        self.company_id = company_id

    def watch_company_id(self, company_id: str | None) -> None:
        self._note_filter(COMPANY_FILTER, company_id is not None)
        self._apply_predicate()

    def watch_callbacks_only(self, callbacks_only: bool) -> None:
        self._note_filter(CALLBACK_FILTER, callbacks_only)
        self._apply_predicate()

    def _note_filter(self, name: str, on: bool) -> None:
        """Filters in the order they were set: escape clears the last one first."""
        if name in self._filters_set:
            self._filters_set.remove(name)
        if on:
            self._filters_set.append(name)

    def _apply_predicate(self) -> None:
        company_id, callbacks_only = self.company_id, self.callbacks_only
        if company_id is None and not callbacks_only:
            self.table.set_predicate(None)
        else:
            state = self.ctx.session.state
            too_short = self.ctx.settings.hide_abandoned_under

            def keep(call: CallRow) -> bool:
                if company_id is not None and call.company_id != company_id:
                    return False
                if not callbacks_only:
                    return True
                hung_up_at_once = call.status is CallStatus.ABANDONED and (call.duration or 0) < too_short
                return state.needs_callback(call) and not hung_up_at_once

            self.table.set_predicate(keep)
        self._show_header()

    @on(Input.Changed, "#feed-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._note_filter(TEXT_FILTER, bool(event.value))
        self.table.set_filter(event.value)
        self._show_header()

    @on(Input.Submitted, "#feed-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def _show_header(self) -> None:
        """What the feed shows, what to act on first: the newer calls above, the filters, the sort, then
        the time zone (a narrow terminal cuts the end)."""
        table = self.table
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append("Live feed", style="bold")
        if self.app.sub_title:
            header.append(f" ({self.app.sub_title})")
        header.append(" · ")
        if self.company_id is None:
            header.append("All companies")
        else:
            header.append_text(
                literal(self.ctx.company_name(self.company_id) or self.company_id, single_line=True)
            )
        header.append(f" · {table.row_count:,} calls" if self._attached else " · opening the stored calls…")
        if table.newer_above:
            header.append(f" · {table.newer_above:,} newer ↑ (g)", style="bold")
        if self.callbacks_only:
            header.append(" · needing a callback")
        filter_text = self.query_one("#feed-filter", Input).value
        if filter_text:
            header.append(" · matching “")
            header.append_text(literal(filter_text, single_line=True))
            header.append("”")
            if self._mask():
                header.append(" (masked names and numbers are not searched)")
        following = table.cursor_row == 0 and table.sort_column == "time" and table.sort_descending
        if following and not table.newer_above:
            header.append(" · following the newest")
        arrow = "▼" if table.sort_descending else "▲"
        header.append(f" · sorted by {_TITLES[table.sort_column]} {arrow}")
        header.append(f" · times in {self._now().astimezone(self._list_zone()):%Z}")
        self.query_one("#feed-header", Static).update(header)
        filtered = bool(filter_text or self.callbacks_only or self.company_id)
        table.empty_message = (
            "No calls match these filters (escape clears the last one set)." if filtered else "No calls yet."
        )

    # -- actions ---------------------------------------------------------------------------------------

    def action_open(self) -> None:
        call = self.table.selected_call
        if call is not None:
            self.post_message(OpenCall(call.id))

    @on(CallTable.NewerAbove)
    def _newer_above(self) -> None:
        self._show_header()

    @on(CallTable.Selected)
    def _open_selected(self, event: CallTable.Selected) -> None:
        self.post_message(OpenCall(event.call.id))

    def _selected_call(self) -> Call | None:
        """The highlighted call as the session holds it (a first row is only what the feed shows)."""
        row = self.table.selected_call
        call = self.ctx.session.state.calls.get(row.id) if row is not None else None
        if row is not None and call is None:
            self.notify("Still opening the stored calls; try again in a moment.", markup=False)
        return call

    def action_reply(self) -> None:
        call = self._selected_call()
        if call is not None:
            self.post_message(ReplyTo(call))

    def action_call_back(self) -> None:
        from tui.screens.call_back import call_back

        call = self._selected_call()
        if call is not None:
            call_back(self, call)

    def action_filter(self) -> None:
        box = self.query_one("#feed-filter", Input)
        box.display = True
        box.focus()

    def action_toggle_callback(self) -> None:
        self.callbacks_only = not self.callbacks_only

    def action_sort_menu(self) -> None:
        from tui.widgets.modals import ChoicePrompt

        table = self.table
        columns = [(column.key, column.title) for column in table.shown_columns]  # what one can see

        def chosen(column: str | None) -> None:
            if column is not None:
                table.sort_by(column)
                self._show_header()

        self.app.push_screen(ChoicePrompt("Sort by", columns, current=table.sort_column), chosen)

    def action_reverse_sort(self) -> None:
        self.table.reverse_sort()
        self._show_header()

    def action_clear_filter(self) -> None:
        """Clear the filter set last (the highlighted call stays highlighted if it is still shown)."""
        if self._filters_set:
            last = self._filters_set[-1]
            if last == TEXT_FILTER:
                box = self.query_one("#feed-filter", Input)
                box.value = ""
                box.display = False
            elif last == CALLBACK_FILTER:
                self.callbacks_only = False
            else:
                self.company_id = None
        self.table.focus()
