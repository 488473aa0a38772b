"""The bar above the footer on every screen: the budget meter, the account, and whether names are masked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.widgets import Static

from tui.live.events import Channel, ChannelStatus, LiveEvent, OutboxHealth, PollStatus
from tui.safe_text import literal
from tui.widgets.budget_meter import BudgetMeter

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.context import Context


class StatusBar(Horizontal):
    """Compose one in any screen of the app, before its Footer; it follows the live session."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
    }
    StatusBar #status-outbox {
        width: auto;
        max-width: 60;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $error;
        padding-right: 1;
    }
    StatusBar #status-account {
        width: auto;
        max-width: 24;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, context: Context) -> None:
        super().__init__()
        self._ctx = context

    def compose(self) -> ComposeResult:
        yield BudgetMeter(id="status-meter")
        yield Static(id="status-channel")
        yield Static(id="status-outbox")
        yield Static(id="status-account")

    def on_mount(self) -> None:
        context = self._ctx
        session = context.session
        meter = self.query_one(BudgetMeter)
        meter.now = session.clock.now
        meter.where = context.times.display_zone
        meter.status = session.status
        self._show_texts_problem(session.texts_problem)
        self._show_channel(session.backstop.status)
        self._show_account(context.mask)
        context.live.subscribe(self, self._on_live)
        context.mask_changed.subscribe(self, self._show_account)

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, PollStatus):
            self.query_one(BudgetMeter).status = event
            self._show_account(self._ctx.mask)  # the account's name arrives with the first poll
        elif isinstance(event, OutboxHealth):
            self._show_texts_problem(event.problem)
        elif isinstance(event, ChannelStatus):
            self._show_channel(event)

    def _show_channel(self, status: ChannelStatus) -> None:
        """Push or poll, and why, once webhooks are set up (without them polling is all there is)."""
        shown = self.query_one("#status-channel", Static)
        shown.display = bool(status.reason)
        shown.set_class(status.channel is Channel.PUSH, "-push")
        label = status.channel.value if status.channel is Channel.PUSH else f"poll: {status.reason}"
        shown.update(literal(label, single_line=True))
        shown.tooltip = status.reason

    def _show_texts_problem(self, problem: str) -> None:
        shown = self.query_one("#status-outbox", Static)
        shown.update(literal(problem, single_line=True))
        shown.display = bool(problem)

    def _show_account(self, mask: bool) -> None:
        session = self._ctx.session
        several = len(session.lanes.all)
        # several accounts: the meter names each one already
        name = f"{several} accounts" if several > 1 else session.account_name or session.account_id
        label = literal(name, single_line=True)
        if mask:
            label.append(" · masked")
        self.query_one("#status-account", Static).update(label)
