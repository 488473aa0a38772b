"""Every company with today's calls, missed calls and texts; Enter shows the feed for one of them.

The counts come from ``LiveState.company_stats`` (what the app already holds), never from a request per
company. A handful of rows, so a DataTable updated cell by cell is the right tool here.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui import display
from tui.context import Context, context_of
from tui.live.events import CallsChanged, ConversationsChanged, LiveEvent
from tui.live.state import CompanyStats
from tui.messages import CompanyChosen
from tui.safe_text import literal
from tui.widgets.footer import Footer
from tui.widgets.list_table import ListTable
from tui.widgets.screen_commands import ScreenActions
from tui.widgets.status_bar import StatusBar

ALL = "__all__"
# The counts come first: on an 80-column terminal they stay in view and the zone scrolls off.
COLUMNS = (
    ("company", "Company"),
    ("calls", "Calls today"),
    ("missed", "Missed"),
    ("texts", "Texts"),
    ("hours", "Calls by hour, 0–24"),
    ("local", "Local time"),
    ("zone", "Time zone"),
    ("status", "Status"),
)


class CompaniesScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        # priority: the table's own enter would otherwise hide this one from the footer
        Binding("enter", "choose", "Show calls", priority=True, tooltip="Show the feed for this company"),
        Binding("escape", "app.back", "Back"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"companies--missed"}

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self._current = current  # the company the feed shows, highlighted at first

    @property
    def ctx(self) -> Context:
        return context_of(self)

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Companies · today, in each company's time zone", style="bold"), id="companies-header"
        )
        yield ListTable(id="companies-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar(self.ctx)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        self._sync()
        current = self._current
        table.move_cursor(row=table.get_row_index(current or ALL) if (current or ALL) in table.rows else 0)
        table.focus()
        self.ctx.live.subscribe(self, self._on_live)

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, CallsChanged | ConversationsChanged):
            self._sync()

    def _sync(self) -> None:
        """Add rows for companies not shown yet and update every count in place."""
        session = self.ctx.session
        table = self.query_one(DataTable)
        now = session.clock.now()
        stats = session.state.company_stats(now)
        companies = sorted(
            session.companies.values(), key=lambda c: self.ctx.company_name(c.id, c.id).casefold()
        )
        total = CompanyStats(
            calls=sum(s.calls for s in stats.values()),
            missed=sum(s.missed for s in stats.values()),
            texts=sum(s.texts for s in stats.values()),
            by_hour=tuple(map(sum, zip(*(s.by_hour for s in stats.values()), strict=True))) or (0,) * 24,
        )
        rows: list[tuple[str, dict[str, Text]]] = [
            (ALL, self._cells(Text("All companies", style="bold"), Text(""), Text(""), Text(""), total))
        ]
        for company in companies:
            where = display.zone(company.time_zone)
            rows.append(
                (
                    company.id,
                    self._cells(
                        literal(self.ctx.company_name(company.id, company.id), single_line=True),
                        literal(company.status or "", single_line=True),
                        literal(company.time_zone or "", single_line=True),
                        Text(now.astimezone(where).strftime("%H:%M")),
                        stats.get(company.id, CompanyStats()),
                    ),
                )
            )
        for key, cells in rows:
            if key not in table.rows:
                table.add_row(*cells.values(), key=key)
                continue
            for column, value in cells.items():
                if table.get_cell(key, column) != value:
                    table.update_cell(key, column, value)

    def _cells(
        self, name: Text, status: Text, zone: Text, local: Text, stats: CompanyStats
    ) -> dict[str, Text]:
        missed_style = (
            self.get_component_rich_style("companies--missed", partial=True) if stats.missed else ""
        )
        return {
            "company": name,
            "calls": Text(f"{stats.calls:,}", justify="right"),
            "missed": Text(
                f"{stats.missed:,} ({stats.missed_share:.0%})" if stats.missed else "0",
                justify="right",
                style=missed_style,
            ),
            "texts": Text(f"{stats.texts:,}", justify="right"),
            "hours": Text(display.sparkline(stats.by_hour, per=2)),
            "local": local,
            "zone": zone,
            "status": status,
        }

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._choose(event.row_key.value)

    def action_choose(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self._choose(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _choose(self, key: str | None) -> None:
        self.post_message(CompanyChosen(None if key in (None, ALL) else key))
