"""Freshness within the rate budget: how soon a call or text is in the app's state, on a simulated day.

The real client, budget, store, state and poller run against the in-process simulator on a ManualClock:
the poller is asked for its next delay, the clock jumps by it, the poller polls. Nothing waits in real
time. The account is at CallRail's documented limits and another integration uses ``EXTERNAL_SHARE`` of
them. Side by side, on a second simulator with the same seed: a fixed-interval poller that spends the
same number of requests, and the theoretical best (half of the shortest cycle the budget left allows).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from benchmarks.figures import Figure, percentile
from benchmarks.scratch import scratch_dir
from tui.callrail.client import LIST_CALL_FIELDS, PAGE_MAX, CallRailClient
from tui.callrail.models import Call, Conversation
from tui.live.events import CallsChanged, ConversationsChanged, LiveEvent
from tui.live.poller import CONVERSATIONS_PER_PAGE, OVERLAP
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import SIM_URL, session_on_simulator

# A Tuesday, 08:00 in New York (07:00 Chicago, 05:00 Los Angeles): the companies' day with its two peaks.
DAY_START = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
EXTERNAL_SHARE = 0.2
CALL_VOLUME = 2.0  # several hundred calls and over a hundred texts in the day
TAIL = timedelta(minutes=5)  # keep polling after the day so its last calls are seen
TEXT_KINDS = ("text_in", "text_out")
_CLOCK_ROUNDING = timedelta(milliseconds=1)  # the API gives times to the millisecond


@dataclass
class Sightings:
    """When the watcher first had each call, and every (conversation, last message, seen at) it had."""

    calls: dict[str, datetime] = field(default_factory=dict)
    conversations: dict[str, list[tuple[datetime, datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def saw_calls(self, calls: list[Call], now: datetime) -> None:
        for call in calls:
            self.calls.setdefault(call.id, now)

    def saw_conversations(self, conversations: list[Conversation], now: datetime) -> None:
        for conversation in conversations:
            if conversation.last_message_at is not None:
                self.conversations[conversation.id].append((conversation.last_message_at, now))

    def text_seen_at(self, conversation_id: str, sent_at: datetime) -> datetime | None:
        for last_message_at, seen_at in self.conversations.get(conversation_id, ()):
            if last_message_at >= sent_at - _CLOCK_ROUNDING and seen_at >= sent_at:
                return seen_at
        return None


@dataclass
class Outcome:
    """Latencies (seconds) of the day's calls and texts, and what was never seen."""

    calls: list[float]
    texts: list[float]
    calls_missed: int
    texts_missed: int


def latencies(sim: Simulator, seen: Sightings, start: datetime, end: datetime) -> Outcome:
    own_calls, own_conversations = sim.account.calls_by_id, sim.account.conversations
    calls, texts, calls_missed, texts_missed = [], [], 0, 0
    for event in sim.events:
        if not start <= event.at < end:
            continue
        if event.kind == "call_started" and event.id in own_calls:
            at = seen.calls.get(event.id)
            if at is None:
                calls_missed += 1
            else:
                calls.append((at - event.at).total_seconds())
        elif event.kind in TEXT_KINDS and event.id in own_conversations:
            at = seen.text_seen_at(event.id, event.at)
            if at is None:
                texts_missed += 1
            else:
                texts.append((at - event.at).total_seconds())
    return Outcome(calls, texts, calls_missed, texts_missed)


def max_in_window(times: list[datetime], seconds: float) -> int:
    """The most of ``times`` (sorted) inside any window of ``seconds``."""
    most, first, span = 0, 0, timedelta(seconds=seconds)
    for last, moment in enumerate(times):
        while moment - times[first] >= span:
            first += 1
        most = max(most, last - first + 1)
    return most


def new_simulator(clock: ManualClock) -> Simulator:
    config = SimConfig(seed=7, external_share=EXTERNAL_SHARE, call_volume=CALL_VOLUME)
    return Simulator(config, clock=clock)


# -- the app --------------------------------------------------------------------------------------------


@dataclass
class AppDay:
    sim: Simulator
    outcome: Outcome
    requests: int
    max_hour: int
    max_day: int
    account_max_hour: int
    self_429s: int


def watch(clock: ManualClock, seen: Sightings) -> Callable[[LiveEvent], None]:
    def listener(event: LiveEvent) -> None:
        if isinstance(event, CallsChanged):
            seen.saw_calls(event.new, clock.now())
        elif isinstance(event, ConversationsChanged):
            seen.saw_conversations([*event.new, *event.changed], clock.now())

    return listener


async def run_app_day(start: datetime, length: timedelta, data_dir: Path) -> AppDay:
    clock = ManualClock(start)
    sim = new_simulator(clock)
    session = session_on_simulator(sim, data_dir=data_dir)
    seen = Sightings()
    session.subscribe(watch(clock, seen))
    await session.start()
    poller = session.poller
    stop = start + length + TAIL
    try:
        while clock.now() < stop:
            await session.poll_once()
            clock.advance(poller.next_delay())
    finally:
        await session.stop()
    ours = sorted(record.at for record in sim.request_log if not record.external)
    everyone = sorted(record.at for record in sim.request_log)
    return AppDay(
        sim=sim,
        outcome=latencies(sim, seen, start, start + length),
        requests=len(ours),
        max_hour=max_in_window(ours, 3600),
        max_day=max_in_window(ours, 86400),
        account_max_hour=max_in_window(everyone, 3600),
        self_429s=sum(1 for r in sim.request_log if not r.external and r.status == 429),
    )


# -- the fixed-interval baseline ------------------------------------------------------------------------


async def run_fixed_interval_day(start: datetime, length: timedelta, requests: int) -> Outcome:
    """List the newest calls and conversations every ``period``, spending ``requests`` in the day."""
    clock = ManualClock(start)
    sim = new_simulator(clock)
    client = CallRailClient(
        sim.api_key, base_url=SIM_URL, transport=httpx.ASGITransport(app=sim.app), clock=clock
    )
    seen = Sightings()
    stop = start + length + TAIL
    period = (stop - start).total_seconds() / max(1, requests // 2)
    synced = start - timedelta(hours=24)
    try:
        while clock.now() < stop:
            now = clock.now()
            calls = await client.list_calls(
                sim.account_id,
                start_date=synced - OVERLAP,
                sort="start_time",
                order="desc",
                per_page=PAGE_MAX,
                relative=True,
                fields=LIST_CALL_FIELDS,
            )
            synced = now
            seen.saw_calls(calls.items, now)
            conversations = await client.list_conversations(sim.account_id, per_page=CONVERSATIONS_PER_PAGE)
            seen.saw_conversations(conversations.items, now)
            clock.advance(period)
    finally:
        await client.aclose()
    return latencies(sim, seen, start, start + length)


# -- figures --------------------------------------------------------------------------------------------


def best_p50_s(length: timedelta) -> float:
    """Half the shortest polling cycle the budget left by the other integration allows (one request a
    cycle): the hourly limit, or the daily limit spread over the day, whichever is tighter."""
    config = SimConfig()
    hours = length.total_seconds() / 3600
    per_hour = (1 - EXTERNAL_SHARE) * min(config.hourly_limit, config.daily_limit / max(1.0, hours))
    return 3600 / per_hour / 2


async def measure(start: datetime, length: timedelta) -> list[Figure]:
    limits = SimConfig()
    with scratch_dir("bench-freshness-") as home:
        app = await run_app_day(start, length, Path(home))
    fixed = await run_fixed_interval_day(start, length, app.requests)
    best = best_p50_s(length)
    calls, texts = app.outcome.calls, app.outcome.texts
    calls_p50, calls_p99 = percentile(calls, 0.5), percentile(calls, 0.99)
    fixed_p50, fixed_p99 = percentile(fixed.calls, 0.5), percentile(fixed.calls, 0.99)
    hour_cap = limits.hourly_limit * (1 - EXTERNAL_SHARE)
    day_cap = limits.daily_limit * (1 - EXTERNAL_SHARE)
    return [
        Figure("freshness_calls", len(calls), "calls"),
        Figure("freshness_texts", len(texts), "texts"),
        Figure("freshness_calls_p50_s", calls_p50, "s", baseline=fixed_p50),
        Figure("freshness_calls_best_p50_s", best, "s"),
        Figure("freshness_calls_p50_ratio", calls_p50 / best, "x", goal=1.2),
        Figure("freshness_calls_p99_s", calls_p99, "s", baseline=fixed_p99),
        Figure("freshness_calls_p99_ratio", calls_p99 / best, "x", goal=2.5),
        Figure("freshness_calls_missed", app.outcome.calls_missed, "calls", goal=0),
        Figure("freshness_texts_p50_s", percentile(texts, 0.5), "s", baseline=percentile(fixed.texts, 0.5)),
        Figure("freshness_texts_p99_s", percentile(texts, 0.99), "s", baseline=percentile(fixed.texts, 0.99)),
        Figure("freshness_texts_missed", app.outcome.texts_missed, "texts", goal=0),
        Figure("freshness_requests", app.requests, "req"),
        Figure("budget_max_hour", app.max_hour, "req", goal=hour_cap),
        Figure("budget_max_day", app.max_day, "req", goal=day_cap),
        Figure("budget_account_max_hour", app.account_max_hour, "req", goal=limits.hourly_limit),
        Figure("self_429s", app.self_429s, "", goal=0),
        Figure("baseline_calls_p50_s", fixed_p50, "s"),
        Figure("baseline_calls_p99_s", fixed_p99, "s"),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    if quick:  # the morning peak only
        return asyncio.run(measure(DAY_START + timedelta(hours=2), timedelta(hours=1, minutes=30)))
    return asyncio.run(measure(DAY_START, timedelta(hours=10)))
