"""A first start (or a catch-up after an outage) that reads many pages of calls shows them page by page,
with how far back it has read, instead of an empty feed until the last page."""

from datetime import timedelta

from tests.live.conftest import START, make_env
from tui.live.events import CallsChanged, PollStatus
from tui.live.poller import LOOKBACK
from tui.sim import SimConfig


async def test_a_long_first_read_arrives_page_by_page_with_its_progress(tmp_path):
    # late in a busy day: more calls since yesterday than one page holds
    env = make_env(tmp_path, start=START + timedelta(hours=8), config=SimConfig(seed=7, call_volume=3.0))
    session = env.session
    await session.start()
    env.events.clear()
    await session.poll_once()
    progress = [e.catch_up for e in env.events if isinstance(e, PollStatus) and e.catch_up is not None]
    assert progress, "the read took one page: make the day busier"
    assert [p.pages for p in progress] == list(range(1, len(progress) + 1))
    assert all(p.since <= p.reached for p in progress)
    assert progress[-1].reached < progress[0].reached  # each page reaches further back
    assert progress[0].since == env.clock.now() - LOOKBACK
    # the calls of the first page were handed over before the last page was read
    first_calls = next(i for i, e in enumerate(env.events) if isinstance(e, CallsChanged))
    first_progress = next(i for i, e in enumerate(env.events) if isinstance(e, PollStatus) and e.catch_up)
    assert first_calls < first_progress  # merged just before the status that says more is coming
    final = [e for e in env.events if isinstance(e, PollStatus)][-1]
    assert final.catch_up is None
    own = env.own_calls_started(env.clock.now(), after=env.clock.now() - LOOKBACK)
    assert own <= set(session.state.calls)
    await session.stop()
