"""Signing keys: read through the API once per company, kept in the inbox file across restarts."""

import asyncio

import httpx

from tests.live.webhook_rig import START
from tui.callrail.client import CallRailClient
from tui.live.webhooks import receiver as receiver_module
from tui.live.webhooks.inbox import INBOX_FILE, Inbox
from tui.live.webhooks.keys import SigningKeys, key_fetcher
from tui.live.webhooks.receiver import WebhookReceiver
from tui.live.webhooks.stats import Outcome
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import SIM_URL


def integration_reads(sim: Simulator) -> int:
    return sum(1 for r in sim.request_log if "/integrations" in r.path and not r.external)


async def test_each_companys_key_is_read_once_and_kept_for_the_next_start(tmp_path):
    clock = ManualClock(START)
    sim = Simulator(SimConfig(seed=5), clock=clock)
    sim.add_webhook_receiver("http://receiver.test/hooks")
    companies = list(sim.account.companies)
    transport = httpx.ASGITransport(app=sim.app)
    async with CallRailClient(sim.api_key, base_url=SIM_URL, transport=transport, clock=clock) as client:
        inbox = Inbox(tmp_path / INBOX_FILE)
        keys = SigningKeys(inbox, clock, key_fetcher(client, sim.account_id), lambda: companies)
        await keys.ensure(companies)
        assert {c: keys.get(c) for c in companies} == sim.account.signing_keys
        reads = integration_reads(sim)
        await keys.ensure(companies)
        assert integration_reads(sim) == reads  # known keys are not read again
        inbox.close()
        restarted = SigningKeys(Inbox(tmp_path / INBOX_FILE), clock, key_fetcher(client, sim.account_id))
        await restarted.ensure(companies)
        assert integration_reads(sim) == reads
        assert {c: restarted.get(c) for c in companies} == sim.account.signing_keys


async def test_a_company_without_webhooks_has_no_key_and_is_asked_again_at_most_once_a_minute():
    clock = ManualClock(START)
    sim = Simulator(SimConfig(seed=5), clock=clock)
    company = next(iter(sim.account.companies))
    transport = httpx.ASGITransport(app=sim.app)
    async with CallRailClient(sim.api_key, base_url=SIM_URL, transport=transport, clock=clock) as client:
        keys = SigningKeys(Inbox(":memory:"), clock, key_fetcher(client, sim.account_id), lambda: [company])
        await keys.ensure([company])
        assert keys.get(company) is None
        reads = integration_reads(sim)
        assert not await keys.reload(company)  # the start-up read does not hold this one back
        assert integration_reads(sim) > reads
        reads = integration_reads(sim)
        assert not await keys.reload(company) and integration_reads(sim) == reads
        clock.advance(61)
        await keys.reload(company)
        assert integration_reads(sim) > reads


async def test_a_slow_key_read_does_not_hold_the_answer(monkeypatch):
    monkeypatch.setattr(receiver_module, "RELOAD_TIMEOUT", 0.05)
    clock = ManualClock(START)
    inbox = Inbox(":memory:")

    async def never(company_id: str) -> str:
        await asyncio.Event().wait()

    keys = SigningKeys(inbox, clock, never, lambda: {"COMa"})
    receiver = WebhookReceiver(inbox, keys, clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app)) as client:
        response = await client.post(
            "http://hooks.test/webhooks/COMa/post_call_webhook",
            content=b"{}",
            headers={"Content-Type": "application/json", "Signature": "x"},
        )
    assert response.status_code == 404 and receiver.stats.counts == {Outcome.UNKNOWN_COMPANY: 1}


async def test_deliveries_failing_together_share_one_key_read():
    clock = ManualClock(START)
    inbox = Inbox(":memory:")
    release = asyncio.Event()
    reads: list[str] = []

    async def slow(company_id: str) -> str:
        reads.append(company_id)
        await release.wait()
        return "the-key"

    keys = SigningKeys(inbox, clock, slow, lambda: {"COMa"})
    waiting = [asyncio.create_task(keys.reload("COMa")) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == [True] * 5
    assert reads == ["COMa"] and keys.get("COMa") == "the-key"
