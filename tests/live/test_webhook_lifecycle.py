"""A receiver that is not always on (a laptop): the app takes its URLs out of CallRail when it stops and
puts them back when it listens again; other consumers' URLs keep receiving all along. An integration
CallRail disabled is noticed, said, and left for the user to enable again."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.live.conftest import START, make_env
from tests.live.test_webhook_served import until
from tests.loopback import free_port
from tests.sim.webhook_receiver import Receiver
from tui.live.events import Channel
from tui.live.webhooks.serve import intake_for_session, receiver_running
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


def urls(sim) -> list[str]:
    return [
        url
        for integration in sim.account.integrations.values()
        for event_urls in (integration.config or {}).values()
        for url in event_urls
    ]


@pytest.fixture
async def other_consumer():
    """Another integration's receiver, over loopback, that the account's webhooks also post to."""
    receiver = Receiver()
    port = free_port()
    async with receiver_running(receiver, "127.0.0.1", port):
        yield receiver, f"http://127.0.0.1:{port}/other"


async def run_app(sim, data_dir, port: int, *, always_on: bool = False):
    env = make_env(data_dir, sim=sim)
    public = f"http://127.0.0.1:{port}"
    intake = intake_for_session(
        env.session, data_dir, listen=("127.0.0.1", port), public_url=public, always_on=always_on
    )
    await env.session.start()
    env.session.set_paused(True)  # on a manual clock a running poller would race through the day
    runner = asyncio.create_task(env.session.run())
    await until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
    return env, intake, runner


async def stop_app(env, intake, runner) -> None:
    await env.session.stop()
    runner.cancel()
    intake.close()


async def test_a_stopped_app_leaves_none_of_its_urls_and_puts_them_back_when_it_listens(
    tmp_path, other_consumer
) -> None:
    receiver, other_url = other_consumer
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    sim.add_webhook_receiver(other_url)
    port = free_port()
    ours = f"http://127.0.0.1:{port}/webhooks/"
    env, intake, runner = await run_app(sim, tmp_path / "data", port)
    await env.session.webhooks.enable(list(env.session.companies))
    assert sum(url.startswith(ours) for url in urls(sim)) > 0
    others = [url for url in urls(sim) if not url.startswith(ours)]
    await stop_app(env, intake, runner)

    assert not any(url.startswith(ours) for url in urls(sim))
    assert [url for url in urls(sim) if not url.startswith(ours)] == others
    sim.clock.advance(15 * 60)
    async with sim.webhooks.running():
        await until(lambda: len(receiver.got) > 0)  # the other consumer still hears everything
    outcomes = {record.outcome for record in sim.webhooks.log}
    assert outcomes == {"delivered"}  # nothing went to a receiver that was not listening

    env, intake, runner = await run_app(sim, tmp_path / "data", port)
    await until(lambda: any(url.startswith(ours) for url in urls(sim)))
    await stop_app(env, intake, runner)


async def test_an_always_on_receiver_keeps_its_urls(tmp_path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    port = free_port()
    env, intake, runner = await run_app(sim, tmp_path / "data", port, always_on=True)
    await env.session.webhooks.enable(list(env.session.companies))
    await stop_app(env, intake, runner)
    assert any(url.startswith(f"http://127.0.0.1:{port}/webhooks/") for url in urls(sim))


async def test_a_disabled_integration_is_noticed_said_and_enabled_again_on_request(tmp_path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    port = free_port()
    env, intake, runner = await run_app(sim, tmp_path / "data", port)
    session = env.session
    try:
        await session.webhooks.enable(list(session.companies))
        first = next(iter(session.companies))
        for integration in sim.account.integrations.values():
            if integration.company_id == first:
                integration.state = "disabled"  # as CallRail does after repeated failures
        session.webhooks.check_soon()
        name = session.companies[first].name
        await until(lambda: name in session.backstop.status.reason)
        assert session.backstop.status.channel is Channel.POLL
        assert "enable them again" in session.backstop.status.reason
        await session.webhooks.enable([first])
        assert "disabled" not in session.backstop.status.reason
        assert all(i.state == "active" for i in sim.account.integrations.values() if i.company_id == first)
    finally:
        await stop_app(env, intake, runner)
