"""The team hub: what many viewers cost the account, how fast a change reaches them, and what a viewer
weighs.

A hub runs on the simulator (a manual clock: a working day in seconds) and is served on loopback TCP;
real viewer sessions (``tui.hub.viewer``) connect to it, and each opens every call that arrives during the
day, through the hub. The day is run twice, with 25 viewers and with 1.

- ``hub_requests_ratio_25_viewers``: the API requests of the day with 25 viewers ÷ with 1 (goal ≤ 1.05):
  the hub polls once for all, and reads a call's detail once for everyone who opens it.
- ``hub_fanout_p99_ms``: from the hub numbering a change of calls to the moment the last of the 25
  viewers has merged it into its state, p99 over the day; baseline: the same with 1 viewer. Hub and
  viewers share this process's event loop, so the figure includes their contention (a pessimistic one).
- ``hub_viewer_rss_mb``: a viewer app (headless, its feed showing the hub's day) in a fresh interpreter;
  baseline: the standalone app in another, holding the same calls and conversations (``hub_viewer``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.figures import Figure, percentile
from tui.hub.eventlog import LOG_FILE, EventLog
from tui.hub.limits import ActionLimiter
from tui.hub.serve import hub_running
from tui.hub.server import Hub
from tui.hub.tokens import ViewerTokens
from tui.live.events import CallsChanged
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import session_for_hub, session_on_simulator

START = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 8:00 in New York
VIEWERS = 25
WAIT_S = 30.0
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _until(condition) -> None:
    deadline = time.perf_counter() + WAIT_S
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the viewers never caught up")
        await asyncio.sleep(0.001)


class Day:
    """One day of a hub and its viewers; ``requests`` and ``latencies_ms`` once it has run."""

    def __init__(self, home: Path, viewers: int, hours: float) -> None:
        self.home = home
        self.viewers = viewers
        self.hours = hours
        self.sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
        session = session_on_simulator(self.sim, data_dir=home / "hub")
        self.hub = Hub(
            session,
            tokens=ViewerTokens(home / "hub"),
            events=EventLog(home / LOG_FILE),
            limiter=ActionLimiter(per_minute=1e9, burst=10**9),  # a day in seconds: no real-time limit
            secrets=(self.sim.api_key,),
        )
        self.published: dict[int, float] = {}
        self.latencies_ms: list[float] = []
        publish = self.hub.fanout.publish

        def timed_publish(event: dict) -> int:
            seq = publish(event)
            if event["type"] == "calls":
                self.published[seq] = time.perf_counter()
            return seq

        self.hub.fanout.publish = timed_publish  # type: ignore[method-assign]

    async def run(self) -> None:
        hub_session = self.hub.session
        await hub_session.start()
        await hub_session.poll_once()  # the catch-up of the last 24 hours: viewers get it as their snapshot
        port = _free_port()
        async with hub_running(self.hub, "127.0.0.1", port), contextlib.AsyncExitStack() as stack:
            url = f"http://127.0.0.1:{port}"
            viewers = []
            merged: list[dict[int, float]] = []
            for number in range(self.viewers):
                viewer = session_for_hub(
                    url, self.hub.tokens.add(f"viewer {number}"), data_dir=self.home / f"v{number}"
                )
                seen: dict[int, float] = {}
                viewer.subscribe(
                    lambda event, viewer=viewer, seen=seen: (
                        isinstance(event, CallsChanged)
                        and seen.setdefault(viewer.poller.seq or 0, time.perf_counter())
                    )
                )
                await viewer.start()
                task = asyncio.create_task(viewer.run())
                stack.push_async_callback(_stop, viewer, task)
                viewers.append(viewer)
                merged.append(seen)
            new_calls: list[str] = []
            hub_session.subscribe(
                lambda e: isinstance(e, CallsChanged) and new_calls.extend(c.id for c in e.new)
            )
            end = self.sim.clock.now() + timedelta(hours=self.hours)
            while self.sim.clock.now() < end:
                await hub_session.poll_once()
                await _until(lambda: all(v.poller.seq == self.hub.events.last_seq for v in viewers))
                for call_id in new_calls:
                    await asyncio.gather(*(viewer.open_call(call_id) for viewer in viewers))
                new_calls.clear()
                await _until(lambda: all(v.poller.seq == self.hub.events.last_seq for v in viewers))
                self.sim.clock.advance(max(1.0, hub_session.poller.next_delay()))
        for seq, at in self.published.items():
            arrivals = [seen[seq] for seen in merged if seq in seen]
            if len(arrivals) == len(merged):
                self.latencies_ms.append((max(arrivals) - at) * 1000)
        await hub_session.stop()
        self.hub.events.close()

    @property
    def requests(self) -> int:
        return sum(1 for record in self.sim.request_log if not record.external)


async def _stop(viewer, task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await viewer.stop()


async def _day(home: Path, viewers: int, hours: float) -> Day:
    day = Day(home, viewers, hours)
    await day.run()
    return day


def _rss(mode: str, target: str, secret: str, expected: int, home: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.hub_viewer", mode, target, secret, str(expected), str(home)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["rss_mb"]


async def _memory(home: Path, hours: float) -> tuple[float, float]:
    """A viewer app's RSS against the hub that lived the day, and the standalone app's with the same data."""
    day = Day(home / "memory", 0, hours)
    hub_session = day.hub.session
    await hub_session.start()
    end = day.sim.clock.now() + timedelta(hours=hours)
    while day.sim.clock.now() < end:
        await hub_session.poll_once()
        day.sim.clock.advance(max(1.0, hub_session.poller.next_delay()))
    port = _free_port()
    records = home / "records.json"
    records.write_text(
        json.dumps(
            {
                "calls": [
                    c.model_dump(mode="json", exclude_unset=True) for c in hub_session.state.calls.values()
                ],
                "conversations": [
                    c.model_dump(mode="json", exclude_unset=True)
                    for c in hub_session.state.conversations.values()
                ],
            }
        )
    )
    expected = len(hub_session.state.calls)
    async with hub_running(day.hub, "127.0.0.1", port):
        token = day.hub.tokens.add("memory")
        url = f"http://127.0.0.1:{port}"
        viewer = await asyncio.to_thread(_rss, "hub", url, token, expected, home / "viewer")
    standalone = await asyncio.to_thread(_rss, "standalone", str(records), "-", expected, home / "standalone")
    await hub_session.stop()
    day.hub.events.close()
    return viewer, standalone


def measure(hours: float, viewers: int = VIEWERS) -> list[Figure]:
    from benchmarks.scratch import scratch_dir

    with scratch_dir("bench-hub-") as home:
        team = asyncio.run(_day(Path(home) / "team", viewers, hours))
        alone = asyncio.run(_day(Path(home) / "alone", 1, hours))
        viewer_rss, standalone_rss = asyncio.run(_memory(Path(home), hours))
    return [
        Figure(
            "hub_requests_ratio_25_viewers",
            team.requests / alone.requests,
            "x",
            goal=1.05,
            note=f"{team.requests:,} vs {alone.requests:,} requests",
        ),
        Figure(
            "hub_fanout_p99_ms",
            percentile(team.latencies_ms, 0.99),
            "ms",
            goal=100,
            baseline=percentile(alone.latencies_ms, 0.99),
        ),
        Figure("hub_fanout_events", len(team.latencies_ms), "events"),
        Figure("hub_viewer_rss_mb", viewer_rss, "MB", goal=standalone_rss, baseline=standalone_rss),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    return measure(2.0 if quick else 9.0)
