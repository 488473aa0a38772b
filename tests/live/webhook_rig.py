"""A simulator posting webhooks, in process, to our receiver, with a live session taking them in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tui.callrail.client import CallRailClient
from tui.live.session import LiveSession
from tui.live.webhooks.serve import WebhookIntake, intake_for_session
from tui.live.webhooks.setup import enable
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import SIM_URL, session_on_simulator

# A Tuesday, 10:00 in New York: the simulated companies are busy.
START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
BASE = "http://receiver.test"


class Forward:
    """An ASGI app handing requests to ``target``, set once it exists."""

    target = None

    async def __call__(self, scope, receive, send) -> None:
        await self.target(scope, receive, send)


@dataclass
class Rig:
    sim: Simulator
    clock: ManualClock
    client: CallRailClient
    intake: WebhookIntake
    session: LiveSession

    async def enable_all(self, base_url: str = BASE) -> None:
        for company_id in self.sim.account.companies:
            await enable(self.client, self.sim.account_id, company_id, base_url)

    async def deliver(self, seconds: float, step: float = 60.0) -> None:
        """Let ``seconds`` of the day pass, delivering what falls due as it goes."""
        left = seconds
        while left > 0:
            self.clock.advance(min(step, left))
            left -= step
            await self.sim.webhooks.deliver_due()

    async def take_in(self) -> None:
        """Merge into the session every delivery the receiver kept, as ``run`` would."""
        task = asyncio.create_task(self.session._take_in(self.intake.source))
        try:
            for _ in range(10_000):
                await asyncio.sleep(0)
                if not self.intake.inbox.pending(1):
                    return
            raise AssertionError("deliveries not merged")
        finally:
            task.cancel()

    async def close(self) -> None:
        await self.session.stop()
        await self.client.aclose()
        self.intake.close()


def make_rig(data_dir: Path, config: SimConfig | None = None, *, loopback: bool = False) -> Rig:
    """``loopback``: the simulator posts over real TCP (serve the receiver with ``receiver_running``)."""
    clock = ManualClock(START)
    forward = Forward()
    transport = None if loopback else httpx.ASGITransport(app=forward)
    sim = Simulator(config or SimConfig(seed=7), clock=clock, webhook_transport=transport)
    client = CallRailClient(
        sim.api_key, base_url=SIM_URL, transport=httpx.ASGITransport(app=sim.app), clock=clock
    )
    session = session_on_simulator(sim, data_dir=data_dir)
    intake = intake_for_session(session, data_dir)
    forward.target = intake.receiver.app
    return Rig(sim, clock, client, intake, session)
