"""``LiveSession``: one account's client, budget, store, state, poller and outbox, as the UI sees them.

The UI gets a session injected (built in ``tui.wiring``: for a real account, or on the simulator),
subscribes a listener, calls ``start()`` and runs ``run()`` in a worker. Sources (``tui.live.sources``)
hand it batches; it merges them, keeps the store and the watchlist, and tells the listeners. Every change
reaches the listener as a ``LiveEvent``; user actions go ahead of polls in the budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.callrail.budget import BudgetSnapshot, RateBudget
from tui.callrail.client import CallRailClient
from tui.callrail.clock import Clock
from tui.callrail.errors import CallRailError
from tui.callrail.models import Call, Company, Conversation
from tui.live.account_companies import ACCOUNT_NAME_META, AccountCompanies
from tui.live.account_meta import AccountMeta
from tui.live.actions import Actions, ClientActions
from tui.live.backstop import Backstop
from tui.live.events import (
    CallsChanged,
    ConversationsChanged,
    LiveEvent,
    OutboxItem,
    PollState,
    PollStatus,
)
from tui.live.failures import failure_state
from tui.live.first_rows import FIRST_CALLS, LOOKBACK
from tui.live.handled import HandledMarks
from tui.live.held import HeldRecords
from tui.live.lanes import AccountAccess, Lane, Lanes
from tui.live.merging import Merger
from tui.live.outbox import Outbox
from tui.live.outbox_records import OutboxRecords
from tui.live.poller import Poller
from tui.live.sources import Batch, Source
from tui.live.state import LiveState
from tui.live.store import Store
from tui.live.store_pruning import StorePruning
from tui.live.tag_names import TagNames

if TYPE_CHECKING:
    from tui.live.webhooks.control import WebhookControl

log = logging.getLogger(__name__)

STORED_CALLS_BATCH = 250  # then this many at a time (~15 ms each), the event loop free in between
BATCH_PAUSE = 0.01  # seconds
FIRST_FRAME_WAIT = 0.5  # seconds start() waits for the UI to draw the first calls before the rest
# What the store holds counts as observed before anything a source brings (it carries no versions).
STORED = datetime.fromtimestamp(0, UTC)


class LiveSession:
    def __init__(
        self,
        *,
        account_id: str,
        client: CallRailClient,
        budget: RateBudget,
        store: Store,
        clock: Clock,
        account_name: str = "",
        reconcile_every: tuple[float, float] | None = None,
        actions: Actions | None = None,
        more_accounts: Sequence[AccountAccess] = (),
        outbox_records: OutboxRecords | None = None,
    ) -> None:
        """``reconcile_every``: seconds between reads of calls and of conversations while webhooks carry
        the data (``tui.live.backstop``). ``more_accounts``: other accounts the key sees, watched too, each
        in a lane of its own (``tui.live.lanes``); the first account's lane is ``poller``, ``outbox``...
        ``outbox_records``: where the texts are kept, when not in ``store`` (shared by a hub's replicas)."""
        self.account_id = account_id
        self.clock = clock
        self.store = store
        self.outbox_records: OutboxRecords = outbox_records or store
        self.state = LiveState()
        self._listeners: list[Callable[[LiveEvent], None]] = []
        self.lanes = Lanes()
        self.handled = self._make_marks()  # the needs-attention inbox's marks
        self.held = HeldRecords(self.state, store)
        self.merge = Merger(self.state, store, self.lanes, clock, self._emit, self.held)
        self.pruning = StorePruning(store)
        for access in (AccountAccess(account_id, client, budget), *more_accounts):
            self.lanes.add(self._make_lane(access, actions))
        primary = self.lanes.primary
        self.account_companies = AccountCompanies(self.lanes, self.state)
        primary.name = account_name or primary.meta.get(ACCOUNT_NAME_META) or ""
        self.client, self.budget, self.actions = client, budget, primary.actions
        self.followups = primary.followups  # calls still to watch: the poller reads it as its watchlist
        self.open_thread = primary.open_thread  # the conversation the user has open: the poller reads it
        self.poller, self.outbox = primary.poller, primary.outbox
        self.status: PollStatus = self.poller.status
        self.backstop = Backstop(self.poller, self._emit, every=reconcile_every)
        self._sources: list[tuple[Source, Lane | None]] = [(lane.poller, lane) for lane in self.lanes.all]
        self.webhooks: WebhookControl | None = None  # set when the account's webhooks can point at us
        self._before_stop: list[Callable[[], Awaitable[None]]] = []
        self._runner: asyncio.Future | None = None
        self._first_shown = asyncio.Event()
        self._stopped = False

    def _make_lane(self, access: AccountAccess, actions: Actions | None) -> Lane:
        first = not self.lanes.all
        lane = Lane(
            access,
            meta=AccountMeta.for_account(self.store, access.account_id),
            actions=(actions if first else None) or ClientActions(access.client, access.account_id),
            tags=TagNames(access.client, access.account_id, self.clock) if access.client else None,
        )
        lane.poller = self._make_poller(lane)
        lane.outbox = self._make_outbox(lane)
        return lane

    @property
    def account_name(self) -> str:
        """The account's name (the accounts', joined, when there are several)."""
        return " + ".join(lane.label for lane in self.lanes.all)

    @account_name.setter
    def account_name(self, name: str) -> None:
        self.lanes.primary.name = name

    @property
    def companies(self) -> dict[str, Company]:
        """Every watched account's companies, by id."""
        return self.account_companies.by_id

    @property
    def webhook_companies(self) -> dict[str, Company]:
        """The companies whose webhooks the app can turn on: the first account's (the receiver checks
        deliveries with that account's signing keys)."""
        return self.account_companies.of(self.lanes.primary)

    @property
    def tags(self) -> TagNames | None:
        """The first account's tag names (``tag_names`` asks the right account for a company's)."""
        return self.lanes.primary.tags

    def _make_poller(self, lane: Lane) -> Poller:
        """The main source (a viewer of a hub has the hub connection instead)."""
        return Poller(
            client=lane.access.client,
            budget=lane.access.budget,
            account_id=lane.account_id,
            clock=self.clock,
            store=self.store,
            watchlist=lane.followups,
            thread=lane.open_thread,
            marks=lane.meta,
        )

    def _make_marks(self) -> HandledMarks:
        """The inbox's marks (a viewer of a hub shares them with the team)."""
        return HandledMarks(self.store, self.clock)

    def _make_outbox(self, lane: Lane) -> Outbox:
        """What sends texts (a viewer of a hub hands them to the hub's)."""
        return Outbox(
            client=lane.access.client,
            account_id=lane.account_id,
            store=self.outbox_records,
            budget=lane.access.budget,
            clock=self.clock,
            emit=self._emit,
            on_conversation=lambda conversation: self._on_sent(lane, conversation),
            on_texting_enabled=lambda enabled: setattr(lane, "texting_enabled", enabled),
            owns=lambda company_id: self.lanes.owns(lane, company_id),
        )

    # -- events ---------------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[LiveEvent], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: LiveEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("a live event listener failed")

    def add_source(self, source: Source, *, pushes: bool = False) -> None:
        """Another source (the webhook receiver's, a hub's) whose batches ``run`` merges with the polls;
        ``pushes``: it brings CallRail's webhooks, so the poller may slow to a backstop while they come."""
        self._sources.append((source, None))
        if pushes:
            self.backstop.expect_push()

    def _on_status(self, status: PollStatus) -> None:
        self.status = self.lanes.combined(status)
        self._emit(self.status)

    # -- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Show what the store has (today) at once, then load the account's companies.

        The newest screenful of calls goes out first, so the feed has rows in its first frame; the rest
        follow in batches, with the event loop free between them (a day's 5,000 stored calls take
        ~150 ms to read), then the conversations."""
        now = self.clock.now()
        if self.store.recovered_from:
            log.warning("%s", self.store.recovered_from)
        self.account_companies.load_stored()
        since = now - LOOKBACK
        page = self.store.load_calls_page(since, limit=FIRST_CALLS)
        self._load_stored_calls(page.calls)
        for lane in self.lanes.all:
            self._on_status(replace(lane.poller.status, message=self.store.recovered_from or ""))
        if page.next is not None and self._listeners:
            # the rest would hold up the first frame (each batch takes the event loop for a while)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._first_shown.wait(), FIRST_FRAME_WAIT)
        while page.next is not None:
            # a pause, not just a yield: a frame takes the UI several turns of the event loop
            await asyncio.sleep(BATCH_PAUSE)
            # read and parsed in a thread: the event loop stays free for the UI meanwhile
            page = await asyncio.to_thread(
                self.store.load_calls_page, since, limit=STORED_CALLS_BATCH, after=page.next
            )
            self._load_stored_calls(page.calls)
        conversations = await asyncio.to_thread(self.store.load_conversations, now - LOOKBACK)
        conversation_changes = self.state.merge_conversations(conversations, STORED)
        self._emit(ConversationsChanged(new=conversation_changes.new))
        self._emit(self.state.forms.merge(self.store.load_forms(now - LOOKBACK)))
        self.held.judge(*await asyncio.to_thread(self.held.read, now), STORED, now)
        self.pruning.when_due(now)
        await self.account_companies.load(self._companies_failed)

    def first_calls_shown(self) -> None:
        """The UI has drawn the calls ``start`` sent first: the rest of the stored calls may follow
        (``start`` waits for this, at most ``FIRST_FRAME_WAIT``, when someone listens)."""
        self._first_shown.set()

    def _load_stored_calls(self, calls: list[Call]) -> None:
        changes = self.state.merge_calls(calls, STORED)
        self.lanes.track(calls, self.clock.now())
        self._emit(CallsChanged(new=changes.new))

    def _companies_failed(self, lane: Lane, error: CallRailError) -> None:
        status = lane.status or lane.poller.status
        message = f"Could not load the companies: {error.message}"
        self._on_status(replace(status, state=failure_state(error), message=message))

    async def run(self) -> None:
        """Take in what the sources bring and send texts, until ``stop()`` (or until the task running it
        is cancelled)."""
        self._runner = asyncio.ensure_future(self._run_sources())
        try:
            await self._runner
        except asyncio.CancelledError:
            if not self._stopped:
                raise

    async def _run_sources(self) -> None:
        """The sources and the outbox; if one of them fails, the others are stopped too."""
        async with asyncio.TaskGroup() as group:
            for source, lane in self._sources:
                group.create_task(self._take_in(source, lane))
            for lane in self.lanes.all:
                group.create_task(lane.outbox.run())

    async def _take_in(self, source: Source, lane: Lane | None = None) -> None:
        async for batch in source.batches():
            try:
                self._apply_from(lane, batch)
            except Exception:
                # a bug must not end live updates: this batch is lost, the source reads it again later
                log.exception("merging a batch failed")

    async def poll_once(self) -> None:
        """One poll cycle, merged as ``run`` merges it (for tests and benchmarks on a manual clock)."""
        for lane in self.lanes.all:
            async for batch in lane.poller.cycle():
                self._apply_from(lane, batch)

    def _apply_from(self, lane: Lane | None, batch: Batch) -> None:
        if lane is not None:
            self.lanes.learn_from(lane, batch)
        self.apply(batch)

    def apply(self, batch: Batch) -> None:
        """Merge what a source brought: into the state and the store, the watchlist, the listeners."""
        observed_at = batch.observed_at or self.merge.read_at(self.clock.now())
        happened: list[datetime | None] = []
        if batch.calls:
            happened += [call.start_time for call in self.merge.calls(batch.calls, observed_at).new]
        for call_id in batch.gone_calls:
            self.lanes.forget(call_id)
        if batch.conversations:
            happened += self.merge.conversations(batch.conversations, observed_at)
        if batch.forms:
            self.merge.forms(batch.forms)
        if batch.status is not None:
            self._on_status(batch.status)
        if batch.push_problem is not None:
            self.backstop.problem(batch.push_problem)
        self.backstop.arrived(pushed=batch.pushed, happened=happened, now=self.clock.now())
        self.pruning.when_due(self.clock.now())  # a session that runs for days (a hub): once a day

    def before_stop(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Something to do with the client still open when the session stops (bounded by the hook)."""
        self._before_stop.append(hook)

    async def stop(self) -> None:
        """The sources and outboxes first (a webhook source putting URLs back must not race the hook
        that takes them out), then the clean-ups, then the clients."""
        self._stopped = True
        if self._runner is not None:
            self._runner.cancel()
            try:
                await self._runner
            except asyncio.CancelledError:
                pass
            except Exception:
                log.exception("the live session had stopped with an error")
        for hook in self._before_stop:
            try:
                await hook()
            except Exception:
                log.exception("a clean-up on stop failed")
        for lane in self.lanes.all:
            await lane.actions.aclose()
        self.store.close()

    def refresh_now(self) -> None:
        for lane in self.lanes.all:
            lane.poller.refresh_now()
            lane.outbox.wake()

    def set_paused(self, paused: bool) -> None:
        for lane in self.lanes.all:
            self._on_status(lane.poller.set_paused(paused))

    @property
    def texts_problem(self) -> str:
        """Why texts are not going out, or empty while they are (also told as ``OutboxHealth``)."""
        for lane in self.lanes.all:
            if lane.outbox.problem:
                return f"{lane.label}: {lane.outbox.problem}" if self.lanes.several else lane.outbox.problem
        return ""

    def budget_snapshot(self, company_id: str | None = None) -> BudgetSnapshot:
        """The budget now (the status carries it as of the last poll; a send spends it in between): the
        budget of the company's account."""
        return self.lanes.for_company(company_id).access.budget.snapshot()

    def _on_sent(self, lane: Lane, conversation: Conversation) -> None:
        lane.poller.texting_happened()
        self.merge.conversations([conversation], self.merge.read_at(self.clock.now()))
        self._answered()

    def _answered(self) -> None:
        """A request just got its answer: if the status still says offline, poll now (the poller may be
        backing off for a minute), so the app says live again as soon as CallRail answers."""
        for lane in self.lanes.all:
            if lane.status is not None and lane.status.state is PollState.OFFLINE:
                lane.poller.refresh_now()

    @property
    def texting_enabled(self) -> bool | None:
        """Whether the (first) account can send texts: ``None`` until a send has said."""
        return self.lanes.primary.texting_enabled

    @texting_enabled.setter
    def texting_enabled(self, enabled: bool | None) -> None:
        self.lanes.primary.texting_enabled = enabled

    def texting_enabled_for(self, company_id: str | None) -> bool | None:
        """Whether the company's account can send texts (each account has texting on or off)."""
        return self.lanes.for_company(company_id).texting_enabled

    # -- user actions (ahead of polls in the budget) --------------------------------------------------

    async def open_call(self, call_id: str) -> Call:
        """The call with its detail fields (transcript, summary, ...)."""
        asked_at = self.clock.now()
        call = await self._lane_of_call(call_id).actions.open_call(call_id)
        self._answered()
        self.merge.calls([call], self.merge.read_at(asked_at))
        merged = self.state.calls.get(call.id, call)
        self.lanes.track([merged], self.clock.now(), opened=True)
        return merged

    def _lane_of_call(self, call_id: str) -> Lane:
        known = self.state.calls.get(call_id)
        return self.lanes.for_company(known.company_id if known else None)

    def _lane_of_conversation(self, conversation_id: str) -> Lane:
        known = self.state.conversations.get(conversation_id)
        return self.lanes.for_company(known.company_id if known else None)

    async def tag_names(self, company_id: str | None) -> list[str]:
        """The tags the company's account already has (offered when the user tags a call)."""
        tags = self.lanes.for_company(company_id).tags
        return await tags.for_company(company_id) if tags is not None else []

    async def update_call(self, call_id: str, **changes) -> Call:
        """Tags, append_tags, note, lead_status, value (``None`` clears a field)."""
        await self._lane_of_call(call_id).actions.update_call(call_id, **changes)
        # the PUT answers with the default fields only (no tags, note, ...): read the call back
        return await self.open_call(call_id)

    async def call_back(
        self,
        *,
        customer_phone_number: str,
        tracking_number: str,
        my_phone: str,
        company_id: str | None = None,
    ) -> Call:
        """Have CallRail ring ``my_phone``, then the customer, who sees ``tracking_number`` (the number they
        called, of ``company_id``). Never retried (a real call); the new outbound call is in the feed at
        once."""
        lane = self.lanes.for_company(company_id)
        call = await lane.actions.call_back(
            customer_phone_number=customer_phone_number, tracking_number=tracking_number, my_phone=my_phone
        )
        self._answered()
        self.merge.calls([call])
        status = lane.status or lane.poller.status
        self._on_status(replace(status, budget=lane.access.budget.snapshot()))
        return self.state.calls.get(call.id, call)

    async def open_conversation(self, conversation_id: str) -> Conversation:
        """The conversation with a page of its messages, newest first."""
        asked_at = self.clock.now()
        lane = self._lane_of_conversation(conversation_id)
        conversation = await lane.actions.get_conversation(conversation_id)
        self._answered()
        self.merge.conversations([conversation], self.merge.read_at(asked_at))
        return self.state.conversations[conversation.id]

    def watch_thread(self, conversation_id: str) -> None:
        """The user opened this conversation: it is read at the pace of the calls list (unless webhooks
        bring its texts) until ``unwatch_thread``, so the customer's reply shows within seconds."""
        self._lane_of_conversation(conversation_id).open_thread.open(conversation_id)

    def unwatch_thread(self, conversation_id: str) -> None:
        for lane in self.lanes.all:
            lane.open_thread.close(conversation_id)

    async def older_messages(self, conversation_id: str, page: int, per_page: int) -> Conversation:
        """Page ``page`` of a conversation's messages, newest first (page 1 is what ``open_conversation``
        brings); kept out of the state, which holds the newest page."""
        lane = self._lane_of_conversation(conversation_id)
        return await lane.actions.get_conversation(conversation_id, page=page, per_page=per_page)

    def send_text(
        self,
        *,
        company_id: str,
        customer_phone_number: str,
        content: str,
        tracking_number: str | None = None,
        request: str | None = None,
    ) -> OutboxItem:
        """Queue a text; it is stored at once and sent in order by the outbox (see ``OutboxChanged``).
        ``request``: what it answers, so a retry gets this text, not a second (``Outbox.enqueue``)."""
        return self.lanes.for_company(company_id).outbox.enqueue(
            company_id=company_id,
            customer_phone_number=customer_phone_number,
            content=content,
            tracking_number=tracking_number,
            request=request,
        )

    def resolve_unknown(self, item_id: int, *, sent: bool) -> OutboxItem:
        """The user's decision on a text whose fate is unknown; ``NothingToDecide`` says why not now."""
        company_id = self.outbox_records.outbox_item(item_id).company_id
        return self.lanes.for_company(company_id).outbox.resolve_unknown(item_id, sent=sent)

    def outbox_items(self, customer_phone_number: str | None = None) -> list[OutboxItem]:
        return self.outbox.items(customer_phone_number)

    def viewing(self, opened: str, *, composing: bool = False) -> None:
        """The user has ``opened`` (``call:<id>``, ``thread:<number>``) in front of them, writing or not: a
        team hub tells colleagues; alone, nobody needs to know."""

    def stopped_viewing(self, opened: str) -> None:
        """The user left ``opened``."""

    def save_draft(self, key: str, text: str) -> None:
        self.store.save_draft(key, text, now=self.clock.now())

    def load_draft(self, key: str) -> str:
        return self.store.load_draft(key)

    def clear_draft(self, key: str) -> None:
        self.store.clear_draft(key)
