"""``HubSession``: the app's session fed by a hub instead of the account's key: the hub connection plays
the poller's part, the hub's outbox sends the texts, the hub does the actions. The screens cannot tell
the difference, except that the status names the hub and texts say who sent them."""

from __future__ import annotations

import asyncio
import contextlib

from tui.callrail.budget import BudgetSnapshot
from tui.callrail.clock import Clock
from tui.hub.viewer.handled import HubMarks
from tui.hub.viewer.link import HubLink
from tui.hub.viewer.outbox import HubOutbox
from tui.hub.viewer.source import HubBatch, HubSource
from tui.live.events import TeamPresence, Viewing
from tui.live.lanes import Lane
from tui.live.session import LiveSession
from tui.live.sources import Batch
from tui.live.store import Store

NOTHING_YET = BudgetSnapshot(0, 0, 0, 0, 0, 0, 0, 0)
MARKS_WAIT_S = 5.0  # on stop, inbox marks still on their way to the hub get this long


class ReportedBudget:
    """The account's budget as the hub last reported it (the hub spends it; a viewer only shows it)."""

    def __init__(self) -> None:
        self.latest = NOTHING_YET

    def snapshot(self) -> BudgetSnapshot:
        return self.latest


class HubSession(LiveSession):
    poller: HubSource  # type: ignore[assignment]
    outbox: HubOutbox  # type: ignore[assignment]
    handled: HubMarks  # type: ignore[assignment]

    def __init__(self, link: HubLink, *, store: Store, clock: Clock) -> None:
        self.link = link
        self.me = ""  # this viewer's name at the hub
        self._viewing: tuple[str | None, bool] = (None, False)
        self._told: tuple[str | None, bool, str | None] = (None, False, None)  # the last presence sent
        self._presence_sent: asyncio.Task | None = None  # the last report, held until it is sent
        super().__init__(
            account_id=link.host,
            client=None,  # type: ignore[arg-type]
            budget=ReportedBudget(),  # type: ignore[arg-type]
            store=store,
            clock=clock,
            actions=link,
        )
        self.before_stop(self._marks_told)

    def _make_poller(self, lane: Lane) -> HubSource:  # type: ignore[override]
        return HubSource(self.link, self.clock)

    def _make_marks(self) -> HubMarks:
        return HubMarks(self.store, self.clock, link=self.link, emit=self._emit)

    def _make_outbox(self, lane: Lane) -> HubOutbox:  # type: ignore[override]
        return HubOutbox(link=self.link, store=self.store, clock=self.clock, emit=self._emit)

    def apply(self, batch: Batch) -> None:
        if isinstance(batch, HubBatch):
            self._apply_hub(batch)
        if batch.status is not None and batch.status.budget is not None:
            self.budget.latest = batch.status.budget  # type: ignore[attr-defined]
        super().apply(batch)

    def _apply_hub(self, batch: HubBatch) -> None:
        if batch.account is not None:
            self.account_id = batch.account["account_id"] or self.account_id
            self.account_name = batch.account["account_name"] or self.account_name
            if batch.account["companies"]:
                self.account_companies.set(self.lanes.primary, batch.account["companies"])
        if batch.texting_enabled is not None:
            self.texting_enabled = batch.texting_enabled
        for item, key in batch.texts:
            self.outbox.hub_text(item, key)
        if batch.texts_problem is not None:
            self.outbox.set_problem(batch.texts_problem)
        if batch.you:
            self.me = batch.you
        if batch.handled is not None:
            self.handled.from_hub(batch.handled, everything=batch.handled_all)
        if batch.presence is not None:
            colleagues = tuple(
                Viewing(str(v.get("name")), v.get("open"), bool(v.get("composing")))
                for v in batch.presence
                if v.get("name") != self.me
            )
            self._emit(TeamPresence(colleagues))

    async def _marks_told(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.handled.settled(), MARKS_WAIT_S)

    def viewing(self, opened: str, *, composing: bool = False) -> None:
        self._report((opened, composing))

    def stopped_viewing(self, opened: str) -> None:
        if self._viewing[0] == opened:
            self._report((None, False))

    def watch_thread(self, conversation_id: str) -> None:
        """The hub reads the thread at the calls' pace while someone has it open: it is told."""
        super().watch_thread(conversation_id)
        self._report()

    def unwatch_thread(self, conversation_id: str) -> None:
        super().unwatch_thread(conversation_id)
        self._report()

    def _report(self, viewing: tuple[str | None, bool] | None = None) -> None:
        if viewing is not None:
            self._viewing = viewing
        told = (*self._viewing, self.open_thread.conversation_id)
        if told != self._told:
            self._told = told
            self._presence_sent = asyncio.ensure_future(self.poller.send_presence(*told))
