"""A hub with ``--public-url`` receives CallRail's webhooks on its own port (``/webhooks/…``), checks them
with each company's key, and what they bring reaches its viewers; the simulator is served on loopback
TCP, as a real account would be."""

from __future__ import annotations

import asyncio
import contextlib
import json

import websockets

from tests.hub.conftest import START, WAIT_S, receive
from tests.loopback import free_port, serving
from tui.config import Settings
from tui.hub.serve import hub_running
from tui.live.webhooks.stats import Outcome
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import hub_for_account


async def test_webhooks_posted_to_the_hub_reach_its_viewers(tmp_path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    async with serving(sim.app) as base_url:
        port = free_port()
        public_url = f"http://127.0.0.1:{port}"
        settings = Settings(
            api_key=sim.api_key,
            account_id=sim.account_id,
            base_url=base_url,
            config_path=tmp_path / "config.toml",
            data_dir=tmp_path / "data",
            state_dir=tmp_path / "state",
        )
        hub, intake = hub_for_account(settings, tmp_path / "hub", public_url=public_url, clock=sim.clock)
        assert intake is not None
        sim.add_webhook_receiver(f"{public_url}/webhooks")
        await hub.session.start()
        hub.session.set_paused(True)  # whatever arrives now came by push
        await intake.keys.ensure()
        runner = asyncio.create_task(hub.run())
        try:
            async with hub_running(hub, "127.0.0.1", port):
                headers = {"Authorization": f"Bearer {hub.tokens.add('Dana')}"}
                socket = await websockets.connect(f"ws://127.0.0.1:{port}/ws", additional_headers=headers)
                await socket.send(json.dumps({"type": "hello"}))
                await receive(socket, kind="caught_up")
                sim.clock.advance(15 * 60)
                async with sim.webhooks.running():
                    pushed = await asyncio.wait_for(receive(socket, kind="calls"), WAIT_S)
                assert pushed["calls"]
                assert intake.receiver.stats.counts[Outcome.ACCEPTED] > 0
                await socket.close()
        finally:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
            await hub.session.stop()
            hub.events.close()
            intake.close()
