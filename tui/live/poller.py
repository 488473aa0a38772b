"""The poller: decides what to fetch and when, inside the rate budget, one cycle at a time.

A cycle reads, in this order:

1. the newest calls across all companies: every call that started since the last complete read minus an
   overlap window (so a late-listed call, a laptop sleep or an outage is caught up page by page), widened
   back to the start of any call still in progress so it is seen ending; de-duplicated by id;
2. calls due a re-read for their recording and transcript (``Followups``), in one list request when
   several are due, else one by one;
3. the newest conversations, less often than calls (texts are rarer, and every request spent on them
   slows the calls): about once a minute, every 20 s for a few minutes after any texting.

The next cycle is armed only when the last one has finished (``run``), after ``next_delay()``: the pace the
budget allows for the requests the cycle made, slower when nothing is happening. ``poll_once`` and
``next_delay`` let a benchmark drive it on a manual clock without waiting in real time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from tui.callrail.budget import Bucket, BudgetSnapshot
from tui.callrail.client import DETAIL_CALL_FIELDS, LIST_CALL_FIELDS, PAGE_MAX
from tui.callrail.clock import Clock
from tui.callrail.errors import (
    AuthError,
    BudgetExhausted,
    CallRailError,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from tui.callrail.models import Call, Conversation
from tui.live.events import BudgetView, CallsChanged, ConversationsChanged, PollState, PollStatus
from tui.live.followups import STALE_LIVE_AFTER, Followups
from tui.live.pacing import poll_interval
from tui.live.store import Store
from tui.live.waiting import sleep_or_wake

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
LOOKBACK = timedelta(hours=24)  # the most a catch-up reads back: "today" in every time zone
MAX_PAGES = 40  # 10,000 calls
CONVERSATIONS_PER_PAGE = 25
CONVERSATION_PAGES = 8
CONVERSATIONS_EVERY = timedelta(seconds=60)
CONVERSATIONS_EVERY_ACTIVE = timedelta(seconds=20)
TEXTING_ACTIVE_FOR = timedelta(minutes=2)
BUSY_FOR = timedelta(minutes=10)  # a new call keeps the fast pace this long
ENRICH_EVERY = timedelta(seconds=60)
RETRY_MIN_S = 5.0
RETRY_MAX_S = 60.0

CALLS_SYNCED = "calls_synced_at"
CONVERSATIONS_SYNCED = "conversations_synced_at"
LAST_SUCCESS = "last_poll_success"


def budget_view(snapshot: BudgetSnapshot) -> BudgetView:
    return BudgetView(
        used_hour=snapshot.used_hour,
        limit_hour=snapshot.limit_hour,
        used_day=snapshot.used_day,
        limit_day=snapshot.limit_day,
        sms_used_hour=snapshot.sms_used_hour,
        sms_limit_hour=snapshot.sms_limit_hour,
        sms_used_day=snapshot.sms_used_day,
        sms_limit_day=snapshot.sms_limit_day,
        backoff_until=snapshot.backoff_until,
    )


class Poller:
    def __init__(
        self,
        *,
        client,
        budget,
        account_id: str,
        clock: Clock,
        store: Store,
        ingest_calls: Callable[[list[Call]], CallsChanged],
        ingest_conversations: Callable[[list[Conversation]], ConversationsChanged],
        on_status: Callable[[PollStatus], None],
    ) -> None:
        self._client = client
        self._budget = budget
        self._account_id = account_id
        self._clock = clock
        self._store = store
        self._ingest_calls = ingest_calls
        self._ingest_conversations = ingest_conversations
        self._on_status = on_status
        self.followups = Followups()
        self._wake = asyncio.Event()
        self._paused = False
        self._forced = False  # refresh_now: one cycle even while paused or after an auth failure
        self._calls_synced: datetime | None = store.get_time(CALLS_SYNCED)
        self._conversations_synced: datetime | None = store.get_time(CONVERSATIONS_SYNCED)
        self._last_success: datetime | None = store.get_time(LAST_SUCCESS)
        self._conversations_read_at: datetime | None = None
        self._enriched_at: datetime | None = None
        self._last_new_call_at: datetime | None = None
        self._texting_until: datetime | None = None
        self._spent = 0
        self._failures = 0
        self._error_delay: float | None = None
        self._state = PollState.STARTING
        self._message = ""
        self.status = self._status()

    # -- control --------------------------------------------------------------------------------------

    def track(self, calls: list[Call]) -> None:
        """Calls that came from elsewhere (the store, a user action): note what they still need."""
        self.followups.track(calls, self._clock.now())

    def texting_happened(self) -> None:
        """A text was sent or arrived: read conversations more often for a while."""
        self._texting_until = self._clock.now() + TEXTING_ACTIVE_FOR

    def refresh_now(self) -> None:
        """Poll now, even while paused; also the way to try again after the key was rejected."""
        self._forced = True
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        if paused:
            self._publish(PollState.PAUSED, "Paused: no polling until resumed (refresh polls once).")
        elif self._state is PollState.PAUSED:
            self._publish(PollState.OK, "Resumed.")
        self._wake.set()

    async def run(self) -> None:
        """Poll until cancelled. The next cycle is armed only after the last one has finished."""
        while True:
            if (self._paused or self._state is PollState.AUTH_FAILED) and not self._forced:
                await sleep_or_wake(self._clock, None, self._wake)
                continue
            self._forced = False
            try:
                await self.poll_once()
            except Exception:
                # a bug must not end live updates for the rest of the day: say so, retry later
                log.exception("poll cycle failed")
                self._fail(
                    PollState.OFFLINE, "Polling failed unexpectedly (details in the log).", RETRY_MAX_S
                )
            if self._paused or self._state is PollState.AUTH_FAILED:
                continue
            delay = self.next_delay()
            self._publish(
                self._state, self._message, next_poll_at=self._clock.now() + timedelta(seconds=delay)
            )
            await sleep_or_wake(self._clock, delay, self._wake)

    def next_delay(self) -> float:
        """Seconds until the next cycle should start."""
        if self._error_delay is not None:
            return self._error_delay
        return poll_interval(
            self._budget.snapshot(),
            spent=self._spent,
            busy=self._busy(),
            budget_wait=self._budget.available_in(Bucket.GENERAL, background=True),
        )

    def _busy(self) -> bool:
        if self.followups.live:
            return True
        last = self._last_new_call_at
        return last is not None and self._clock.now() - last < BUSY_FOR

    # -- one cycle ------------------------------------------------------------------------------------

    async def poll_once(self) -> None:
        """One cycle: calls, due re-reads, conversations when due. Errors become the status, not raised."""
        started = self._clock.now()
        self._spent = 0
        try:
            await self._read_calls(started)
            await self._reread_due(started)
            if self._conversations_due(started):
                await self._read_conversations(started)
        except CallRailError as error:
            self.report_failure(error)
            return
        self._failures = 0
        self._error_delay = None
        self._last_success = started
        self._store.set_time(LAST_SUCCESS, started)
        if self._paused:
            self._publish(PollState.PAUSED, self._message)
        else:
            self._publish(PollState.OK, "")

    def report_failure(self, error: CallRailError, doing: str = "") -> None:
        """Show a failed request as the status (``doing`` says what failed) and pick when to retry."""
        message = f"{doing}: {error.message}" if doing else error.message
        if isinstance(error, AuthError | PermissionDenied):
            self._fail(PollState.AUTH_FAILED, message, None)
        elif isinstance(error, RateLimited):
            wait = max(self._budget.available_in(Bucket.GENERAL, background=True), error.retry_after or 0.0)
            self._fail(PollState.RATE_LIMITED, message, max(wait, RETRY_MIN_S))
        elif isinstance(error, BudgetExhausted):
            self._fail(PollState.RATE_LIMITED, message, max(error.available_in, RETRY_MIN_S))
        else:
            self._failures += 1
            self._fail(PollState.OFFLINE, message, min(RETRY_MAX_S, RETRY_MIN_S * 2 ** (self._failures - 1)))

    def _fail(self, state: PollState, message: str, retry_in: float | None) -> None:
        log.info("poll failed (%s): %s", state.value, message)
        self._error_delay = retry_in
        next_at = self._clock.now() + timedelta(seconds=retry_in) if retry_in is not None else None
        self._publish(state, message, next_poll_at=next_at)

    async def _read_calls(self, started: datetime) -> None:
        synced = min(self._calls_synced or started - LOOKBACK, started)  # a wall clock set back
        since = max(started - LOOKBACK, synced - OVERLAP)
        oldest_live = self.followups.oldest_live_start()
        if oldest_live is not None:
            since = min(since, max(oldest_live, started - STALE_LIVE_AFTER))
        calls = await self._list_calls(since, LIST_CALL_FIELDS)
        self._calls_synced = started
        self._store.set_time(CALLS_SYNCED, started)
        changes = self._apply_calls(calls)
        if changes.new:
            self._last_new_call_at = started

    async def _list_calls(self, since: datetime, fields) -> list[Call]:
        """Every call that started at or after ``since``, newest first, page by page, one of each id."""
        found: dict[str, Call] = {}
        for offset in range(MAX_PAGES):
            self._spent += 1
            try:
                page = await self._client.list_calls(
                    self._account_id,
                    start_date=since,
                    sort="start_time",
                    order="desc",
                    per_page=PAGE_MAX,
                    relative=True,
                    offset=offset or None,
                    fields=fields,
                    background=True,
                )
            except CallRailError:
                # keep what the earlier pages brought; the window is read again next time
                self._apply_calls(list(found.values()))
                raise
            for call in page.items:
                found.setdefault(call.id, call)
            if not page.items or page.has_next_page is False or len(page.items) < PAGE_MAX:
                break
        return list(found.values())

    def _apply_calls(self, calls: list[Call]) -> CallsChanged:
        changes = self._ingest_calls(calls)
        now = self._clock.now()
        self.followups.track([*changes.new, *changes.changed], now)
        return changes

    async def _reread_due(self, now: datetime) -> None:
        if self._enriched_at is not None and now - self._enriched_at < ENRICH_EVERY:
            return
        due = self.followups.due(now)
        if not due:
            return
        self._enriched_at = now
        calls: list[Call] = []
        starts = {call_id: self.followups.start_of(call_id) for call_id in due}
        recent = {call_id: start for call_id, start in starts.items() if now - start < STALE_LIVE_AFTER}
        if len(recent) > 1:
            # one list read instead of one read per call; it also enriches calls not yet due
            calls.extend(await self._list_calls(min(recent.values()), DETAIL_CALL_FIELDS))
            singles = [call_id for call_id in due if call_id not in recent]
        else:
            singles = due
        for call_id in singles:
            self._spent += 1
            try:
                calls.append(
                    await self._client.get_call(
                        self._account_id, call_id, DETAIL_CALL_FIELDS, background=True
                    )
                )
            except NotFound:
                self.followups.forget(call_id)  # marked as spam or deleted
        changed = {call.id for call in self._apply_calls(calls).changed}
        for call_id in due:
            if call_id not in changed:
                self.followups.fetched(call_id, now)

    def _conversations_due(self, now: datetime) -> bool:
        if self._conversations_read_at is None:
            return True
        texting = self._texting_until is not None and now < self._texting_until
        every = CONVERSATIONS_EVERY_ACTIVE if texting else CONVERSATIONS_EVERY
        return now - self._conversations_read_at >= every

    async def _read_conversations(self, started: datetime) -> None:
        since = min(self._conversations_synced or started - LOOKBACK, started) - OVERLAP
        found: dict[str, Conversation] = {}
        for page_number in range(1, CONVERSATION_PAGES + 1):
            self._spent += 1
            try:
                page = await self._client.list_conversations(
                    self._account_id, page=page_number, per_page=CONVERSATIONS_PER_PAGE, background=True
                )
            except CallRailError:
                self._apply_conversations(list(found.values()))
                raise
            for conversation in page.items:
                found.setdefault(conversation.id, conversation)
            oldest = page.items[-1].last_message_at if page.items else None
            if len(page.items) < CONVERSATIONS_PER_PAGE or oldest is None or oldest < since:
                break
        self._apply_conversations(list(found.values()))
        self._conversations_read_at = started
        self._conversations_synced = started
        self._store.set_time(CONVERSATIONS_SYNCED, started)

    def _apply_conversations(self, conversations: list[Conversation]) -> None:
        changes = self._ingest_conversations(conversations)
        # the first read brings everything as new; only later changes are texting
        if self._conversations_read_at is not None and (changes.new or changes.changed):
            self.texting_happened()

    # -- status ---------------------------------------------------------------------------------------

    def _status(self, next_poll_at: datetime | None = None) -> PollStatus:
        return PollStatus(
            state=self._state,
            last_success=self._last_success,
            next_poll_at=next_poll_at,
            message=self._message,
            budget=budget_view(self._budget.snapshot()),
        )

    def _publish(self, state: PollState, message: str, *, next_poll_at: datetime | None = None) -> None:
        self._state = state
        self._message = message
        self.status = self._status(next_poll_at)
        self._on_status(self.status)
