"""The whole app over real loopback TCP (uvicorn) with the simulator's faults on: it keeps running, the
meter says what is happening, and once the faults stop it catches up."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn

from tui.app import make_app
from tui.config import Settings
from tui.live.events import PollState
from tui.live.session import build_session
from tui.screenshots import SCENE_START, SIZE, wait_for, wait_until_polled
from tui.sim import SimConfig, Simulator
from tui.sim.clock import SimClock
from tui.widgets.budget_meter import BudgetMeter


@asynccontextmanager
async def serving(app) -> AsyncIterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="critical", lifespan="off", timeout_graceful_shutdown=0.1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v3/"
    finally:
        server.should_exit = True
        await task


async def test_app_rides_out_faults_over_loopback(tmp_path: Path) -> None:
    clock = SimClock(SCENE_START, speed=60.0)  # a 30 s poll interval passes in half a second
    sim = Simulator(SimConfig(seed=11), clock=clock)
    async with serving(sim.app) as base_url:
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
        session = build_session(
            api_key=sim.api_key,
            account_id=sim.account_id,
            data_dir=settings.data_dir,
            base_url=base_url,
            clock=clock,
        )
        app = make_app(session, settings)
        seen: set[PollState] = set()
        messages: list[str] = []

        def meter() -> str:
            seen.add(session.status.state)
            if session.status.message:
                messages.append(session.status.message)
            return app.screen.query_one(BudgetMeter).render().plain

        async with app.run_test(size=SIZE) as pilot:
            await wait_until_polled(pilot, app)
            table = app.screen.table
            assert table.row_count > 0

            faults = sim.faults
            faults.latency, faults.error_rate, faults.drop_rate = 0.05, 0.5, 0.3
            faults.truncate_rate, faults.hang_rate, faults.hang_seconds = 0.1, 0.1, 0.5
            await wait_for(pilot, lambda: "offline" in meter(), timeout=30)
            assert app.is_running
            assert "last poll" in meter()

            faults.reset()
            before = table.row_count
            await wait_for(pilot, lambda: "● live" in meter() and table.row_count > before, timeout=30)
            assert table.row_count == len(session.state.calls)
            assert PollState.OFFLINE in seen and messages
        await session.stop()
