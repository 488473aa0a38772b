"""Push against polling: the simulator delivers its webhooks to the app's receiver while the poller runs
as the backstop.

- Simulated days (a ManualClock; nothing waits in real time): the ten-hour day of the freshness benchmark
  with webhooks, against the same day polled only (the requests ratio), and again with 5% of deliveries
  dropped (what is missed, and how late what a dropped delivery carried is seen).
- Real time over loopback TCP: the receiver served by uvicorn, the session running; the simulated day
  moves on in small steps and each step's deliveries are timed from the moment the simulator lets them
  go to the moment the app's state has what they carry.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from benchmarks.figures import Figure, percentile
from benchmarks.freshness import (
    DAY_START,
    TAIL,
    Outcome,
    Sightings,
    latencies,
    run_app_day,
    ten_hour_day,
    watch,
)
from benchmarks.scratch import scratch_dir
from benchmarks.webhooks import free_port
from tui.live.backstop import RECONCILE_CALLS_S
from tui.live.events import CallsChanged, ConversationsChanged, LiveEvent
from tui.live.webhooks.serve import intake_for_session, receiver_running
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.sim.webhooks.faults import WebhookFaults
from tui.wiring import session_on_simulator

STEP_S = 2.0  # how far the simulated day moves between two rounds of deliveries
BASE = "http://receiver.bench"
DROP_RATE = 0.05
DROPPED_GOAL_S = RECONCILE_CALLS_S + 10  # the backstop's pace, plus a little
ROUNDING = timedelta(milliseconds=1)  # the API gives times to the millisecond
FIRST_EVENTS = {"pre_call_webhook": "call", "sms_received_webhook": "text", "sms_sent_webhook": "text"}


class _Forward:
    """An ASGI app handing requests to ``target`` (the receiver, which exists only after the simulator)."""

    target = None

    async def __call__(self, scope, receive, send) -> None:
        await self.target(scope, receive, send)


@dataclass
class PushDay:
    outcome: Outcome
    requests: int
    dropped_latencies: list[float]  # seconds to see what a dropped first delivery carried


async def _drained(intake) -> None:
    """Wait until the session has merged every delivery the receiver kept."""
    while intake.inbox.pending(1):
        await asyncio.sleep(0)


async def run_push_day(config: SimConfig, start: datetime, length: timedelta, data_dir: Path) -> PushDay:
    clock = ManualClock(start)
    forward = _Forward()
    sim = Simulator(config, clock=clock, webhook_transport=httpx.ASGITransport(app=forward))
    session = session_on_simulator(sim, data_dir=data_dir)
    intake = intake_for_session(session, data_dir, public_url=BASE)
    forward.target = intake.receiver.app
    seen = Sightings()
    session.subscribe(watch(clock, seen))
    await session.start()
    assert session.webhooks is not None
    await session.webhooks.enable(list(session.companies))
    taking = asyncio.create_task(session._take_in(intake.source))  # as ``run`` takes in a source
    stop = start + length + TAIL
    next_poll = clock.now()
    try:
        while clock.now() < stop:
            if clock.now() >= next_poll:
                await session.poll_once()
                next_poll = clock.now() + timedelta(seconds=session.poller.next_delay())
            clock.advance(min(STEP_S, (next_poll - clock.now()).total_seconds()))
            await sim.webhooks.deliver_due()
            await _drained(intake)
    finally:
        taking.cancel()
        await sim.webhooks.stop()
        await session.stop()
        intake.close()
    outcome = latencies(sim, seen, start, start + length)
    return PushDay(outcome, _our_requests(sim), _dropped_latencies(sim, seen, start, start + length))


def _our_requests(sim: Simulator) -> int:
    return sum(1 for record in sim.request_log if not record.external)


def _dropped_latencies(sim: Simulator, seen: Sightings, start: datetime, end: datetime) -> list[float]:
    """For each call or text whose first delivery was dropped: how long until the app had it anyway."""
    dropped = {
        (FIRST_EVENTS[record.event], record.resource_id)
        for record in sim.webhooks.log
        if record.outcome == "dropped" and record.event in FIRST_EVENTS
    }
    out: list[float] = []
    for event in sim.events:
        if not start <= event.at < end:
            continue
        if event.kind == "call_started" and ("call", event.id) in dropped and event.id in seen.calls:
            out.append((seen.calls[event.id] - event.at).total_seconds())
        elif event.kind in ("text_in", "text_out"):
            at = seen.text_seen_at(event.id, event.at)
            if at is not None and any(kind == "text" and rid == event.id for kind, rid in dropped):
                out.append((at - event.at).total_seconds())
    return out


# -- real time over loopback ----------------------------------------------------------------------------


@dataclass
class Timings:
    calls_ms: list[float]
    texts_ms: list[float]


def _timer(
    calls: dict[str, float], texts: dict[str, list[tuple[datetime, float]]]
) -> Callable[[LiveEvent], None]:
    """Records when each call first reached the state, and each conversation's every newest message."""

    def listener(event: LiveEvent) -> None:
        now = time.perf_counter()
        if isinstance(event, CallsChanged):
            for call in event.new:
                calls.setdefault(call.id, now)
        elif isinstance(event, ConversationsChanged):
            for conversation in (*event.new, *event.changed):
                if conversation.last_message_at is not None:
                    texts.setdefault(conversation.id, []).append((conversation.last_message_at, now))

    return listener


async def run_realtime(config: SimConfig, start: datetime, length: timedelta, data_dir: Path) -> Timings:
    """Deliveries over loopback TCP; each call's and text's time from release to the app's state."""
    clock = ManualClock(start)
    sim = Simulator(config, clock=clock)
    session = session_on_simulator(sim, data_dir=data_dir)
    port = free_port()
    intake = intake_for_session(session, data_dir, public_url=f"http://127.0.0.1:{port}")
    released: list[tuple[str, str, datetime, float]] = []  # (kind, id, when it happened, when let go)
    calls: dict[str, float] = {}
    texts: dict[str, list[tuple[datetime, float]]] = {}
    session.subscribe(_timer(calls, texts))
    await session.start()
    session.set_paused(True)  # the clock is the benchmark's: deliveries alone carry the day
    assert session.webhooks is not None
    await session.webhooks.enable(list(session.companies))
    runner = asyncio.create_task(session.run())
    try:
        async with receiver_running(intake.receiver, "127.0.0.1", port):
            end = start + length
            seen_events = 0
            while clock.now() < end:
                clock.advance(STEP_S)
                began = time.perf_counter()
                sim.webhooks.dispatch()
                for event in sim.events[seen_events:]:
                    if event.kind in ("call_started", "text_in", "text_out"):
                        released.append((event.kind, event.id, event.at, began))
                seen_events = len(sim.events)
                while not sim.webhooks.idle() or intake.inbox.pending(1):
                    await asyncio.sleep(0.0005)
    finally:
        await sim.webhooks.stop()
        await session.stop()
        runner.cancel()
        intake.close()
    timings = Timings([], [])
    for kind, subject, happened, let_go in released:
        if kind == "call_started" and subject in calls:
            timings.calls_ms.append((calls[subject] - let_go) * 1000)
        elif kind != "call_started":
            seen = [at for last, at in texts.get(subject, ()) if last >= happened - ROUNDING and at >= let_go]
            if seen:
                timings.texts_ms.append((min(seen) - let_go) * 1000)
    return timings


# -- figures --------------------------------------------------------------------------------------------


async def measure(start: datetime, length: timedelta, realtime_length: timedelta) -> list[Figure]:
    config = ten_hour_day()
    with scratch_dir("bench-push-") as home:
        pushed = await run_push_day(config, start, length, Path(home) / "push")
        polled = await run_app_day(config, start, length, Path(home) / "poll")
        lossy_config = ten_hour_day()
        lossy_config.webhook_faults = WebhookFaults(drop_rate=DROP_RATE)
        lossy = await run_push_day(lossy_config, start, length, Path(home) / "lossy")
        timed = await run_realtime(ten_hour_day(), start, realtime_length, Path(home) / "realtime")
    return [
        Figure("webhook_calls_p50_ms", percentile(timed.calls_ms, 0.5), "ms", goal=50),
        Figure("webhook_calls_p99_ms", percentile(timed.calls_ms, 0.99), "ms", goal=250),
        Figure("webhook_texts_p50_ms", percentile(timed.texts_ms, 0.5), "ms", goal=50),
        Figure("webhook_timed", len(timed.calls_ms) + len(timed.texts_ms), "calls and texts"),
        Figure("webhook_requests", pushed.requests, "req", baseline=polled.requests),
        Figure("webhook_requests_ratio", pushed.requests / max(1, polled.requests), "x", goal=0.15),
        Figure("webhook_push_calls_p50_s", percentile(pushed.outcome.calls, 0.5), "s"),
        Figure("webhook_calls_missed", lossy.outcome.calls_missed, "calls", goal=0),
        Figure("webhook_texts_missed", lossy.outcome.texts_missed, "texts", goal=0),
        Figure("webhook_dropped", len(lossy.dropped_latencies), "calls and texts"),
        Figure(
            "webhook_dropped_p99_s",
            percentile(lossy.dropped_latencies, 0.99),
            "s",
            goal=RECONCILE_CALLS_S + 10,
        ),
    ]


def figures(*, quick: bool = False) -> list[Figure]:
    if quick:
        return asyncio.run(measure(DAY_START + timedelta(hours=2), timedelta(hours=1), timedelta(minutes=20)))
    return asyncio.run(measure(DAY_START, timedelta(hours=10), timedelta(hours=2)))
