"""On the simulator: while deliveries come the poller only reconciles; when they stop coming, polls find
what they missed and the poller goes back to its full pace, saying why."""

import pytest

from tests.live.webhook_rig import make_rig
from tui.live.backstop import RECONCILE_CALLS_S
from tui.live.events import Channel, ChannelStatus
from tui.sim.webhooks.faults import WebhookFaults


@pytest.fixture
async def rig(tmp_path):
    built = make_rig(tmp_path / "data")
    await built.session.start()
    await built.intake.keys.ensure(built.session.companies)
    await built.enable_all()
    yield built
    await built.close()


async def day(rig, minutes: int) -> None:
    """``minutes`` of the day, delivering as it goes and polling when the poller says it is due."""
    due = 0.0
    for _ in range(minutes * 2):
        await rig.deliver(30, step=30)
        await rig.take_in()
        due -= 30
        if due <= 0:
            await rig.session.poll_once()
            due = rig.session.poller.next_delay()


async def test_deliveries_slow_the_poller_to_a_reconcile_pace(rig):
    seen: list[ChannelStatus] = []
    rig.session.subscribe(lambda event: seen.append(event) if isinstance(event, ChannelStatus) else None)
    await rig.session.poll_once()
    assert rig.session.backstop.status.reason == "no webhook received yet"
    assert rig.session.poller.next_delay() < RECONCILE_CALLS_S
    await day(rig, 30)
    assert rig.session.backstop.status.channel is Channel.PUSH
    await rig.session.poll_once()
    assert rig.session.poller.next_delay() >= RECONCILE_CALLS_S
    assert [s.channel for s in seen][-1] is Channel.PUSH


async def test_when_deliveries_stop_polls_find_the_calls_and_the_poller_speeds_up(rig):
    await day(rig, 30)
    assert rig.session.backstop.status.channel is Channel.PUSH
    rig.sim.webhooks.faults = WebhookFaults(drop_rate=1.0)
    for _ in range(12):
        await day(rig, 10)
        if rig.session.backstop.status.channel is Channel.POLL:
            break
    status = rig.session.backstop.status
    assert status.channel is Channel.POLL and "before any webhook" in status.reason
    await rig.session.poll_once()
    assert rig.session.poller.next_delay() < RECONCILE_CALLS_S
    # nothing was lost: every call the simulator has is in the app
    own = {call.id for call in rig.sim.account.calls_by_id.values()}
    started = {e.id for e in rig.sim.events if e.kind == "call_started" and e.id in own}
    await rig.session.poll_once()
    assert started <= set(rig.session.state.calls)
