"""Each company's CallRail Webhooks integration as this app sees it: its state, which events post to this
app's receiver, how many other consumers' URLs it carries; enable and disable ours after a confirmation.

Enabling appends our URL to each event and disabling removes only ours (``tui.live.webhooks.setup``):
the integration is shared with every other consumer of the account. Each change is one read and one
write per company, inside the request budget like any user action.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.callrail.errors import CallRailError
from tui.context import Context, context_of
from tui.live.events import ChannelStatus, LiveEvent
from tui.live.webhooks.events import MONITOR_EVENTS
from tui.live.webhooks.setup import CompanyWebhooks
from tui.live.webhooks.stats import Outcome, ReceiverStats
from tui.safe_text import literal
from tui.widgets.footer import Footer
from tui.widgets.list_table import ListTable
from tui.widgets.modals import ChoicePrompt
from tui.widgets.screen_commands import ScreenActions
from tui.widgets.status_bar import StatusBar

COLUMNS = (
    ("company", "Company"),
    ("state", "Integration"),
    ("ours", "Events to this app"),
    ("others", "Other URLs"),
)
NOT_SET_UP = (
    "Webhooks are not set up. Start the app with --webhooks-listen HOST:PORT (where the receiver listens) "
    "and --webhooks-url URL (the public address CallRail posts to, through a proxy or a tunnel; see the "
    "README), or set webhooks_listen and webhooks_url in the config file. Until then the app polls."
)
GO = "go"
DELIVERIES_EVERY = 1.0  # seconds between refreshes of the receiver's counts


def describe_deliveries(stats: ReceiverStats, zone: tzinfo | None) -> str:
    """``Deliveries: 1,204 kept · 3 duplicates · 5 refused (2 bad signature, 3 stale) · last 14:03:07``"""
    kept = stats.counts[Outcome.ACCEPTED]
    line = f"Deliveries to this app: {kept:,} kept"
    if stats.counts[Outcome.DUPLICATE]:
        line += f" · {stats.counts[Outcome.DUPLICATE]:,} duplicates"
    if stats.rejected:
        reasons = ", ".join(
            f"{count:,} {outcome.value.replace('_', ' ')}"
            for outcome, count in stats.counts.most_common()
            if outcome.status >= 400
        )
        line += f" · {stats.rejected:,} refused ({reasons})"
    if stats.last_accepted_at is not None:
        line += f" · last {stats.last_accepted_at.astimezone(zone):%H:%M:%S}"
    return line


class WebhooksScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("e", "enable", "Enable", tooltip="Post this company's events to this app (asks first)"),
        Binding("E", "enable_all", "Enable all", tooltip="Post every company's events to this app"),
        Binding("d", "disable", "Disable", tooltip="Stop this company posting to this app (others stay)"),
        Binding("D", "disable_all", "Disable all", show=False, tooltip="Stop every company posting here"),
        Binding("r", "reload", "Reload", tooltip="Read the integrations again"),
        Binding("escape", "app.back", "Back"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"webhooks--off", "webhooks--on"}

    def __init__(self) -> None:
        super().__init__()
        self._found: dict[str, CompanyWebhooks] = {}

    @property
    def ctx(self) -> Context:
        return context_of(self)

    def compose(self) -> ComposeResult:
        yield Static(id="webhooks-header")
        yield Static(id="webhooks-channel")
        yield Static(id="webhooks-deliveries")
        yield ListTable(id="webhooks-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar(self.ctx)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        control = self.ctx.session.webhooks
        header = self.query_one("#webhooks-header", Static)
        if control is None:
            header.update(Text(NOT_SET_UP))
            table.display = False
        else:
            title = Text("Webhooks · CallRail posts to ", style="bold")
            title.append(literal(control.base_url, single_line=True))
            if control.always_on:
                title.append(" · always on", style="bold")
            header.update(title)
            self.action_reload()
            table.focus()
            self._show_deliveries()
            self.set_interval(DELIVERIES_EVERY, self._show_deliveries)
        self._show_channel(self.ctx.session.backstop.status)
        self.ctx.live.subscribe(self, self._on_live)

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, ChannelStatus):
            self._show_channel(event)

    def _show_channel(self, status: ChannelStatus) -> None:
        line = Text(f"Live data by {status.channel.value}")
        if status.reason:
            line.append(": ")
            line.append(literal(status.reason, single_line=True))
        self.query_one("#webhooks-channel", Static).update(line)

    def _show_deliveries(self) -> None:
        control = self.ctx.session.webhooks
        stats = control.deliveries if control is not None else None
        shown = self.query_one("#webhooks-deliveries", Static)
        shown.display = stats is not None
        if stats is not None:
            shown.update(Text(describe_deliveries(stats, self.ctx.times.display_zone)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"enable", "enable_all", "disable", "disable_all", "reload"}:
            return self.ctx.session.webhooks is not None
        return True

    # -- reading --------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._run(list(self.ctx.session.webhook_companies), None)

    @work(group="webhooks", exclusive=True, exit_on_error=False)
    async def _run(self, company_ids: list[str], change: str | None) -> None:
        control = self.ctx.session.webhooks
        if control is None or not company_ids:
            return
        self.query_one(DataTable).loading = True
        try:
            if change == "enable":
                results = await control.enable(company_ids)
            elif change == "disable":
                results = await control.disable(company_ids)
            else:
                results = await control.status(company_ids)
        except CallRailError as error:
            self.notify(f"Webhooks: {error.message}", severity="error", markup=False, timeout=10)
            return
        finally:
            self.query_one(DataTable).loading = False
        for result in results:
            self._found[result.company_id] = result
        self._sync()
        if change is not None:
            done = "now post to this app" if change == "enable" else "no longer post to this app"
            self.notify(f"{len(results)} compan{'y' if len(results) == 1 else 'ies'} {done}.", markup=False)

    def _sync(self) -> None:
        table = self.query_one(DataTable)
        companies = self.ctx.session.webhook_companies
        for company_id in sorted(self._found, key=lambda c: companies[c].name if c in companies else c):
            found = self._found[company_id]
            name = companies[company_id].name if company_id in companies else company_id
            cells = self._cells(literal(name or company_id, single_line=True), found)
            if company_id not in table.rows:
                table.add_row(*cells, key=company_id)
                continue
            for (column, _), value in zip(COLUMNS, cells, strict=True):
                table.update_cell(company_id, column, value)

    def _cells(self, name: Text, found: CompanyWebhooks) -> list[Text]:
        off = self.get_component_rich_style("webhooks--off", partial=True)
        on = self.get_component_rich_style("webhooks--on", partial=True)
        if found.integration_id is None:
            state = Text("none yet")
        elif found.state == "disabled":
            state = Text("disabled: e enables it again", style=off)
        else:
            state = Text(found.state or "?")
        ours = len(found.ours)
        events = Text(f"{ours} of {len(MONITOR_EVENTS)}" if ours else "none", style=on if ours else "")
        return [name, state, events, Text(str(found.others), justify="right")]

    # -- changing -------------------------------------------------------------------------------------

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_enable(self) -> None:
        self._confirm("enable", [self._highlighted()])

    def action_enable_all(self) -> None:
        self._confirm("enable", list(self.ctx.session.webhook_companies))

    def action_disable(self) -> None:
        self._confirm("disable", [self._highlighted()])

    def action_disable_all(self) -> None:
        self._confirm("disable", list(self.ctx.session.webhook_companies))

    def _confirm(self, change: str, company_ids: list[str | None]) -> None:
        chosen = [company_id for company_id in company_ids if company_id]
        if not chosen:
            return
        companies = self.ctx.session.webhook_companies
        who = (
            companies[chosen[0]].name or chosen[0]
            if len(chosen) == 1 and chosen[0] in companies
            else f"{len(chosen)} companies"
        )
        if change == "enable":
            title = f"Post {who}'s events to this app?"
            note = (
                f"This app's URL is added to {len(MONITOR_EVENTS)} events of the Webhooks integration (made "
                "active if it is not); other URLs stay as they are."
            )
        else:
            title = f"Stop {who} posting to this app?"
            note = "Only this app's URLs are taken out; other integrations' URLs stay."
        note += f" {2 * len(chosen)} API requests."

        def answered(choice: str | None) -> None:
            if choice == GO:
                self._run(chosen, change)

        label = "Enable" if change == "enable" else "Disable"
        self.app.push_screen(ChoicePrompt(title, [(GO, label), ("cancel", "Cancel")], note=note), answered)
