"""A simulated working day with a flaky server and a restart at lunch (slow: run with ``-m slow``)."""

from datetime import timedelta

import pytest

from tui.live.events import OutboxState
from tui.sim import SimConfig

from .conftest import START, make_env, max_in_window

pytestmark = pytest.mark.slow


async def test_a_working_day_with_faults_and_a_restart(tmp_path):
    env = make_env(tmp_path, start=START - timedelta(hours=1), config=SimConfig(seed=5, call_volume=2.0))
    sent_contents = []

    async def half_day(session_env, label):
        await session_env.session.start()
        for hour in range(5):
            faults = session_env.sim.faults
            faults.error_rate, faults.drop_rate = 0.05, 0.03
            faults.drop_after_send = hour == 2
            conversation = next(iter(session_env.sim.account.conversations.values()))
            content = f"{label} update {hour}"
            session_env.session.send_text(
                company_id=conversation.company_id,
                customer_phone_number=conversation.customer.phone,
                content=content,
            )
            sent_contents.append((conversation, content))
            await session_env.session.outbox.process()
            await session_env.drive(timedelta(hours=1))
            faults.reset()
            # the user looks at texts whose fate is unknown (a 5xx or a drop) and sends them again
            for item in session_env.session.outbox_items():
                if item.state is OutboxState.UNKNOWN:
                    session_env.session.resolve_unknown(item.id, sent=False)
            await session_env.session.outbox.process()
        await session_env.session.stop()

    await half_day(env, "morning")
    afternoon = make_env(tmp_path, sim=env.sim)
    await half_day(afternoon, "afternoon")

    # the day as the store has it, read back by a third run
    final = make_env(tmp_path, sim=env.sim)
    end = final.clock.now()
    stored_calls = {call.id for call in final.session.store.load_calls(end - timedelta(hours=24))}
    assert final.own_calls_started(before=end - timedelta(seconds=30)) <= stored_calls
    stored = {c.id: c for c in final.session.store.load_conversations(end - timedelta(days=2))}
    own = final.sim.account.conversations
    for event in final.sim.events:
        if (
            event.kind in ("text_in", "text_out")
            and event.id in own
            and event.at < end - timedelta(minutes=2)
        ):
            assert stored[event.id].last_message_at >= event.at.replace(microsecond=0)
    # every text went out exactly once
    for conversation, content in sent_contents:
        matching = [
            m for m in conversation.messages if m.direction == "outgoing" and m.content.startswith(content)
        ]
        assert len(matching) == 1, content
    assert all(item.state is OutboxState.SENT for item in final.session.outbox_items())
    # within the app's share of the budget all day, and never a 429
    ours = [record for record in final.sim.request_log if not record.external]
    assert not [record for record in ours if record.status == 429]
    times = [record.at for record in ours]
    assert max_in_window(times, 3600) <= 800
    assert max_in_window(times, 86400) <= 8000
    await final.session.stop()
