"""Freshness within the rate budget: how soon a call or text is in the app's state, on simulated days.

The real client, budget, store, state and poller run against the in-process simulator on a ManualClock:
the poller is asked for its next delay, the clock jumps by it, the poller polls. Nothing waits in real
time. The account is at CallRail's documented limits and another integration uses ``EXTERNAL_SHARE`` of
them. Two days, each with calls only in business hours:

- a ten-hour day (every company in New York): side by side, on a second simulator with the same seed, a
  fixed-interval poller that spends the same number of requests, and the theoretical best (half of the
  shortest cycle the budget left allows);
- an agency's day, companies from New York to Los Angeles (13 business hours, so the daily cap binds),
  run for 24 hours: each hour's p50 against the best a uniform poller could do with the day's budget, and
  the longest gap between two reads of the calls list.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from benchmarks import open_thread
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
AGENCY_START = DAY_START - timedelta(hours=2)
EXTERNAL_SHARE = 0.2
CALL_VOLUME = 2.0  # several hundred calls and over a hundred texts in the day
TAIL = timedelta(minutes=5)  # keep polling after the day so its last calls are seen
TEXT_KINDS = ("text_in", "text_out")
TEXTS_GOAL_S = 10.0  # issue 10: a text in the app within 10 s (p50), polling alone
# With a thread open, the morning from 09:00 in New York (the open-thread benchmark).
OPEN_THREAD_FROM, OPEN_THREAD_FOR = DAY_START + timedelta(hours=1), timedelta(hours=3)
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
    call_hours: list[datetime] = field(default_factory=list)  # the hour each of ``calls`` started in

    def calls_by_hour(self) -> dict[datetime, list[float]]:
        hours: dict[datetime, list[float]] = defaultdict(list)
        for hour, latency in zip(self.call_hours, self.calls, strict=True):
            hours[hour].append(latency)
        return hours


def latencies(sim: Simulator, seen: Sightings, start: datetime, end: datetime) -> Outcome:
    own_calls, own_conversations = sim.account.calls_by_id, sim.account.conversations
    calls, texts, calls_missed, texts_missed, hours = [], [], 0, 0, []
    for event in sim.events:
        if not start <= event.at < end:
            continue
        if event.kind == "call_started" and event.id in own_calls:
            at = seen.calls.get(event.id)
            if at is None:
                calls_missed += 1
            else:
                calls.append((at - event.at).total_seconds())
                hours.append(event.at.replace(minute=0, second=0, microsecond=0))
        elif event.kind in TEXT_KINDS and event.id in own_conversations:
            at = seen.text_seen_at(event.id, event.at)
            if at is None:
                texts_missed += 1
            else:
                texts.append((at - event.at).total_seconds())
    return Outcome(calls, texts, calls_missed, texts_missed, hours)


def max_in_window(times: list[datetime], seconds: float) -> int:
    """The most of ``times`` (sorted) inside any window of ``seconds``."""
    most, first, span = 0, 0, timedelta(seconds=seconds)
    for last, moment in enumerate(times):
        while moment - times[first] >= span:
            first += 1
        most = max(most, last - first + 1)
    return most


def agency_day() -> SimConfig:
    """The main account's companies, New York to Los Angeles, with calls only while they are open."""
    return SimConfig(seed=7, external_share=EXTERNAL_SHARE, call_volume=CALL_VOLUME, after_hours_volume=0.0)


def ten_hour_day() -> SimConfig:
    """The same companies all in New York: calls from 08:00 to 18:00 there."""
    config = agency_day()
    config.time_zone = "America/New_York"
    return config


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
    max_gap_s: float  # the longest time between two reads of the calls list


def watch(clock: ManualClock, seen: Sightings) -> Callable[[LiveEvent], None]:
    def listener(event: LiveEvent) -> None:
        if isinstance(event, CallsChanged):
            seen.saw_calls(event.new, clock.now())
        elif isinstance(event, ConversationsChanged):
            seen.saw_conversations([*event.new, *event.changed], clock.now())

    return listener


async def run_app_day(config: SimConfig, start: datetime, length: timedelta, data_dir: Path) -> AppDay:
    clock = ManualClock(start)
    sim = Simulator(config, clock=clock)
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
    call_reads = sorted({r.at for r in sim.request_log if not r.external and r.path.endswith("/calls.json")})
    return AppDay(
        sim=sim,
        outcome=latencies(sim, seen, start, start + length),
        requests=len(ours),
        max_hour=max_in_window(ours, 3600),
        max_day=max_in_window(ours, 86400),
        account_max_hour=max_in_window(everyone, 3600),
        self_429s=sum(1 for r in sim.request_log if not r.external and r.status == 429),
        max_gap_s=max((b - a).total_seconds() for a, b in itertools.pairwise(call_reads)),
    )


# -- the fixed-interval baseline ------------------------------------------------------------------------


async def run_fixed_interval_day(
    config: SimConfig, start: datetime, length: timedelta, requests: int
) -> Outcome:
    """List the newest calls and conversations every ``period``, spending ``requests`` in the day."""
    clock = ManualClock(start)
    sim = Simulator(config, clock=clock)
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
    """The ten-hour day (or the part of it from ``start`` for ``length``) against its baselines."""
    limits = SimConfig()
    with scratch_dir("bench-freshness-") as home:
        app = await run_app_day(ten_hour_day(), start, length, Path(home))
    fixed = await run_fixed_interval_day(ten_hour_day(), start, length, app.requests)
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
        Figure(
            "freshness_texts_p50_s",
            percentile(texts, 0.5),
            "s",
            goal=TEXTS_GOAL_S,
            baseline=percentile(fixed.texts, 0.5),
        ),
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


async def measure_agency(start: datetime, length: timedelta) -> list[Figure]:
    """The agency's day from ``start`` for ``length``: every hour with calls against a uniform poller."""
    limits = SimConfig()
    with scratch_dir("bench-freshness-agency-") as home:
        app = await run_app_day(agency_day(), start, length, Path(home))
    uniform = best_p50_s(timedelta(hours=24))  # the day's budget spread evenly over it
    by_hour = app.outcome.calls_by_hour()
    worst = max((percentile(latencies, 0.5) for latencies in by_hour.values()), default=float("nan"))
    return [
        Figure("freshness_agency_calls", len(app.outcome.calls), "calls"),
        Figure("freshness_agency_hours", len(by_hour), "h"),
        Figure("freshness_agency_worst_hour_p50_s", worst, "s", baseline=uniform),
        Figure("freshness_agency_p50_ratio", worst / uniform, "x", goal=1.2),
        Figure("freshness_agency_p50_s", percentile(app.outcome.calls, 0.5), "s", baseline=uniform),
        Figure("freshness_agency_calls_missed", app.outcome.calls_missed, "calls", goal=0),
        Figure("freshness_24h_max_gap_s", app.max_gap_s, "s", goal=300),
        Figure(
            "freshness_agency_max_hour", app.max_hour, "req", goal=limits.hourly_limit * (1 - EXTERNAL_SHARE)
        ),
        Figure(
            "freshness_agency_max_day", app.max_day, "req", goal=limits.daily_limit * (1 - EXTERNAL_SHARE)
        ),
        Figure("freshness_agency_429s", app.self_429s, "", goal=0),
    ]


# Figures from the texts of the day: a quick run has a few dozen of them.
FEW_TEXTS = ("freshness_texts_p50_s", "texts_open_thread_p50_s")
# The quick run's ratios come from about 90 calls: they have differed from the full day's by 0.14.
INDICATIVE = "indicative only (--quick)"


def indicative(figure: Figure) -> Figure:
    """A short run's ratio (or a p50 of a few dozen texts): printed without its goal, marked as indicative
    only."""
    if not figure.key.endswith("_ratio") and figure.key not in FEW_TEXTS:
        return figure
    return replace(figure, goal=None, note=INDICATIVE)


def run(*, quick: bool = False) -> list[Figure]:
    best = best_p50_s(timedelta(hours=10))
    if quick:  # the morning peak only
        morning = asyncio.run(measure(DAY_START + timedelta(hours=2), timedelta(hours=1, minutes=30)))
        thread = asyncio.run(open_thread.measure(ten_hour_day, OPEN_THREAD_FROM, timedelta(hours=1), best))
        return [indicative(figure) for figure in (*morning, *thread)]
    return [
        *asyncio.run(measure(DAY_START, timedelta(hours=10))),
        *asyncio.run(open_thread.measure(ten_hour_day, OPEN_THREAD_FROM, OPEN_THREAD_FOR, best)),
        *asyncio.run(measure_agency(AGENCY_START, timedelta(hours=24))),
    ]
