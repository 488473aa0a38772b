"""The app's receiver, wired from the settings: ``webhooks_listen`` serves it for as long as the session
runs, on real loopback TCP, and what the simulator pushes there reaches the state; a busy port leaves
polling alone."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from tests.live.conftest import START, make_env
from tests.loopback import free_port
from tui.config import Settings, listen_address
from tui.live.webhooks.serve import ServedWebhooks, intake_for_session
from tui.live.webhooks.stats import Outcome
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


def test_listen_addresses_are_checked() -> None:
    assert listen_address("127.0.0.1:8787") == ("127.0.0.1", 8787)
    assert listen_address("[::1]:9000") == ("::1", 9000)
    for bad in ("8787", "localhost:", "host:99999", "host:port"):
        with pytest.raises(ValueError):
            listen_address(bad)
    with pytest.raises(ValueError, match="HOST:PORT"):
        Settings(webhooks_listen="nowhere")
    with pytest.raises(ValueError, match="absolute"):
        Settings(webhooks_url="example.com/hooks")


async def until(condition, seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "the condition never held"
        await asyncio.sleep(0.02)


async def test_pushed_calls_reach_the_state_through_the_served_receiver(tmp_path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    env = make_env(tmp_path / "data", sim=sim)
    port = free_port()
    sim.add_webhook_receiver(f"http://127.0.0.1:{port}/webhooks")  # enabled before the app starts
    intake = intake_for_session(env.session, tmp_path / "data", listen=("127.0.0.1", port))
    await env.session.start()
    env.session.set_paused(True)  # polling stops: whatever arrives now came by push
    runner = asyncio.create_task(env.session.run())
    try:
        await until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
        known = set(env.session.state.calls)
        requests_before = len(env.our_requests())
        sim.clock.advance(15 * 60)
        async with sim.webhooks.running():
            await until(lambda: set(env.session.state.calls) - known)
        assert intake.receiver.stats.counts[Outcome.ACCEPTED] > 0
        assert not any(r.path.endswith("/calls.json") for r in env.our_requests()[requests_before:])
    finally:
        runner.cancel()
        await env.session.stop()
        intake.close()


async def test_a_busy_port_leaves_the_session_running(tmp_path) -> None:
    env = make_env(tmp_path / "data")
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        intake = intake_for_session(env.session, tmp_path / "data", listen=("127.0.0.1", port))
        assert any(isinstance(source, ServedWebhooks) for source, _ in env.session._sources)
        await env.session.start()
        runner = asyncio.create_task(env.session.run())
        await asyncio.sleep(0.3)
        assert not runner.done()  # the receiver could not listen; the session goes on polling
        runner.cancel()
    await env.session.stop()
    intake.close()
    async with httpx.AsyncClient() as client:  # and nothing is left listening on that port
        with pytest.raises(httpx.ConnectError):
            await client.post(f"http://127.0.0.1:{port}/webhooks", content=b"{}")
