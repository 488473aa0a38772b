"""The poller: decides what to fetch and when, inside the rate budget, one cycle at a time.

Every cycle reads the newest calls across all companies: every call that started since the last complete
read minus an overlap window (so a late-listed call, a laptop sleep or an outage is caught up page by page),
widened back to the start of the oldest call still *watched* (in progress, or ended and waiting for its
recording and post-call data, see ``Followups``), so that this one request also shows calls ending and
their recording, summary and sentiment arriving; de-duplicated by id.

Then the conversation the user has open, if any (``open_thread``: so a reply shows within a cycle), and at
most ``EXTRAS_PER_CYCLE`` other request, each only when the budget has room for it at once (so it never
makes the next call poll wait): a detail read for a call the user opened before its transcript
existed, the newest conversations when due (``conversations_pace``, and never more than
``CONVERSATIONS_SHARE`` of the pace on average), today's form submissions every five minutes
(``form_poll``), or a re-read of a watched call the calls list does not reach.

Cycles start at an even pace (``pacing.call_interval``), start to start: the rate the day's plan gives the
hour (``pacing.hourly_plan``, by when calls are expected: ``profile``, learned from the store's calls and the
companies' business hours) less what the other reads averaged lately, so an expensive cycle never stretches
the gap to the next call poll; and no faster than the requests in the rolling hour leave it, so the hour never
fills to the cap and no budget wait ever holds up a call poll (the poller keeps its own requests of the last
hour for that). The next cycle is armed only when the last one has finished (``batches``). ``cycle`` and
``next_delay`` let a benchmark drive it on a manual clock without waiting in real time.

The poller is a ``Source``: it yields what it read as batches and never calls back into the session. The
session merges each batch (and updates the ``Followups`` it shares with the poller as the watchlist)
before the poller goes on, so the next step of a cycle sees what the last one brought.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from functools import partial

from tui.callrail.budget import Bucket
from tui.callrail.client import DETAIL_CALL_FIELDS, LIST_CALL_FIELDS, PAGE_MAX
from tui.callrail.clock import Clock
from tui.callrail.errors import BudgetExhausted, CallRailError, NotFound, RateLimited
from tui.callrail.models import Call
from tui.live.account_meta import AccountMeta
from tui.live.conversations_pace import TEXTING_ACTIVE_FOR, ConversationsPace
from tui.live.events import CatchUp, PollState, PollStatus
from tui.live.failures import failure_state
from tui.live.first_rows import LOOKBACK
from tui.live.followups import STALE_LIVE_AFTER, Followups
from tui.live.form_poll import FormReads
from tui.live.open_thread import OpenThread
from tui.live.pacing import HOUR, call_interval, planned_rate, slowdown, sustainable_rate
from tui.live.profile import FLAT, ArrivalProfile, from_store
from tui.live.sources import Batch
from tui.live.store import Store
from tui.live.waiting import sleep_or_wake

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
MAX_PAGES = 40  # 10,000 calls
# Widening the calls list for watched calls stops where one page would no longer hold the window.
WINDOW_CALLS_MAX = 200
CONVERSATIONS_PER_PAGE = 25
CONVERSATION_PAGES = 8
EXTRAS_PER_CYCLE = 1
# The recurring other reads are averaged over this long (less just after the start) to take them off the
# pace of the calls list.
EXTRAS_WINDOW = timedelta(minutes=30)
EXTRAS_WINDOW_MIN = timedelta(minutes=10)
# What the poller's requests were, for its own count of the rolling hour.
CALL_POLL, CONVERSATIONS, EXTRA, PAGE = "call_poll", "conversations", "extra", "page"
# Conversation reads may average this share of the poller's pace; reading them more often than that for a
# while (texting back and forth) stretches their gaps until the average is back.
CONVERSATIONS_SHARE = 0.07
ENRICH_EVERY = timedelta(seconds=60)
RETRY_MIN_S = 5.0
# When calls are expected (``profile``) is learned again from the store this often.
PROFILE_EVERY = timedelta(hours=1)
RETRY_MAX_S = 60.0

CALLS_SYNCED = "calls_synced_at"
CONVERSATIONS_SYNCED = "conversations_synced_at"
LAST_SUCCESS = "last_poll_success"


class Poller:
    def __init__(
        self,
        *,
        client,
        budget,
        account_id: str,
        clock: Clock,
        store: Store,
        watchlist: Followups,
        thread: OpenThread | None = None,
        marks: AccountMeta | None = None,
    ) -> None:
        self._client = client
        self._budget = budget
        self._account_id = account_id
        self._clock = clock
        self._store = store
        self._marks = marks or AccountMeta(store)
        self.followups = watchlist
        self.thread = thread or OpenThread()  # the conversation the user has open: read every cycle
        self._wake = asyncio.Event()
        self._paused = False
        self._forced = False  # refresh_now: one cycle even while paused or after an auth failure
        self._calls_synced: datetime | None = self._marks.get_time(CALLS_SYNCED)
        self._conversations_synced: datetime | None = self._marks.get_time(CONVERSATIONS_SYNCED)
        self._last_success: datetime | None = self._marks.get_time(LAST_SUCCESS)
        self.conversations_pace = ConversationsPace()
        self._enriched_at: datetime | None = None
        self._last_new_call_at: datetime | None = None
        self._newest_start: datetime | None = None
        self._reconcile: tuple[float, float] | None = None  # (calls, conversations) every s, while pushed
        self._cycle_started: datetime | None = None
        self._started_at: datetime | None = None
        # the poller's own requests in the last hour: (when, what) with what in CALL_POLL, EXTRA, PAGE
        self._sent: deque[tuple[datetime, str]] = deque()
        self._listed_starts: list[datetime] = []  # starts in the last calls list read, newest first
        self._time_zones: tuple[str | None, ...] = ()
        self._profile: ArrivalProfile = FLAT
        self._profile_at: datetime | None = None
        self._failures = 0
        self._error_delay: float | None = None
        note_sent = partial(self._note_sent, EXTRA)
        self._forms = FormReads(
            client, account_id, self._marks, budget=budget, profile=self.profile, note_sent=note_sent
        )
        self._state = PollState.STARTING
        self._message = ""
        self.status = PollStatus(
            PollState.STARTING, self._last_success, budget=budget.snapshot(), account_id=account_id
        )

    # -- control --------------------------------------------------------------------------------------

    def texting_happened(self) -> None:
        """A text was sent or arrived: read conversations more often for a while."""
        self.conversations_pace.texting_happened(self._clock.now() + TEXTING_ACTIVE_FOR)

    def set_time_zones(self, time_zones: list[str | None]) -> None:
        """The companies' time zones: their business hours are when calls are expected, until the store
        has a history of when they came."""
        self._time_zones = tuple(time_zones)
        self._profile_at = None

    def profile(self, now: datetime) -> ArrivalProfile:
        """When calls are expected, learned again from the store every ``PROFILE_EVERY``."""
        if self._profile_at is None or now - self._profile_at >= PROFILE_EVERY:
            self._profile = from_store(self._store, self._time_zones, now)
            self._profile_at = now
        return self._profile

    def set_reconcile(self, every: tuple[float, float] | None) -> None:
        """While push carries the data: read calls and conversations at most every ``every`` seconds
        (to catch what it missed); ``None``: the full pace again, from now."""
        self._reconcile = every
        if every is None:
            self._wake.set()

    def refresh_now(self) -> None:
        """Poll now, even while paused; also the way to try again after the key was rejected."""
        self._forced = True
        self._wake.set()

    def set_paused(self, paused: bool) -> PollStatus:
        """Pause or resume; the status that follows."""
        self._paused = paused
        if paused:
            self._publish(PollState.PAUSED, "refresh polls once")
        elif self._state is PollState.PAUSED:
            self._publish(PollState.OK, "Resumed.")
        self._wake.set()
        return self.status

    async def batches(self) -> AsyncIterator[Batch]:
        """Poll until cancelled. The next cycle is armed only after the last one has finished."""
        while True:
            if (self._paused or self._state is PollState.AUTH_FAILED) and not self._forced:
                await sleep_or_wake(self._clock, None, self._wake)
                continue
            self._forced = False
            try:
                async for batch in self.cycle():
                    yield batch
            except Exception:
                # a bug must not end live updates for the rest of the day: say so, retry later
                log.exception("poll cycle failed")
                yield Batch(
                    status=self._fail(
                        PollState.OFFLINE, "Polling failed unexpectedly (see the log).", RETRY_MAX_S
                    )
                )
            if self._paused or self._state is PollState.AUTH_FAILED:
                continue
            delay = self.next_delay()
            yield Batch(
                status=self._publish(
                    self._state, self._message, next_poll_at=self._clock.now() + timedelta(seconds=delay)
                )
            )
            await sleep_or_wake(self._clock, delay, self._wake)

    def next_delay(self) -> float:
        """Seconds until the next cycle should start: an even pace from the start of the last one."""
        if self._error_delay is not None:
            return self._error_delay
        now = self._clock.now()
        self._forget_sent(now)
        snapshot = self._budget.snapshot()
        interval = call_interval(
            snapshot,
            planned=planned_rate(snapshot, self.profile(now), now),
            others_rate=self._rate(now, (CONVERSATIONS, EXTRA)),
            leaving=[(at - now).total_seconds() + 3600 for at, _ in self._sent],
        )
        if self._reconcile is not None:
            interval = max(interval, self._reconcile[0])
        started = self._cycle_started or now
        delay = max(0.0, interval - (now - started).total_seconds())
        # the plan changes on the hour: a quiet hour's long gap does not run on into a busy one
        delay = min(delay, HOUR - now.timestamp() % HOUR)
        # a wait the budget would impose anyway is waited here, where the status can show it
        return max(delay, self._budget.available_in(Bucket.GENERAL, background=True))

    def _note_sent(self, what: str) -> None:
        self._sent.append((self._clock.now(), what))

    def _forget_sent(self, now: datetime) -> None:
        hour_ago = now - timedelta(hours=1)
        # as the budget counts: a request exactly an hour old is still in the hour (it leaves now)
        while self._sent and self._sent[0][0] < hour_ago:
            self._sent.popleft()

    def _rate(self, now: datetime, kinds: tuple[str, ...]) -> float:
        """Requests per second of these kinds lately (catch-up pages are one-offs, not counted)."""
        window = max(EXTRAS_WINDOW_MIN, min(EXTRAS_WINDOW, now - (self._started_at or now)))
        since = now - window
        count = 0
        for at, what in reversed(self._sent):
            if at <= since:
                break
            count += what in kinds
        return count / window.total_seconds()

    def _idle_s(self, now: datetime) -> float:
        """Seconds since anything happened on the calls side (a new call; a call in progress)."""
        if self.followups.live:
            return 0.0
        last = self._last_new_call_at
        return 0.0 if last is None else max(0.0, (now - last).total_seconds())

    # -- one cycle ------------------------------------------------------------------------------------

    async def cycle(self) -> AsyncIterator[Batch]:
        """One cycle: calls, then one other read when due; a batch after each read, and the status last.
        Errors end the cycle with what was read so far and the failure as the status, never raised."""
        started = self._clock.now()
        self._cycle_started = started
        if self._started_at is None:
            self._started_at = started
        batch = Batch()
        try:
            async for _ in self._read_calls(started, batch):
                yield batch
            async for batch in self._read_open_thread():
                yield batch
            allowed = EXTRAS_PER_CYCLE
            for step in (
                self._read_detail,
                self._maybe_read_conversations,
                self._forms.read,
                self._reread_due,
            ):
                if allowed <= 0 or not self._room_now():
                    break
                batch = Batch()
                async for _ in step(started, batch):
                    allowed -= 1
                    yield batch
        except CallRailError as error:
            batch.status = self.report_failure(error)
            yield batch
            return
        self._failures = 0
        self._error_delay = None
        self._last_success = started
        self._marks.set_time(LAST_SUCCESS, started)
        state, message = (PollState.PAUSED, self._message) if self._paused else (PollState.OK, "")
        yield Batch(status=self._publish(state, message))

    def report_failure(self, error: CallRailError, doing: str = "") -> PollStatus:
        """A failed request as the status (``doing`` says what failed), with when to retry."""
        message = f"{doing}: {error.message}" if doing else error.message
        state = failure_state(error)
        if state is PollState.AUTH_FAILED:
            return self._fail(state, message, None)
        if isinstance(error, RateLimited):
            wait = max(self._budget.available_in(Bucket.GENERAL, background=True), error.retry_after or 0.0)
            return self._fail(state, message, max(wait, RETRY_MIN_S))
        if isinstance(error, BudgetExhausted):
            return self._fail(state, message, max(error.available_in, RETRY_MIN_S))
        self._failures += 1
        retry_in = min(RETRY_MAX_S, RETRY_MIN_S * 2 ** (self._failures - 1))
        return self._fail(PollState.OFFLINE, message, retry_in)

    def _fail(self, state: PollState, message: str, retry_in: float | None) -> PollStatus:
        log.info("poll failed (%s): %s", state.value, message)
        self._error_delay = retry_in
        next_at = self._clock.now() + timedelta(seconds=retry_in) if retry_in is not None else None
        return self._publish(state, message, next_poll_at=next_at)

    # Each read below fills the batch it is given and yields once it is ready to hand over; what follows
    # the yield runs after the session merged the batch (and updated the watchlist from it).

    async def _read_calls(self, started: datetime, batch: Batch) -> AsyncIterator[None]:
        synced = min(self._calls_synced or started - LOOKBACK, started)  # a wall clock set back
        since = max(started - LOOKBACK, synced - OVERLAP)
        watched = self.followups.window_start(started, not_before=started - STALE_LIVE_AFTER)
        if watched is not None and watched < since:
            # reach back to the oldest watched call, as far as one page holds; calls beyond that are
            # re-read on their own (``_reread_due``)
            if len(self._listed_starts) >= WINDOW_CALLS_MAX:
                watched = max(watched, self._listed_starts[WINDOW_CALLS_MAX - 1])
            since = min(since, watched)
        listed: list[Call] = []
        async for calls, pages, more in self._calls_pages(since, LIST_CALL_FIELDS, call_poll=True):
            listed += calls
            batch.calls += calls
            if more:  # a long catch-up shows page by page, saying how far back it has read
                reached = min((call.start_time for call in calls if call.start_time), default=since)
                batch.status = self._publish(
                    self._state, self._message, catch_up=CatchUp(pages, reached, since)
                )
                yield
                batch.calls, batch.status = [], None
        self._calls_synced = started
        self._marks.set_time(CALLS_SYNCED, started)
        self._listed_starts = sorted((c.start_time for c in listed if c.start_time), reverse=True)
        newest = self._listed_starts[0] if self._listed_starts else None
        if newest is not None and (self._newest_start is None or newest > self._newest_start):
            self._newest_start = newest
            self._last_new_call_at = started
        yield
        self.followups.covered(since, started)

    async def _calls_pages(
        self, since: datetime, fields, *, call_poll: bool = False
    ) -> AsyncIterator[tuple[list[Call], int, bool]]:
        """Every call that started at or after ``since``, newest first, one of each id: each page's new
        calls, how many pages are read, and whether more follow (on an error what was handed over stays;
        the window is read again next time)."""
        found: set[str] = set()
        for offset in range(MAX_PAGES):
            self._note_sent(CALL_POLL if call_poll and offset == 0 else PAGE if offset else EXTRA)
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
            calls = [call for call in page.items if call.id not in found]
            found.update(call.id for call in calls)
            last = not page.items or page.has_next_page is False or len(page.items) < PAGE_MAX
            yield calls, offset + 1, not last and offset + 1 < MAX_PAGES
            if last:
                break

    # -- everything else, one request at a time ----------------------------------------------------

    def _room_now(self) -> bool:
        """A background request can go at once (a budget wait would delay the next call poll)."""
        return self._budget.available_in(Bucket.GENERAL, background=True) <= 0

    async def _read_open_thread(self) -> AsyncIterator[Batch]:
        """The open conversation, first and besides the other read (unless push brings its replies)."""
        conversation_id = self.thread.due(pushed=self._reconcile is not None)
        if conversation_id is None or not self._room_now():
            return
        self._note_sent(EXTRA)
        try:
            conversation = await self._client.get_conversation(
                self._account_id, conversation_id, background=True
            )
        except NotFound:
            self.thread.close(conversation_id)
            return
        yield Batch(conversations=[conversation])

    async def _read_detail(self, now: datetime, batch: Batch) -> AsyncIterator[None]:
        for call_id in self.followups.details():
            self.followups.detail_fetched(call_id)
            self._note_sent(EXTRA)
            try:
                call = await self._client.get_call(
                    self._account_id, call_id, DETAIL_CALL_FIELDS, background=True
                )
            except NotFound:
                batch.gone_calls.append(call_id)
            else:
                batch.calls.append(call)
            yield
            return

    async def _reread_due(self, now: datetime, batch: Batch) -> AsyncIterator[None]:
        """Watched calls the calls list does not reach: one list read for several, else one by one."""
        if self._enriched_at is not None and now - self._enriched_at < ENRICH_EVERY:
            return
        due = self.followups.due(now)
        if not due:
            return
        self._enriched_at = now
        starts = {call_id: self.followups.start_of(call_id) for call_id in due}
        recent = {call_id: start for call_id, start in starts.items() if now - start < STALE_LIVE_AFTER}
        since = min(recent.values()) if len(recent) > 1 else None
        if since is not None:
            async for calls, _, _ in self._calls_pages(since, LIST_CALL_FIELDS):
                batch.calls += calls
        for call_id in due:
            if since is not None and call_id in recent:
                continue
            self._note_sent(EXTRA)
            try:
                batch.calls.append(
                    await self._client.get_call(self._account_id, call_id, LIST_CALL_FIELDS, background=True)
                )
            except NotFound:
                batch.gone_calls.append(call_id)  # marked as spam or deleted
        yield
        if since is not None:
            self.followups.covered(since, now)
        for call_id in due:
            # a call the batch changed is watched anew from it; the others wait for their next gap
            self.followups.fetched(call_id, now)

    def _conversations_every(self, now: datetime) -> timedelta:
        snapshot = self._budget.snapshot()
        planned = planned_rate(snapshot, self.profile(now), now)
        share = CONVERSATIONS_SHARE * sustainable_rate(snapshot, planned)
        over = self._rate(now, (CONVERSATIONS,)) / share if share > 0 else 1.0
        reconcile_s = self._reconcile[1] if self._reconcile is not None else None
        stretch = max(slowdown(snapshot, planned), over)
        return self.conversations_pace.every(
            now, idle_s=self._idle_s(now), reconcile_s=reconcile_s, stretch=stretch
        )

    async def _maybe_read_conversations(self, started: datetime, batch: Batch) -> AsyncIterator[None]:
        if not self.conversations_pace.due(started, self._conversations_every(started)):
            return
        since = min(self._conversations_synced or started - LOOKBACK, started) - OVERLAP
        found: set[str] = set()
        for page_number in range(1, CONVERSATION_PAGES + 1):
            self._note_sent(CONVERSATIONS if page_number == 1 else PAGE)
            page = await self._client.list_conversations(
                self._account_id, page=page_number, per_page=CONVERSATIONS_PER_PAGE, background=True
            )
            for conversation in page.items:
                if conversation.id not in found:
                    found.add(conversation.id)
                    batch.conversations.append(conversation)
            oldest = page.items[-1].last_message_at if page.items else None
            if len(page.items) < CONVERSATIONS_PER_PAGE or oldest is None or oldest < since:
                break
        self._conversations_synced = started
        self._marks.set_time(CONVERSATIONS_SYNCED, started)
        self.conversations_pace.read(started, batch.conversations, self._clock.now())
        yield

    # -- status ---------------------------------------------------------------------------------------

    def _publish(
        self,
        state: PollState,
        message: str,
        *,
        next_poll_at: datetime | None = None,
        catch_up: CatchUp | None = None,
    ) -> PollStatus:
        self._state = state
        self._message = message
        budget = self._budget.snapshot()
        self.status = PollStatus(
            state, self._last_success, next_poll_at, message, budget, catch_up, account_id=self._account_id
        )
        return self.status
