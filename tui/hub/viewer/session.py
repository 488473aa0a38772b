"""``HubSession``: the app's session fed by a hub instead of the account's key: the hub connection plays
the poller's part, the hub's outbox sends the texts, the hub does the actions. The screens cannot tell
the difference, except that the status names the hub and texts say who sent them."""

from __future__ import annotations

from tui.callrail.budget import BudgetSnapshot
from tui.callrail.clock import Clock
from tui.hub.viewer.link import HubLink
from tui.hub.viewer.outbox import HubOutbox
from tui.hub.viewer.source import HubBatch, HubSource
from tui.live.session import LiveSession
from tui.live.sources import Batch
from tui.live.store import Store

NOTHING_YET = BudgetSnapshot(0, 0, 0, 0, 0, 0, 0, 0)


class ReportedBudget:
    """The account's budget as the hub last reported it (the hub spends it; a viewer only shows it)."""

    def __init__(self) -> None:
        self.latest = NOTHING_YET

    def snapshot(self) -> BudgetSnapshot:
        return self.latest


class HubSession(LiveSession):
    poller: HubSource  # type: ignore[assignment]
    outbox: HubOutbox  # type: ignore[assignment]

    def __init__(self, link: HubLink, *, store: Store, clock: Clock) -> None:
        self.link = link
        self.presence: list[dict] = []  # who else has what open, as the hub last told
        super().__init__(
            account_id=link.host,
            client=None,  # type: ignore[arg-type]
            budget=ReportedBudget(),  # type: ignore[arg-type]
            store=store,
            clock=clock,
            actions=link,
        )

    def _make_poller(self) -> HubSource:  # type: ignore[override]
        return HubSource(self.link, self.clock)

    def _make_outbox(self) -> HubOutbox:  # type: ignore[override]
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
                self._set_companies(batch.account["companies"])
        if batch.texting_enabled is not None:
            self.texting_enabled = batch.texting_enabled
        for item, key in batch.texts:
            self.outbox.hub_text(item, key)
        if batch.texts_problem is not None:
            self.outbox.set_problem(batch.texts_problem)
        if batch.presence is not None:
            self.presence = batch.presence

    async def report_presence(self, opened: str | None, composing: bool = False) -> None:
        """Tell the team which call or thread this viewer has open, and whether it is writing."""
        await self.poller.send_presence(opened, composing)
