"""Random interleavings of sends, lost requests, read-backs, "send again" and "it was sent": every text
ends sent exactly once, or visibly not sent, and the sender is still running."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.live.conftest import START, make_env
from tests.live.gate import Fate, GatedTransport, deliver_all, hold_all
from tests.live.test_session_sim import a_conversation, server_messages
from tui.live.events import OutboxState
from tui.live.outbox import NothingToDecide
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock

SEND = ("send",)
TICK = ("tick",)
steps = st.lists(
    st.one_of(
        st.just(SEND),
        st.tuples(st.just("release"), st.sampled_from(list(Fate))),
        st.tuples(st.just("decide"), st.integers(0, 7), st.booleans()),
        st.just(TICK),
    ),
    min_size=1,
    max_size=30,
)
UNSETTLED = {OutboxState.QUEUED, OutboxState.SENDING, OutboxState.CHECKING}


async def turns(count: int = 30) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def play(plan: list[tuple], data_dir: Path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    gate = GatedTransport(sim.app)
    env = make_env(data_dir, sim=sim, transport=gate)
    session = env.session
    await session.start()
    company_id, phone = a_conversation(sim)
    gate.policy = hold_all
    runner = asyncio.create_task(session.outbox.run())
    marked_sent: set[int] = set()
    try:
        for step in plan:
            if step == SEND:
                session.send_text(
                    company_id=company_id,
                    customer_phone_number=phone,
                    content=f"Text {len(marked_sent)}-{len(session.outbox_items())} from the property test.",
                )
            elif step == TICK:
                sim.clock.advance(30)
                session.outbox.wake()
            elif step[0] == "release" and not gate.held.empty():
                gate.held.get_nowait().decide(step[1])
            elif step[0] == "decide" and (items := session.outbox_items()):
                item = items[step[1] % len(items)]
                try:
                    session.resolve_unknown(item.id, sent=step[2])
                except NothingToDecide:
                    pass
                else:
                    if step[2]:
                        marked_sent.add(item.id)
            await turns()

        gate.policy = deliver_all
        for _ in range(200):
            while not gate.held.empty():
                gate.held.get_nowait().decide(Fate.DELIVER)
            if not any(item.state in UNSETTLED for item in session.outbox_items()):
                break
            session.outbox.wake()
            await turns()
        assert not runner.done(), runner
        for item in session.outbox_items():
            copies = len(server_messages(sim, company_id, phone, item.content))
            assert copies <= 1, item
            if item.state is OutboxState.SENT:
                assert copies == 1 or item.id in marked_sent, item
            else:
                assert copies == 0 and item.state in {OutboxState.UNKNOWN, OutboxState.FAILED}, item
    finally:
        runner.cancel()
        await session.stop()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps)
def test_every_text_ends_sent_once_or_visibly_unsent(plan):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play(plan, Path(folder)))
