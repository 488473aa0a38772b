"""Delivery rules (reference §6.1) over real loopback HTTP and in-process: signed POSTs, no retries,
timeouts, disabling after failures, and seeded faults."""

import json
from collections import Counter
from datetime import datetime

import httpx
import pytest
from conftest import START, client_for
from webhook_receiver import Receiver, until

from tests.loopback import serving
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.sim.webhooks.faults import WebhookFaults
from tui.sim.webhooks.sender import REORDER_WINDOW


def root(base_url: str) -> str:
    return base_url.removesuffix("/v3/")


def in_process(receiver: Receiver, **config) -> tuple[Simulator, ManualClock]:
    clock = ManualClock(START)
    sim = Simulator(SimConfig(**config), clock=clock, webhook_transport=httpx.ASGITransport(app=receiver.app))
    return sim, clock


async def test_a_receiver_over_loopback_gets_signed_deliveries_in_the_background():
    receiver = Receiver()
    async with serving(receiver.app) as base_url:
        clock = ManualClock(START)
        sim = Simulator(SimConfig(), clock=clock)
        keys = sim.add_webhook_receiver(f"{root(base_url)}/callrail")
        async with sim.webhooks.running():
            clock.advance(90 * 60)
            await until(lambda: sim.webhooks.log and sim.webhooks.idle())
    assert len(receiver.got) == len(sim.webhooks.log) > 40
    assert all(r.path == "/callrail" and receiver.verified(keys, r) for r in receiver.got)
    assert {r.outcome for r in sim.webhooks.log} == {"delivered"}
    events = Counter(r.event for r in sim.webhooks.log)
    for event in ("pre_call_webhook", "answered_call_webhook", "post_call_webhook", "sms_received_webhook"):
        assert events[event] > 0, event
    assert len({r.payload["company_resource_id"] for r in receiver.got}) == len(sim.account.companies)


async def test_a_receiver_that_does_not_answer_in_time_is_a_failure():
    receiver = Receiver(hang={"/slow"})
    async with serving(receiver.app) as base_url:
        clock = ManualClock(START)
        sim = Simulator(SimConfig(webhook_timeout=0.2, webhook_failure_limit=1000), clock=clock)
        sim.add_webhook_receiver(f"{root(base_url)}/slow")
        clock.advance(2 * 60)
        await sim.webhooks.deliver_due()
    assert sim.webhooks.log and {r.outcome for r in sim.webhooks.log} == {"unreachable"}
    assert len(receiver.got) == len(sim.webhooks.log)  # each tried once: no retries


async def test_any_2xx_is_success_and_nothing_is_retried():
    receiver = Receiver(status={"/created": 201, "/no-content": 204, "/gone": 410, "/moved": 302})
    sim, clock = in_process(receiver, webhook_failure_limit=1000)
    for path in receiver.status:
        sim.add_webhook_receiver(f"http://receiver.test{path}")
    clock.advance(20 * 60)
    await sim.webhooks.deliver_due()
    outcomes = {
        url.rsplit("/", 1)[1]: {r.outcome for r in sim.webhooks.log if r.url == url}
        for url in {r.url for r in sim.webhooks.log}
    }
    assert outcomes == {
        "created": {"delivered"},
        "no-content": {"delivered"},
        "gone": {"failed"},
        "moved": {"failed"},
    }
    assert Counter(r.path for r in receiver.got) == Counter(
        r.url.removeprefix("http://receiver.test") for r in sim.webhooks.log
    )


async def test_repeated_failures_disable_the_integration_visibly():
    receiver = Receiver(status={"/broken": 500})
    sim, clock = in_process(receiver, webhook_failure_limit=3)
    company = next(iter(sim.account.companies))
    integration = sim.integrations.create(
        sim.account, "Webhooks", company, {"post_call_webhook": ["http://receiver.test/broken"]}, clock.now()
    )
    clock.advance(2 * 3600)
    await sim.webhooks.deliver_due()
    outcomes = [r.outcome for r in sim.webhooks.log]
    assert outcomes[:3] == ["failed"] * 3 and set(outcomes[3:]) == {"skipped"} and len(outcomes) > 3
    assert len(receiver.got) == 3
    async with client_for(sim) as api:
        shown = (await api.get(f"integrations/{integration.id}.json")).json()
        assert shown["state"] == "disabled"
        receiver.status.clear()
        assert (
            await api.put(f"integrations/{integration.id}.json", json={"state": "active"})
        ).status_code == 200
    clock.advance(3600)
    await sim.webhooks.deliver_due()
    assert sim.webhooks.log[-1].outcome == "delivered" and integration.state == "active"


async def test_one_failing_url_does_not_stop_the_others_until_the_integration_is_disabled():
    receiver = Receiver(status={"/broken": 503})
    sim, clock = in_process(receiver, webhook_failure_limit=1000)
    sim.add_webhook_receiver("http://receiver.test/broken")
    sim.add_webhook_receiver("http://receiver.test/good")
    clock.advance(3600)
    await sim.webhooks.deliver_due()
    assert len(receiver.at("/good")) == len(receiver.at("/broken")) > 10
    assert {r.outcome for r in sim.webhooks.log if r.url.endswith("/good")} == {"delivered"}
    assert all(i.state == "active" for i in sim.account.integrations.values())

    receiver.got.clear()
    strict, clock = in_process(receiver, webhook_failure_limit=2)
    strict.add_webhook_receiver("http://receiver.test/broken")
    strict.add_webhook_receiver("http://receiver.test/good")
    for _ in range(60):  # minute by minute, as deliveries go in real time
        clock.advance(60)
        await strict.webhooks.deliver_due()
    disabled = [i for i in strict.account.integrations.values() if i.state == "disabled"]
    assert disabled
    for integration in disabled:
        log = [r for r in strict.webhooks.log if r.integration_id == integration.id]
        failures = [n for n, r in enumerate(log) if r.outcome == "failed"]
        assert len(failures) == 2 and all(r.url.endswith("/broken") for r in (log[n] for n in failures))
        assert {r.outcome for r in log[failures[1] + 1 :]} == {"skipped"}
    # a good URL kept receiving after its neighbour had failed, until the limit
    assert any(
        [r.outcome for r in strict.webhooks.log if r.integration_id == i.id][:2] == ["failed", "delivered"]
        for i in disabled
    )


async def run_with_faults(**knobs) -> tuple[Simulator, Receiver]:
    receiver = Receiver()
    sim, clock = in_process(receiver, webhook_faults=WebhookFaults(**knobs), webhook_failure_limit=10**6)
    sim.add_webhook_receiver("http://receiver.test/hook")
    clock.advance(2 * 3600)
    await sim.webhooks.deliver_due()
    clock.advance(REORDER_WINDOW.total_seconds())
    await sim.webhooks.deliver_due()
    return sim, receiver


def summary(sim: Simulator) -> list[tuple]:
    return [(r.event, r.resource_id, r.outcome, r.copy, r.signature, r.due) for r in sim.webhooks.log]


@pytest.mark.parametrize(
    "knobs",
    [
        {"drop_rate": 0.2},
        {"duplicate_rate": 0.2},
        {"reorder_rate": 0.2},
        {"bad_signature_rate": 0.2},
        {"delay_rate": 0.5, "max_delay": 90},
    ],
)
async def test_faults_are_seeded(knobs):
    first, _ = await run_with_faults(**knobs)
    second, _ = await run_with_faults(**knobs)
    assert summary(first) == summary(second)
    assert summary(first) != summary((await run_with_faults())[0])


async def test_drops_and_duplicates():
    sim, receiver = await run_with_faults(drop_rate=0.25, duplicate_rate=0.25)
    dropped = [r for r in sim.webhooks.log if r.outcome == "dropped"]
    twice = [r for r in sim.webhooks.log if r.copy == 2]
    assert dropped and twice
    bodies = Counter(r.body for r in receiver.got)
    assert all(r.body not in bodies for r in dropped)
    assert all(bodies[r.body] == 2 for r in twice)
    assert len(receiver.got) == sum(1 for r in sim.webhooks.log if r.outcome == "delivered")


async def test_bad_signatures_fail_verification():
    sim, receiver = await run_with_faults(bad_signature_rate=0.3)
    keys = sim.account.signing_keys
    bad = [r for r in receiver.got if not receiver.verified(keys, r)]
    marked = [r for r in sim.webhooks.log if r.faults.bad_signature]
    assert bad and len(bad) == len(marked) < len(receiver.got)


async def test_reordered_deliveries_arrive_after_the_next_one():
    sim, receiver = await run_with_faults(reorder_rate=0.2)
    sent = [r.seq for r in sim.webhooks.log]
    assert sent != sorted(sent)
    held = {r.seq for r in sim.webhooks.log if r.faults.reorder}
    swaps = 0
    for seq in held:
        following = min((later for later in sent if later > seq), default=None)
        if following is not None and following not in held:  # a held one lets the one after it go first
            assert sent.index(following) < sent.index(seq)
            swaps += 1
    assert swaps > 3
    assert [r.body for r in receiver.got] == [r.body for r in sim.webhooks.log]


async def test_delays_push_deliveries_later_on_the_sim_clock():
    sim, _ = await run_with_faults(delay_rate=1.0, max_delay=90)
    delays = [r.faults.delay for r in sim.webhooks.log]
    assert all(0 <= d <= 90 for d in delays) and max(delays) > 30
    for record in sim.webhooks.log:
        happened = datetime.fromisoformat(json.loads(record.body)["timestamp"])
        assert abs((record.due - happened).total_seconds() - record.faults.delay) < 0.002
        assert record.sent_at >= record.due
