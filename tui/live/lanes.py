"""Several accounts in one session (a key that sees several: an agency's; reference §8.1).

Each account has its lane: its client and budget (every account has its own rate limits), its watchlist,
open thread, poller and outbox, its actions and tag names. The session keeps one state and one store for
all of them; ``Lanes`` says which lane a company (so a call, a conversation, a text) belongs to, learned
from what each lane's poller reads and from each account's companies. With one account there is one lane
and every question has the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.callrail.models import Call
from tui.live.account_meta import AccountMeta
from tui.live.events import AccountBudget, PollState, PollStatus
from tui.live.followups import Followups
from tui.live.open_thread import OpenThread
from tui.live.sources import Batch

if TYPE_CHECKING:
    from tui.live.actions import Actions
    from tui.live.tag_names import TagNames

# Which account's state the meter shows when they differ: the one that needs the user most.
_SEVERITY = (
    PollState.AUTH_FAILED,
    PollState.OFFLINE,
    PollState.RATE_LIMITED,
    PollState.STARTING,
    PollState.PAUSED,
    PollState.OK,
)


@dataclass(frozen=True)
class AccountAccess:
    """What reaching one account takes: its id, a client for it and that account's budget."""

    account_id: str
    client: Any  # a CallRailClient (none for a viewer of a hub)
    budget: Any  # its RateBudget (a viewer shows the budget the hub reports)


@dataclass
class Lane:
    access: AccountAccess
    meta: AccountMeta
    actions: Actions
    tags: TagNames | None
    followups: Followups = field(default_factory=Followups)
    open_thread: OpenThread = field(default_factory=OpenThread)
    name: str = ""
    poller: Any = None  # set by the session once the lane exists (a Poller, or a hub's source)
    outbox: Any = None  # likewise (an Outbox, or a hub's)
    status: PollStatus | None = None  # the last its poller said
    texting_enabled: bool | None = None  # None until a send has said

    @property
    def account_id(self) -> str:
        return self.access.account_id

    @property
    def label(self) -> str:
        return self.name or self.account_id


class Lanes:
    def __init__(self) -> None:
        self.all: list[Lane] = []
        self._by_company: dict[str, Lane] = {}

    def add(self, lane: Lane) -> None:
        self.all.append(lane)

    @property
    def primary(self) -> Lane:
        """The first account's lane: the one the app had before there were several."""
        return self.all[0]

    @property
    def several(self) -> bool:
        return len(self.all) > 1

    def learn(self, lane: Lane, company_ids: Iterable[str | None]) -> None:
        learned = False
        for company_id in company_ids:
            if company_id and self._by_company.get(company_id) is not lane:
                self._by_company[company_id] = lane
                learned = True
        if learned and self.several and lane.outbox is not None:
            lane.outbox.wake()  # a text queued for one of these before they were known can go now

    def learn_from(self, lane: Lane, batch: Batch) -> None:
        """A lane's poller read these: their companies are that account's."""
        records: list[Any] = [*batch.calls, *batch.conversations, *batch.forms]
        self.learn(lane, (record.company_id for record in records))

    def for_company(self, company_id: str | None) -> Lane:
        """The lane of the account the company is in (the first account's while it is not known yet)."""
        return self._by_company.get(company_id or "", self.primary)

    def owns(self, lane: Lane, company_id: str) -> bool:
        """Whether ``lane`` may act for this company: with several accounts, only once it is known to be
        the company's (a text for a company no account has shown yet waits)."""
        return not self.several or self._by_company.get(company_id) is lane

    # -- the watchlists, as the merger sees them: each call goes to its account's -------------------------

    def track(self, calls: Iterable[Call], now: datetime, *, opened: bool = False) -> None:
        by_lane: dict[int, list[Call]] = {}
        for call in calls:
            by_lane.setdefault(id(self.for_company(call.company_id)), []).append(call)
        for lane in self.all:
            if id(lane) in by_lane:
                lane.followups.track(by_lane[id(lane)], now, opened=opened)

    def forget(self, call_id: str) -> None:
        for lane in self.all:
            lane.followups.forget(call_id)

    # -- one status for the meter -------------------------------------------------------------------------

    def combined(self, status: PollStatus) -> PollStatus:
        """With several accounts: the state of the account that needs the user most (its message named),
        the soonest next poll, and every account's budget."""
        lane = next((lane for lane in self.all if lane.account_id == status.account_id), self.primary)
        lane.status = status
        if not self.several:
            return status
        statuses = [(lane, lane.status) for lane in self.all if lane.status is not None]
        worst_lane, worst = min(statuses, key=lambda pair: _SEVERITY.index(pair[1].state))
        upcoming = [s.next_poll_at for _, s in statuses if s.next_poll_at is not None]
        message = f"{worst_lane.label}: {worst.message}" if worst.message else ""
        catching_up = next((s.catch_up for _, s in statuses if s.catch_up is not None), None)
        return replace(
            worst,
            message=message,
            next_poll_at=min(upcoming) if upcoming else None,
            catch_up=catching_up,
            accounts=tuple(
                AccountBudget(lane.label, lane.status.budget if lane.status else None) for lane in self.all
            ),
        )
