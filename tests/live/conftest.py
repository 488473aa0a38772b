"""A live session wired to the in-process simulator on a manual clock, and a driver for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tui.live.events import LiveEvent
from tui.live.session import LiveSession
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import session_on_simulator

# A Tuesday, 09:00 in New York: the simulated companies are open.
START = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@dataclass
class Env:
    sim: Simulator
    clock: ManualClock
    session: LiveSession
    events: list[LiveEvent]

    async def drive(self, duration: timedelta) -> None:
        """Poll cycle after cycle, as ``run()`` does, until ``duration`` of simulated time has passed."""
        end = self.clock.now() + duration
        poller = self.session.poller
        while self.clock.now() < end:
            await self.session.poll_once()
            self.clock.advance(min(poller.next_delay(), max(0.0, (end - self.clock.now()).total_seconds())))

    def own_calls_started(self, before: datetime, after: datetime | None = None) -> set[str]:
        """Ids of this account's calls the simulator started in [after, before)."""
        own = self.sim.account.calls_by_id
        return {
            event.id
            for event in self.sim.events
            if event.kind == "call_started"
            and event.id in own
            and event.at < before
            and (after is None or event.at >= after)
        }

    def our_requests(self):
        return [record for record in self.sim.request_log if not record.external]


def make_env(
    data_dir,
    *,
    start: datetime = START,
    config: SimConfig | None = None,
    api_key: str | None = None,
    sim: Simulator | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Env:
    """A fresh simulator and a session on it; or, given ``sim``, a new session (a restart) on that one.
    ``transport``: the way to ``sim`` (an in-process connection by default)."""
    if sim is None:
        sim = Simulator(config or SimConfig(seed=7), clock=ManualClock(start))
    clock = sim.clock
    session = session_on_simulator(sim, data_dir=data_dir, api_key=api_key, transport=transport)
    events: list[LiveEvent] = []
    session.subscribe(events.append)
    return Env(sim, clock, session, events)


@pytest.fixture
async def env(tmp_path):
    built = make_env(tmp_path / "data")
    await built.session.start()
    yield built
    await built.session.stop()


def max_in_window(times: list[datetime], seconds: float) -> int:
    """The most of ``times`` (sorted) inside any window of ``seconds``."""
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= timedelta(seconds=seconds):
            first += 1
        most = max(most, last - first + 1)
    return most
