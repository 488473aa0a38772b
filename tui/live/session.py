"""``LiveSession``: one account's client, budget, store, state, poller and outbox, as the UI sees them.

The UI gets a session injected (built in ``tui.wiring``: for a real account, or on the simulator),
subscribes a listener, calls ``start()`` and runs ``run()`` in a worker. Sources (``tui.live.sources``)
hand it batches; it merges them, keeps the store and the watchlist, and tells the listeners. Every change
reaches the listener as a ``LiveEvent``; user actions go ahead of polls in the budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tui.callrail.budget import BudgetSnapshot, RateBudget
from tui.callrail.client import CallRailClient
from tui.callrail.clock import Clock
from tui.callrail.errors import CallRailError
from tui.callrail.models import Call, Company, Conversation
from tui.live.backstop import Backstop
from tui.live.events import (
    CallsChanged,
    ConversationsChanged,
    InboundCall,
    InboundText,
    LiveEvent,
    OutboxItem,
    PollStatus,
)
from tui.live.followups import Followups
from tui.live.handled import HandledMarks
from tui.live.outbox import Outbox
from tui.live.poller import LOOKBACK, Poller, failure_state
from tui.live.sources import Batch, Source
from tui.live.state import LiveState
from tui.live.store import Store

if TYPE_CHECKING:
    from tui.live.webhooks.control import WebhookControl

log = logging.getLogger(__name__)

# A call or text first seen this soon after it happened is announced (toast + bell); older ones, found by
# a catch-up after a restart or an outage, are not; nor are those from before the app started (they were
# there when the user looked).
ANNOUNCE_WITHIN = timedelta(minutes=15)
COMPANIES_META = "companies"
FIRST_CALLS = 100  # read from the store before the first frame: a few screens of the feed
STORED_CALLS_BATCH = 250  # then this many at a time (~15 ms each), the event loop free in between
BATCH_PAUSE = 0.01  # seconds
FIRST_FRAME_WAIT = 0.5  # seconds start() waits for the UI to draw the first calls before the rest
STORE_KEEPS = timedelta(days=8)  # older calls and conversations are deleted from the store on start
ACCOUNT_NAME_META = "account_name"
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
    ) -> None:
        """``reconcile_every``: seconds between reads of calls and of conversations while webhooks carry
        the data (``tui.live.backstop``)."""
        self.account_id = account_id
        self.account_name = account_name or store.get_meta(ACCOUNT_NAME_META) or account_id
        self.clock = clock
        self.client = client
        self.budget = budget
        self.store = store
        self.state = LiveState()
        self.companies: dict[str, Company] = {}
        self.texting_enabled: bool | None = None
        self._listeners: list[Callable[[LiveEvent], None]] = []
        self.followups = Followups()  # calls still to watch: the poller reads it as its watchlist
        self.handled = HandledMarks(store, clock)  # the needs-attention inbox's marks
        self.poller = Poller(
            client=client,
            budget=budget,
            account_id=account_id,
            clock=clock,
            store=store,
            watchlist=self.followups,
        )
        self.status: PollStatus = self.poller.status
        self.backstop = Backstop(
            self.poller, self._emit, **({"every": reconcile_every} if reconcile_every else {})
        )
        self.outbox = Outbox(
            client=client,
            account_id=account_id,
            store=store,
            budget=budget,
            clock=clock,
            emit=self._emit,
            on_conversation=self._on_sent,
            on_texting_enabled=self._on_texting_enabled,
        )
        self._sources: list[Source] = [self.poller]
        self.webhooks: WebhookControl | None = None  # set when the account's webhooks can point at us
        self._before_stop: list[Callable[[], Awaitable[None]]] = []
        self._last_read: datetime | None = None
        self._runner: asyncio.Future | None = None
        self._first_shown = asyncio.Event()
        self._started_at = clock.now()
        self._stopped = False

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
        self._sources.append(source)
        if pushes:
            self.backstop.expect_push()

    def _on_status(self, status: PollStatus) -> None:
        self.status = status
        self._emit(status)

    # -- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Show what the store has (today) at once, then load the account's companies.

        The newest screenful of calls goes out first, so the feed has rows in its first frame; the rest
        follow in batches, with the event loop free between them (a day's 5,000 stored calls take
        ~150 ms to read), then the conversations."""
        now = self.clock.now()
        if self.store.recovered_from:
            log.warning("%s", self.store.recovered_from)
        self._load_companies_from_store()
        since = now - LOOKBACK
        page = self.store.load_calls_page(since, limit=FIRST_CALLS)
        self._load_stored_calls(page.calls)
        self._on_status(replace(self.poller.status, message=self.store.recovered_from or ""))
        if page.next is not None and self._listeners:
            # the rest would hold up the first frame (each batch takes the event loop for a while)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._first_shown.wait(), FIRST_FRAME_WAIT)
        while page.next is not None:
            # a pause, not just a yield: a frame takes the UI several turns of the event loop
            await asyncio.sleep(BATCH_PAUSE)
            page = self.store.load_calls_page(since, limit=STORED_CALLS_BATCH, after=page.next)
            self._load_stored_calls(page.calls)
        await asyncio.sleep(0)
        conversations = self.store.load_conversations(now - LOOKBACK)
        conversation_changes = self.state.merge_conversations(conversations, STORED)
        self._emit(ConversationsChanged(new=conversation_changes.new))
        try:
            self.store.prune(now - STORE_KEEPS)
        except sqlite3.Error:
            log.warning("could not prune the local store", exc_info=True)
        await self._load_companies()

    def first_calls_shown(self) -> None:
        """The UI has drawn the calls ``start`` sent first: the rest of the stored calls may follow
        (``start`` waits for this, at most ``FIRST_FRAME_WAIT``, when someone listens)."""
        self._first_shown.set()

    def _load_stored_calls(self, calls: list[Call]) -> None:
        changes = self.state.merge_calls(calls, STORED)
        self.followups.track(calls, self.clock.now())
        self._emit(CallsChanged(new=changes.new))

    def _load_companies_from_store(self) -> None:
        cached = self.store.get_meta(COMPANIES_META)
        if not cached:
            return
        try:
            companies = [Company.model_validate(raw) for raw in json.loads(cached)]
        except ValueError:
            return
        self._set_companies(companies)

    async def _load_companies(self) -> None:
        try:
            companies = await self.client.list_companies(self.account_id)
            account = await self.client.get_account(self.account_id)
        except CallRailError as error:
            message = f"Could not load the companies: {error.message}"
            self._on_status(replace(self.status, state=failure_state(error), message=message))
            return
        self._set_companies(companies)
        self.store.set_meta(
            COMPANIES_META,
            json.dumps([company.model_dump(mode="json", exclude_unset=True) for company in companies]),
        )
        if account.name:
            self.account_name = account.name
            self.store.set_meta(ACCOUNT_NAME_META, account.name)

    def _set_companies(self, companies: list[Company]) -> None:
        self.companies = {company.id: company for company in companies}
        self.state.set_company_time_zones({company.id: company.time_zone for company in companies})
        self.poller.set_time_zones([company.time_zone for company in companies])

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
            for source in self._sources:
                group.create_task(self._take_in(source))
            group.create_task(self.outbox.run())

    async def _take_in(self, source: Source) -> None:
        async for batch in source.batches():
            try:
                self.apply(batch)
            except Exception:
                # a bug must not end live updates: this batch is lost, the source reads it again later
                log.exception("merging a batch failed")

    async def poll_once(self) -> None:
        """One poll cycle, merged as ``run`` merges it (for tests and benchmarks on a manual clock)."""
        async for batch in self.poller.cycle():
            self.apply(batch)

    def apply(self, batch: Batch) -> None:
        """Merge what a source brought: into the state and the store, the watchlist, the listeners."""
        observed_at = batch.observed_at or self._read_at(self.clock.now())
        happened: list[datetime | None] = []
        if batch.calls:
            happened += [call.start_time for call in self._ingest_calls(batch.calls, observed_at).new]
        for call_id in batch.gone_calls:
            self.followups.forget(call_id)
        if batch.conversations:
            happened += self._ingest_conversations(batch.conversations, observed_at)
        if batch.status is not None:
            self._on_status(batch.status)
        if batch.push_problem is not None:
            self.backstop.problem(batch.push_problem)
        self.backstop.arrived(pushed=batch.pushed, happened=happened, now=self.clock.now())

    def before_stop(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Something to do with the client still open when the session stops (bounded by the hook)."""
        self._before_stop.append(hook)

    async def stop(self) -> None:
        self._stopped = True
        for hook in self._before_stop:
            try:
                await hook()
            except Exception:
                log.exception("a clean-up on stop failed")
        if self._runner is not None:
            self._runner.cancel()
            try:
                await self._runner
            except asyncio.CancelledError:
                pass
            except Exception:
                log.exception("the live session had stopped with an error")
        await self.client.aclose()
        self.store.close()

    def refresh_now(self) -> None:
        self.poller.refresh_now()
        self.outbox.wake()

    def set_paused(self, paused: bool) -> None:
        self._on_status(self.poller.set_paused(paused))

    @property
    def texts_problem(self) -> str:
        """Why texts are not going out, or empty while they are (also told as ``OutboxHealth``)."""
        return self.outbox.problem

    def budget_snapshot(self) -> BudgetSnapshot:
        """The budget now (the status carries it as of the last poll; a send spends it in between)."""
        return self.budget.snapshot()

    # -- data in --------------------------------------------------------------------------------------

    def _read_at(self, asked_at: datetime) -> datetime:
        """When one of our own reads observed what it brings: when it was asked, and after every read
        merged before it even if the clock has not moved (a frozen or coarse clock)."""
        last = self._last_read
        if last is not None and asked_at <= last:
            asked_at = last + timedelta(microseconds=1)
        self._last_read = asked_at
        return asked_at

    def _ingest_calls(self, calls: list[Call], observed_at: datetime | None = None) -> CallsChanged:
        changes = self.state.merge_calls(calls, observed_at)
        if not (changes.new or changes.changed):
            return changes
        now = self.clock.now()
        self.store.upsert_calls([*changes.new, *changes.changed], seen_at=now)
        self.followups.track([*changes.new, *changes.changed], now)
        removed = self._forget_old_calls(now, keep={call.id for call in calls})
        if removed:
            changes = replace(changes, removed=removed)
        self._emit(changes)
        for call in changes.new:
            if call.direction != "outbound" and self._announced(call.start_time, now):
                self._emit(InboundCall(call))
        return changes

    def _forget_old_calls(self, now: datetime, *, keep: set[str]) -> list[str]:
        """Drop from memory the calls older than the lookback (the store keeps them), so a second day
        does not double what the app holds. "Older" is measured back from the newest call, never past
        the clock: a clock that jumps ahead (a wrong wall clock) does not empty the feed."""
        newest = self.state.newest_start
        if newest is None:
            return []
        removed = self.state.forget_calls_before(min(now, newest) - LOOKBACK, keep=keep)
        for call_id in removed:
            self.followups.forget(call_id)
        return removed

    def _ingest_conversations(
        self, conversations: list[Conversation], observed_at: datetime | None = None
    ) -> list[datetime | None]:
        """Merge; when the newest message happened in each conversation that has one it had not."""
        before = {
            c.id: self.state.conversations[c.id].last_message_at
            for c in conversations
            if c.id in self.state.conversations
        }
        changes = self.state.merge_conversations(conversations, observed_at)
        if not (changes.new or changes.changed):
            return []
        now = self.clock.now()
        self.store.upsert_conversations([*changes.new, *changes.changed])
        removed = self._forget_old_conversations(now, keep={c.id for c in conversations})
        if removed:
            changes = replace(changes, removed=removed)
        self._emit(changes)
        moved: list[datetime | None] = []
        for conversation in (*changes.new, *changes.changed):
            previous = before.get(conversation.id)
            latest = conversation.last_message_at
            if latest is not None and (previous is None or latest > previous):
                moved.append(latest)
            newest = conversation.newest_messages[0] if conversation.newest_messages else None
            if newest is None or not newest.incoming or newest.created_at is None:
                continue
            fresh = self._announced(newest.created_at, now)
            if fresh and (previous is None or newest.created_at > previous):
                self._emit(InboundText(conversation, newest))
        return moved

    def _announced(self, happened: datetime | None, now: datetime) -> bool:
        return happened is not None and happened >= self._started_at and now - happened < ANNOUNCE_WITHIN

    def _forget_old_conversations(self, now: datetime, *, keep: set[str]) -> list[str]:
        """Drop from memory the conversations with no message within the lookback (the store keeps them),
        measured back from the newest message as calls are from the newest call."""
        newest = self.state.newest_message_at
        if newest is None:
            return []
        return self.state.forget_conversations_before(min(now, newest) - LOOKBACK, keep=keep)

    def _on_sent(self, conversation: Conversation) -> None:
        self.poller.texting_happened()
        self._ingest_conversations([conversation], self._read_at(self.clock.now()))

    def _on_texting_enabled(self, enabled: bool) -> None:
        self.texting_enabled = enabled

    # -- user actions (ahead of polls in the budget) --------------------------------------------------

    async def open_call(self, call_id: str) -> Call:
        """The call with its detail fields (transcript, summary, ...)."""
        asked_at = self.clock.now()
        call = await self.client.get_call(self.account_id, call_id)
        self._ingest_calls([call], self._read_at(asked_at))
        merged = self.state.calls.get(call.id, call)
        self.followups.track([merged], self.clock.now(), opened=True)
        return merged

    async def update_call(self, call_id: str, **changes) -> Call:
        """Tags, append_tags, note, lead_status, value (``None`` clears a field)."""
        await self.client.update_call(self.account_id, call_id, **changes)
        # the PUT answers with the default fields only (no tags, note, ...): read the call back
        return await self.open_call(call_id)

    async def call_back(self, *, customer_phone_number: str, tracking_number: str, my_phone: str) -> Call:
        """Have CallRail ring ``my_phone``, then the customer, who sees ``tracking_number`` (the number they
        called). Never retried (a real call); the new outbound call is in the feed at once."""
        call = await self.client.create_outbound_call(
            self.account_id,
            caller_id=tracking_number,
            customer_phone_number=customer_phone_number,
            business_phone_number=my_phone,
        )
        self._ingest_calls([call])
        self._on_status(replace(self.status, budget=self.budget.snapshot()))
        return self.state.calls.get(call.id, call)

    async def open_conversation(self, conversation_id: str) -> Conversation:
        """The conversation with a page of its messages, newest first."""
        asked_at = self.clock.now()
        conversation = await self.client.get_conversation(self.account_id, conversation_id)
        self._ingest_conversations([conversation], self._read_at(asked_at))
        return self.state.conversations[conversation.id]

    def watch_thread(self, conversation_id: str) -> None:
        """The user opened this conversation: it is read at the pace of the calls list (unless webhooks
        bring its texts) until ``unwatch_thread``, so the customer's reply shows within seconds."""
        self.poller.thread.open(conversation_id)

    def unwatch_thread(self, conversation_id: str) -> None:
        self.poller.thread.close(conversation_id)

    async def older_messages(self, conversation_id: str, page: int, per_page: int) -> Conversation:
        """Page ``page`` of a conversation's messages, newest first (page 1 is what ``open_conversation``
        brings); kept out of the state, which holds the newest page."""
        return await self.client.get_conversation(
            self.account_id, conversation_id, page=page, per_page=per_page, background=False
        )

    def send_text(
        self, *, company_id: str, customer_phone_number: str, content: str, tracking_number: str | None = None
    ) -> OutboxItem:
        """Queue a text; it is stored at once and sent in order by the outbox (see ``OutboxChanged``)."""
        return self.outbox.enqueue(
            company_id=company_id,
            customer_phone_number=customer_phone_number,
            content=content,
            tracking_number=tracking_number,
        )

    def resolve_unknown(self, item_id: int, *, sent: bool) -> OutboxItem:
        """The user's decision on a text whose fate is unknown; ``NothingToDecide`` says why not now."""
        return self.outbox.resolve_unknown(item_id, sent=sent)

    def outbox_items(self, customer_phone_number: str | None = None) -> list[OutboxItem]:
        return self.outbox.items(customer_phone_number)

    def save_draft(self, key: str, text: str) -> None:
        self.store.save_draft(key, text, now=self.clock.now())

    def load_draft(self, key: str) -> str:
        return self.store.load_draft(key)

    def clear_draft(self, key: str) -> None:
        self.store.clear_draft(key)
