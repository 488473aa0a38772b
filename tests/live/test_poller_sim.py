"""The poller against the in-process simulator, on a manual clock (simulated hours in seconds)."""

from datetime import timedelta

from tui.live.events import CallsChanged, InboundCall, InboundText, PollState
from tui.live.followups import ENRICH_AFTER, post_call_arrived
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock

from .conftest import START, make_env, max_in_window


async def test_a_working_morning_nothing_missed_enriched_within_budget(env):
    await env.drive(timedelta(hours=2))
    end = env.clock.now()
    started = env.own_calls_started(before=end - timedelta(seconds=30))
    assert len(started) > 20
    assert started <= set(env.session.state.calls)
    # every call whose post-call data came before it was given up on shows it (from the list poll)
    own = env.sim.account.calls_by_id
    enriched = {
        event.id
        for event in env.sim.events
        if event.kind == "call_enriched"
        and event.id in own
        and own[event.id].ended_at + ENRICH_AFTER[-1] < end
    }
    assert enriched
    assert all(post_call_arrived(env.session.state.calls[call_id]) for call_id in enriched)
    # and every call that ended shows it
    ended = {
        e.id
        for e in env.sim.events
        if e.kind == "call_ended" and e.id in own and e.at < end - timedelta(seconds=30)
    }
    assert not any(env.session.state.calls[call_id].is_live for call_id in ended)
    # within the app's share of the budget, with no 429
    ours = env.our_requests()
    assert all(record.status != 429 for record in ours)
    assert max_in_window([record.at for record in ours], 3600) <= env.session.budget.snapshot().limit_hour
    assert env.session.status.state is PollState.OK


async def test_interval_adapts_to_activity(env):
    await env.drive(timedelta(minutes=30))
    busy = len(env.our_requests())
    # 04:00 in New York, 01:00 in Los Angeles: hardly a call
    env.clock.set(START + timedelta(hours=19))
    await env.drive(timedelta(minutes=40))
    before_quiet = len(env.our_requests())
    await env.drive(timedelta(minutes=30))
    quiet = len(env.our_requests()) - before_quiet
    assert quiet < busy * 0.7


async def test_429_burst_backs_off_then_recovers_and_catches_up(env):
    await env.drive(timedelta(minutes=5))
    env.sim.faults.burst_429(180)
    burst_started = env.clock.now()
    await env.session.poll_once()
    assert env.session.status.state is PollState.RATE_LIMITED
    assert env.session.status.budget.backoff_until is not None
    await env.drive(timedelta(minutes=15))
    assert env.session.status.state is PollState.OK
    rejected = [r for r in env.our_requests() if r.status == 429]
    assert 1 <= len(rejected) <= 4  # the first one, then a probe now and then
    assert env.own_calls_started(before=env.clock.now() - timedelta(seconds=30), after=burst_started) <= set(
        env.session.state.calls
    )


async def test_network_drop_goes_offline_then_catches_up_with_nothing_missed(env):
    await env.drive(timedelta(minutes=5))
    env.sim.faults.drop_rate = 1.0
    outage_started = env.clock.now()
    await env.drive(timedelta(minutes=40))
    status = env.session.status
    assert status.state is PollState.OFFLINE
    assert status.last_success is not None and status.last_success <= outage_started
    assert "connection" in status.message.lower()
    # backing off: 40 minutes of polls would be ~480 requests; the client tries each read 3 times
    attempts = [r for r in env.our_requests() if r.at >= outage_started]
    assert len(attempts) < 160
    env.sim.faults.reset()
    await env.drive(timedelta(minutes=2))
    assert env.session.status.state is PollState.OK
    missed_meanwhile = env.own_calls_started(
        before=env.clock.now() - timedelta(seconds=30), after=outage_started
    )
    assert missed_meanwhile and missed_meanwhile <= set(env.session.state.calls)


async def test_laptop_sleep_is_caught_up_page_by_page(tmp_path):
    env = make_env(tmp_path, config=SimConfig(seed=11, call_volume=6.0))
    await env.session.start()
    await env.drive(timedelta(minutes=2))
    asleep_at = env.clock.now()
    env.clock.jump_wall(3 * 3600)  # the wall clock jumps, the monotonic clock does not
    requests_before = len(env.our_requests())
    await env.session.poll_once()
    slept_through = env.own_calls_started(before=env.clock.now(), after=asleep_at)
    assert len(slept_through) > 250  # more than one page
    assert slept_through <= set(env.session.state.calls)
    call_lists = [r for r in env.our_requests()[requests_before:] if r.path.endswith("/calls.json")]
    assert len(call_lists) >= 2
    await env.session.stop()


async def test_new_calls_are_announced_once_and_ended_calls_update(env):
    await env.drive(timedelta(minutes=30))
    new_ids = [call.id for event in env.events if isinstance(event, CallsChanged) for call in event.new]
    assert len(new_ids) == len(set(new_ids))
    changed = [call for event in env.events if isinstance(event, CallsChanged) for call in event.changed]
    assert any(not call.is_live for call in changed)
    announced = [event.call.id for event in env.events if isinstance(event, InboundCall)]
    assert announced and set(announced) <= set(new_ids) and len(announced) == len(set(announced))
    own_texts_in = [
        e for e in env.sim.events if e.kind == "text_in" and e.id in env.sim.account.conversations
    ]
    texts = [event for event in env.events if isinstance(event, InboundText)]
    assert texts if own_texts_in else not texts
    assert all(event.message.incoming for event in texts)


async def test_calls_and_texts_from_before_the_app_started_are_not_announced(tmp_path):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START - timedelta(minutes=10)))
    sim.clock.advance(600)  # ten busy minutes pass before the app starts
    env = make_env(tmp_path / "data", sim=sim)
    await env.session.start()
    await env.drive(timedelta(minutes=20))
    started = env.clock.now() - timedelta(minutes=20)
    before = [
        call
        for event in env.events
        if isinstance(event, CallsChanged)
        for call in event.new
        if call.start_time < started
    ]
    assert before, "the first poll brings the calls of the minutes before the start"
    announced = [event.call for event in env.events if isinstance(event, InboundCall)]
    assert announced and all(call.start_time >= started for call in announced)
    texts = [event.message for event in env.events if isinstance(event, InboundText)]
    assert all(message.created_at >= started for message in texts)
    await env.session.stop()


async def test_flaky_server_keeps_it_running_and_nothing_is_missed(env):
    faults = env.sim.faults
    faults.error_rate, faults.drop_rate, faults.truncate_rate = 0.2, 0.1, 0.1
    flaky_from = env.clock.now()
    await env.drive(timedelta(minutes=45))
    faults.reset()
    await env.drive(timedelta(minutes=3))
    assert env.session.status.state is PollState.OK
    started = env.own_calls_started(before=env.clock.now() - timedelta(seconds=30), after=flaky_from)
    assert started and started <= set(env.session.state.calls)
    assert any(r.status >= 500 or r.status == 0 for r in env.our_requests())
