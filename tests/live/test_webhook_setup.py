"""Pointing companies' webhooks at our receiver and back, on the simulator: another consumer's URLs stay
and keep receiving; enabling twice adds nothing; disabling removes only ours."""

import copy

import httpx
import pytest

from tests.live.webhook_rig import BASE, START
from tests.sim.webhook_receiver import Receiver
from tui.callrail.client import CallRailClient
from tui.live.webhooks.events import FORM, MONITOR_EVENTS
from tui.live.webhooks.inbox import MEMORY, Inbox
from tui.live.webhooks.serve import webhook_intake
from tui.live.webhooks.stats import Outcome
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.webhooks_cli import webhooks
from tui.wiring import SIM_URL

OTHER = "http://other.test/hook"


class ByHost:
    def __init__(self, apps: dict) -> None:
        self.apps = apps

    async def __call__(self, scope, receive, send) -> None:
        host = dict(scope["headers"])[b"host"].decode()
        await self.apps[host](scope, receive, send)


@pytest.fixture
async def world(tmp_path):
    clock = ManualClock(START)
    other = Receiver()
    intake = webhook_intake(tmp_path, clock)
    router = ByHost({"other.test": other.app, "receiver.test": intake.receiver.app})
    sim = Simulator(SimConfig(seed=3), clock=clock, webhook_transport=httpx.ASGITransport(app=router))
    for company_id, key in sim.add_webhook_receiver(OTHER).items():
        intake.keys.put(company_id, key)

    def client() -> CallRailClient:
        return CallRailClient(
            sim.api_key, base_url=SIM_URL, transport=httpx.ASGITransport(app=sim.app), clock=clock
        )

    yield sim, clock, other, intake, client
    intake.close()


def configs(sim: Simulator) -> dict[str, dict[str, list[str]]]:
    return {i.company_id: i.config for i in sim.account.integrations.values() if i.type == "Webhooks"}


async def deliver(sim, clock, minutes: int) -> None:
    for _ in range(minutes):
        clock.advance(60)
        await sim.webhooks.deliver_due()


async def test_enable_appends_ours_disable_removes_only_ours_and_the_other_consumer_keeps_receiving(world):
    sim, clock, other, intake, client = world
    lines: list[str] = []
    assert await webhooks(client(), sim.account_id, "enable", BASE, say=lines.append, inbox=intake.inbox) == 0
    assert len(lines) == len(sim.account.companies) and all("ours on 9 event(s)" in line for line in lines)
    for company_id, config in configs(sim).items():
        for event in MONITOR_EVENTS:
            assert config[event] == [OTHER, f"{BASE}/webhooks/{company_id}/{event}"]
        assert FORM in MONITOR_EVENTS  # form submissions are pushed too
    before = copy.deepcopy(configs(sim))
    assert await webhooks(client(), sim.account_id, "enable", BASE, say=lines.append, inbox=intake.inbox) == 0
    assert configs(sim) == before  # nothing added twice

    await deliver(sim, clock, 20)
    ours = intake.receiver.stats.counts[Outcome.ACCEPTED]
    theirs = len(other.got)
    assert ours > 10 and theirs >= ours

    lines.clear()
    assert (
        await webhooks(client(), sim.account_id, "disable", BASE, say=lines.append, inbox=intake.inbox) == 0
    )
    assert all("not ours" in line for line in lines)
    assert all(urls == [OTHER] for config in configs(sim).values() for urls in config.values())
    await deliver(sim, clock, 20)
    assert intake.receiver.stats.counts[Outcome.ACCEPTED] == ours
    assert len(other.got) > theirs


async def test_status_names_ours_and_counts_the_others_without_changing_anything(world):
    sim, _, _, intake, client = world
    company_id = next(iter(sim.account.companies))
    lines: list[str] = []
    await webhooks(
        client(),
        sim.account_id,
        "enable",
        BASE,
        [company_id],
        [MONITOR_EVENTS[0]],
        lines.append,
        inbox=intake.inbox,
    )
    before = copy.deepcopy(configs(sim)[company_id])
    lines.clear()
    assert await webhooks(client(), sim.account_id, "status", BASE, say=lines.append, inbox=intake.inbox) == 0
    assert configs(sim)[company_id] == before
    mine = next(line for line in lines if line.startswith(company_id))
    assert "ours on 1 event(s)" in mine and "other URLs: 9" in mine
    assert sum("not ours" in line for line in lines) == len(sim.account.companies) - 1


async def test_a_company_without_an_integration_gets_one_with_only_ours(tmp_path):
    clock = ManualClock(START)
    sim = Simulator(SimConfig(seed=3), clock=clock)
    company_id = next(iter(sim.account.companies))
    transport = httpx.ASGITransport(app=sim.app)
    client = CallRailClient(sim.api_key, base_url=SIM_URL, transport=transport, clock=clock)
    lines: list[str] = []
    assert (
        await webhooks(
            client, sim.account_id, "status", BASE, [company_id], say=lines.append, inbox=Inbox(MEMORY)
        )
        == 0
    )
    assert lines == [f"{company_id}  no Webhooks integration"]
    client = CallRailClient(sim.api_key, base_url=SIM_URL, transport=transport, clock=clock)
    await webhooks(
        client, sim.account_id, "enable", BASE, [company_id], say=lines.append, inbox=Inbox(MEMORY)
    )
    [config] = configs(sim).values()
    assert sorted(config) == sorted(MONITOR_EVENTS)
    key = sim.account.signing_keys[company_id]
    assert key not in lines[-1] and "signing key" in lines[-1]  # shown masked, if at all
