"""End to end on the simulator: CallRail's deliveries, signed per company, reach the session through the
receiver and the source, and show the same calls and texts a poll shows."""

import asyncio
import json
from collections import Counter

import pytest

from tests.live.webhook_rig import make_rig
from tests.loopback import free_port
from tests.sim.webhook_receiver import until
from tui.live.events import InboundCall
from tui.live.webhooks.events import CALL_EVENTS
from tui.live.webhooks.serve import receiver_running
from tui.live.webhooks.stats import Outcome
from tui.sim import SimConfig
from tui.sim.webhooks.faults import WebhookFaults


def ours(rig, kinds: set[str]) -> set[str]:
    own = rig.sim.account.calls_by_id
    return {e.id for e in rig.sim.events if e.kind in kinds and e.id in own}


@pytest.fixture
async def rig(tmp_path):
    built = make_rig(tmp_path / "data")
    await built.session.start()
    await built.intake.keys.ensure(built.session.companies)
    await built.enable_all()
    yield built
    await built.close()


async def test_an_hour_of_deliveries_shows_every_call_and_text_as_a_poll_does(rig):
    await rig.deliver(60 * 60)
    await rig.take_in()
    stats = rig.intake.receiver.stats
    assert stats.counts[Outcome.ACCEPTED] > 40 and stats.rejected == 0
    assert {r.outcome for r in rig.sim.webhooks.log} == {"delivered"}
    started = ours(rig, {"call_started"})
    assert started and started <= set(rig.session.state.calls)
    # a poll now agrees with the webhooks on every call whose Post-Call came (it waits for the recording)
    polled = {c.id: c async for c in rig.client.iter_calls(rig.sim.account_id, date_range="today")}
    finals = {"post_call_webhook", "post_outbound_call_webhook"}
    ended = {r.resource_id for r in rig.sim.webhooks.log if r.event in finals}
    assert ended and ended <= set(polled)
    for call_id in ended:
        assert rig.session.state.calls[call_id].status == polled[call_id].status, call_id
    newest = {}  # conversation -> its last text delivered
    for record in rig.sim.webhooks.log:
        if record.event.startswith("sms_"):
            payload = json.loads(record.body)
            newest[payload["conversation_id"]] = payload
    assert newest
    for conversation_id, payload in newest.items():
        conversation = rig.session.state.conversations[conversation_id]
        assert conversation.recent_messages[0].content == payload["content"]
        assert conversation.customer_phone_number.startswith("+1")


async def test_a_ringing_call_shows_in_progress_not_missed(rig):
    for _ in range(120):
        await rig.deliver(30, step=30)
        await rig.take_in()
        live = [c for c in rig.session.state.calls.values() if c.is_live]
        if live:
            break
    assert live, "no call was ringing in an hour"
    assert not any(rig.session.state.needs_callback(c) for c in live)


async def test_over_loopback_tcp_with_faults_the_session_ends_with_what_arrived(tmp_path):
    faults = WebhookFaults(duplicate_rate=0.2, reorder_rate=0.2, delay_rate=0.2, bad_signature_rate=0.1)
    rig = make_rig(tmp_path / "data", SimConfig(seed=7, webhook_faults=faults), loopback=True)
    port = free_port()
    try:
        await rig.session.start()
        await rig.intake.keys.ensure(rig.session.companies)
        await rig.enable_all(f"http://127.0.0.1:{port}")
        async with receiver_running(rig.intake.receiver, "127.0.0.1", port):
            merging = asyncio.create_task(rig.session._take_in(rig.intake.source))
            for _ in range(30):
                rig.clock.advance(60)
                await rig.sim.webhooks.deliver_due()
            rig.clock.advance(10 * 60)  # what was held back or delayed
            await rig.sim.webhooks.deliver_due()
            await until(lambda: not rig.intake.inbox.pending(1))
            merging.cancel()
        log = rig.sim.webhooks.log
        good = {r.resource_id for r in log if r.outcome == "delivered" and r.event in CALL_EVENTS}
        forged = [r for r in log if r.faults.bad_signature]
        assert good and forged and any(r.copy == 2 for r in log), Counter((r.outcome, r.status) for r in log)
        assert good <= set(rig.session.state.calls)
        stats = rig.intake.receiver.stats
        assert stats.counts[Outcome.BAD_SIGNATURE] == len(forged)
        assert stats.counts[Outcome.DUPLICATE] >= sum(
            1 for r in log if r.copy == 2 and not r.faults.bad_signature
        )
    finally:
        await rig.close()


async def test_run_merges_deliveries_next_to_the_poller_and_announces_new_calls(rig):
    events = []
    rig.session.subscribe(events.append)
    rig.session.set_paused(True)  # the poller waits: what arrives comes by webhook
    runner = asyncio.create_task(rig.session.run())
    await rig.deliver(20 * 60)
    delivered = {r.resource_id for r in rig.sim.webhooks.log if r.event in CALL_EVENTS}
    await until(lambda: delivered <= set(rig.session.state.calls))
    announced = {e.call.id for e in events if isinstance(e, InboundCall)}
    assert announced and announced <= delivered
    await rig.session.stop()
    await asyncio.wait_for(runner, 5)


async def test_the_simulators_one_url_for_everything_works_too(tmp_path):
    rig = make_rig(tmp_path / "data")
    try:
        await rig.session.start()
        rig.sim.add_webhook_receiver("http://receiver.test/webhooks")
        await rig.intake.keys.ensure(rig.session.companies)
        await rig.deliver(20 * 60)
        await rig.take_in()
        delivered = {r.resource_id for r in rig.sim.webhooks.log if r.event in CALL_EVENTS}
        assert delivered and delivered <= set(rig.session.state.calls)
        assert rig.intake.receiver.stats.rejected == 0
    finally:
        await rig.close()


async def test_our_own_reads_in_a_row_win_over_each_other_on_a_clock_that_has_not_moved(rig):
    await rig.deliver(20 * 60)
    await rig.take_in()
    finals = {"post_call_webhook", "post_outbound_call_webhook"}
    call_id = next(r.resource_id for r in rig.sim.webhooks.log if r.event in finals)
    await rig.session.update_call(call_id, note="z, the first")
    await rig.session.update_call(call_id, note="a, the second")  # the clock still reads the same
    assert rig.session.state.calls[call_id].note == "a, the second"


async def test_webhooks_enabled_after_the_app_started_are_taken_from_the_first_delivery(tmp_path):
    rig = make_rig(tmp_path / "data")
    try:
        await rig.session.start()
        await rig.intake.keys.ensure(rig.session.companies)  # no integrations yet: no keys
        assert not rig.intake.keys.known()
        await rig.enable_all()  # e.g. `callrail-tui webhooks enable` from another terminal
        await rig.deliver(5 * 60)
        stats = rig.intake.receiver.stats
        assert stats.counts[Outcome.ACCEPTED] > 0 and stats.rejected == 0
        assert {r.outcome for r in rig.sim.webhooks.log} == {"delivered"}
    finally:
        await rig.close()
