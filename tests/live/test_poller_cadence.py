"""The poller's cadence on a manual clock: correctness bounds on simulated time, not wall-clock benchmarks.

How fresh a call is depends on the longest gap between two reads of the calls list, so these check that
the gaps stay even and short on a busy day within the budget, that nothing makes a call poll wait for the
budget, and that watching calls for their end and their recording costs no request of its own.
"""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tui.live.events import CallsChanged
from tui.live.followups import post_call_arrived
from tui.live.pacing import HOUR, background_caps, hour_target
from tui.sim import SimConfig

from .conftest import make_env, max_in_window

# The account at the documented limits, another integration on it, a busy day in one time zone with no
# calls after hours (as the benchmark's ten-hour day), so the poller may keep the hourly pace.
BUSY = SimConfig(
    seed=7, call_volume=2.0, external_share=0.2, after_hours_volume=0.0, time_zone="America/New_York"
)
# The calls list gets at least 1/SLACK of the budget's pace (conversations take ~7%, forms ~2%, re-reads ~0).
SLACK = 1.2


async def drive(env, duration: timedelta) -> list[float]:
    """Poll as the benchmark does; return how long each cycle itself took on the clock (a budget wait
    inside a cycle moves the manual clock)."""
    poller = env.session.poller
    end = env.clock.now() + duration
    inside = []
    while env.clock.now() < end:
        before = env.clock.now()
        await env.session.poll_once()
        inside.append((env.clock.now() - before).total_seconds())
        env.clock.advance(poller.next_delay())
    return inside


def call_polls(env, after=None) -> list:
    """When the calls list was read (a catch-up's pages at the same moment count once)."""
    times = sorted(
        {
            r.at
            for r in env.our_requests()
            if r.method == "GET" and r.path.endswith("/calls.json") and (after is None or r.at >= after)
        }
    )
    return times


def largest_gap(times) -> float:
    return max((b - a).total_seconds() for a, b in itertools.pairwise(times))


def per_call_reads(env, after=None) -> list:
    return [
        r
        for r in env.our_requests()
        if r.method == "GET" and "/calls/" in r.path and (after is None or r.at >= after)
    ]


async def test_call_polls_keep_an_even_cadence_within_the_budget(tmp_path):
    env = make_env(tmp_path, config=BUSY)
    await env.session.start()
    inside = await drive(env, timedelta(hours=2))
    assert max(inside) == 0  # no budget wait ever held up a cycle
    snapshot = env.session.budget.snapshot()
    pace = HOUR / hour_target(snapshot)  # one request every ~4.7 s at the documented limits
    polls = call_polls(env)
    assert largest_gap(polls) <= SLACK * pace
    mean = (polls[-1] - polls[0]).total_seconds() / (len(polls) - 1)
    assert mean <= SLACK * pace
    ours = env.our_requests()
    assert all(r.status != 429 for r in ours)
    # never over the background cap in any hour (and so the app's share), the user reserve left free
    assert max_in_window([r.at for r in ours], 3600) <= background_caps(snapshot)[0]
    # watching calls end and their recordings arrive cost no request of its own
    assert per_call_reads(env) == []
    await env.session.stop()


async def test_user_actions_go_first_and_the_poller_makes_room_without_waiting(tmp_path):
    env = make_env(tmp_path, config=BUSY)
    await env.session.start()
    await drive(env, timedelta(minutes=70))  # the rolling hour is at the poller's pace
    # the user opens as many calls in a row as the reserve holds: none waits for the budget
    snapshot = env.session.budget.snapshot()
    reserve = snapshot.limit_hour - background_caps(snapshot)[0]
    burst_at = env.clock.now()
    for call_id in list(env.session.state.calls)[:reserve]:
        await env.session.open_call(call_id)
    assert env.clock.now() == burst_at
    inside = await drive(env, timedelta(minutes=70))
    # the burst took the hour past the background cap: the cycle already due waits for room (user actions
    # go first); after it none does, the poller paces itself by what leaves the hour instead
    assert max(inside[1:]) == 0
    snapshot = env.session.budget.snapshot()
    pace = HOUR / hour_target(snapshot)
    polls = call_polls(env, after=burst_at)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(polls)]
    # a gap or two while the hour drains, then never more than twice the usual gap
    assert max(gaps[2:]) <= 2 * SLACK * pace
    times = [r.at for r in env.our_requests()]
    assert max_in_window(times, 3600) <= snapshot.limit_hour
    assert all(r.status != 429 for r in env.our_requests())
    await env.session.stop()


async def test_call_endings_and_recordings_come_with_the_calls_list(env):
    await env.drive(timedelta(hours=1))
    end = env.clock.now()
    own = env.sim.account.calls_by_id
    enriched = {
        e.id
        for e in env.sim.events
        if e.kind == "call_enriched" and e.id in own and e.at < end - timedelta(seconds=30)
    }
    assert enriched
    calls = env.session.state.calls
    assert all(post_call_arrived(calls[call_id]) for call_id in enriched)
    # the feed saw each of them change in place: once ended, once with its recording and summary
    changed = [c for event in env.events if isinstance(event, CallsChanged) for c in event.changed]
    assert {c.id for c in changed if post_call_arrived(c)} >= enriched
    assert per_call_reads(env) == []


async def test_an_open_call_gets_its_transcript_when_it_arrives(env):
    await env.drive(timedelta(minutes=5))
    own = env.sim.account.calls_by_id
    # a call that has ended but whose recording and transcript are still to come
    now = env.clock.now()
    pending = next(
        c.id
        for c in own.values()
        if c.enriched_at is not None and c.ended_at < now and c.enriched_at > now + timedelta(minutes=2)
    )
    opened = await env.session.open_call(pending)
    assert not opened.conversational_transcript
    await env.drive(own[pending].enriched_at - now + timedelta(minutes=1))
    call = env.session.state.calls[pending]
    assert call.conversational_transcript and call.recording
    # one read when the user opened it, one more when the list showed its post-call data
    assert len([r for r in per_call_reads(env) if pending in r.path]) == 2


async def test_a_quiet_hours_long_gap_ends_when_a_busy_hour_begins(tmp_path):
    # 07:58 in New York, before any company of the agency opens: one poll every few minutes, but the
    # calls of 08:00 do not wait for the end of that gap
    config = SimConfig(seed=7, call_volume=2.0, after_hours_volume=0.0)
    env = make_env(tmp_path, start=datetime(2026, 11, 24, 12, 58, tzinfo=UTC), config=config)
    await env.session.start()
    await env.session.poll_once()
    poller = env.session.poller
    assert poller.next_delay() == pytest.approx(120, abs=1)
    env.clock.advance(poller.next_delay())
    await env.session.poll_once()
    assert poller.next_delay() < 10  # 08:00: the open hours' pace
    await env.session.stop()
