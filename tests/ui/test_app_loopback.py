"""The whole app over real loopback TCP (uvicorn, ``tests.loopback``) with the simulator's faults on: it
keeps running, the meter says what is happening, the feed keeps its rows, and once the faults stop it
catches up by itself.

The simulator's clock runs 60× real time, so the poller's 30 s interval and its backoffs pass in
fractions of a second; every wait is a bounded loop on a condition (``wait_for``), not a sleep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.loopback import serving
from tui.app import CallRailApp, make_app
from tui.callrail.budget import RateBudget
from tui.callrail.client import CallRailClient
from tui.config import Settings
from tui.live.events import PollState
from tui.live.first_rows import store_path
from tui.live.session import LiveSession
from tui.live.store import Store
from tui.screenshots import SCENE_START, SIZE, wait_for, wait_until_polled
from tui.sim import SimConfig, Simulator
from tui.sim.clock import SimClock
from tui.widgets.budget_meter import BudgetMeter

SPEED = 60.0  # simulated seconds per real second


@dataclass
class Running:
    app: CallRailApp
    sim: Simulator
    session: LiveSession
    pilot: object
    states: set[PollState]
    messages: list[str]

    def meter(self) -> str:
        """What the budget meter shows now (and a note of the state it shows)."""
        self.states.add(self.session.status.state)
        if self.session.status.message:
            self.messages.append(self.session.status.message)
        return self.app.screen.query_one(BudgetMeter).render().plain

    @property
    def rows(self) -> int:
        return self.app.screen.table.row_count

    async def until(self, condition: Callable[[], object], timeout: float = 8.0) -> None:
        await wait_for(self.pilot, condition, timeout=timeout)


@asynccontextmanager
async def app_over_loopback(
    tmp_path: Path, *, seed: int = 11, deadline: float = 30.0
) -> AsyncIterator[Running]:
    """The app, first poll done, on a session whose client talks TCP to a simulator with ``deadline``
    seconds (real) for each request, retries included."""
    clock = SimClock(SCENE_START, speed=SPEED)
    sim = Simulator(SimConfig(seed=seed), clock=clock)
    async with serving(sim.app, log_level="critical") as base_url:
        settings = Settings(
            api_key=sim.api_key,
            account_id=sim.account_id,
            base_url=base_url,
            config_path=tmp_path / "config.toml",
            data_dir=tmp_path / "data",
            state_dir=tmp_path / "state",
            notify_toast=False,
            notify_bell=False,
        )
        budget = RateBudget("loopback-test", state_dir=settings.state_dir, clock=clock)
        client = CallRailClient(sim.api_key, base_url=base_url, budget=budget, clock=clock, deadline=deadline)
        store = Store(store_path(settings.data_dir), now=clock.now())
        session = LiveSession(
            account_id=sim.account_id, client=client, budget=budget, store=store, clock=clock
        )
        app = make_app(session, settings)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await wait_until_polled(pilot, app)
                assert app.screen.table.row_count > 0
                yield Running(app, sim, session, pilot, set(), [])
                assert app.is_running
        finally:
            await session.stop()


async def test_a_429_storm_from_another_integration_says_rate_limited_then_recovers(tmp_path: Path) -> None:
    async with app_over_loopback(tmp_path) as run:
        before = run.rows
        run.sim.faults.burst_429(180)  # three simulated minutes of 429 to every request
        run.app.action_refresh_now()
        await run.until(lambda: "rate limited" in run.meter())
        assert run.session.status.state is PollState.RATE_LIMITED
        assert "last poll" in run.meter() and run.rows == before
        await run.until(lambda: not run.sim.faults.bursting() and "● live" in run.meter(), timeout=9)
        assert run.session.status.message == "" and run.rows >= before
        # the backoff kept the app from hammering the server during the storm
        storm = [entry for entry in run.sim.request_log if entry.status == 429 and not entry.external]
        assert 0 < len(storm) < 40


async def test_responses_that_hang_show_offline_with_a_message_then_recover(tmp_path: Path) -> None:
    async with app_over_loopback(tmp_path, deadline=1.0) as run:
        before = run.rows
        faults = run.sim.faults
        faults.hang_rate, faults.hang_seconds = 1.0, 5.0
        run.app.action_refresh_now()
        await run.until(lambda: "offline" in run.meter())
        assert "did not answer within 1 s" in run.meter()
        assert "last poll" in run.meter() and run.rows == before
        faults.reset()
        await run.until(lambda: "● live" in run.meter(), timeout=9)
        assert run.session.status.message == ""
        assert run.rows == len(run.session.state.calls) >= before


async def test_dropped_connections_and_5xx_crash_nothing_and_the_feed_keeps_its_rows(tmp_path: Path) -> None:
    async with app_over_loopback(tmp_path, deadline=2.0) as run:
        before = run.rows
        fewest = [before]

        def watch() -> str:
            fewest[0] = min(fewest[0], run.rows)
            return run.meter()

        faults = run.sim.faults
        faults.drop_rate, faults.error_rate, faults.truncate_rate = 0.4, 0.4, 0.1
        run.app.action_refresh_now()
        await run.until(lambda: "offline" in watch())
        run.app.action_refresh_now()
        for _ in range(3):  # a few more polls into the faults; the screens keep working meanwhile
            await run.pilot.press("c")
            await run.pilot.pause(0.2)
            await run.pilot.press("escape")
            watch()
        faults.reset()
        await run.until(lambda: "● live" in watch() and run.rows > before, timeout=9)
        assert fewest[0] >= before, "the feed lost rows during the faults"
        assert run.rows == len(run.session.state.calls)
        assert PollState.OFFLINE in run.states and run.messages
