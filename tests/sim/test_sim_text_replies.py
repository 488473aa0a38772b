"""Callers answer some texts sent through the API: after a short delay, the same way every run."""

from conftest import START, client_for

from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.sim.scripts import ANSWERS_TO_TEXTS
from tui.sim.text_replies import DELAY_S


def answers_after(sim: Simulator, conversation_id: str, after) -> list:
    messages = sim.account.conversations[conversation_id].messages
    return [m for m in messages if m.direction == "incoming" and m.created_at > after]


async def send_to_several(sim: Simulator, count: int) -> list[tuple[str, object]]:
    """One text to each of ``count`` conversations with no planned traffic of their own: new numbers."""
    company = next(iter(sim.account.companies.values()))
    tracker = next(t for t in sim.account.trackers.values() if t.company_id == company.id)
    sent = []
    async with client_for(sim) as api:
        for n in range(count):
            body = {
                "company_id": company.id,
                "tracking_number": tracker.tracking_number,
                "customer_phone_number": f"(312) 555-{100 + n:04d}",
                "content": "Hi, following up on your call",
            }
            conversation = (await api.post("text-messages.json", json=body)).json()
            sent.append((conversation["id"], sim.clock.now()))
    return sent


async def replies_in(sim: Simulator, count: int = 12) -> list[tuple[str, float, str]]:
    """(conversation, seconds after the text, content) of each answer to ``count`` texts."""
    sent = await send_to_several(sim, count)
    sim.clock.advance(DELAY_S[1] + 1)
    sim.advance()
    out = []
    for conversation_id, at in sent:
        for message in answers_after(sim, conversation_id, at):
            out.append((conversation_id, (message.created_at - at).total_seconds(), message.content))
    return out


async def test_some_texts_are_answered_after_a_short_delay(make_sim):
    replies = await replies_in(make_sim())
    assert 0 < len(replies) < 12  # some, not all
    assert all(DELAY_S[0] <= delay <= DELAY_S[1] for _, delay, _ in replies)
    assert all(content in ANSWERS_TO_TEXTS for _, _, content in replies)
    assert len({conversation for conversation, _, _ in replies}) == len(replies)  # one each


async def test_answers_come_from_the_seed():
    first = await replies_in(Simulator(SimConfig(seed=3), clock=ManualClock(START)))
    again = await replies_in(Simulator(SimConfig(seed=3), clock=ManualClock(START)))
    other = await replies_in(Simulator(SimConfig(seed=4), clock=ManualClock(START)))
    assert first == again
    assert first != other


async def test_nobody_answers_when_the_chance_is_zero(make_sim):
    assert await replies_in(make_sim(text_reply_chance=0.0)) == []


async def test_texts_in_a_row_get_one_answer(make_sim):
    sim = make_sim(text_reply_chance=1.0)
    company = next(iter(sim.account.companies.values()))
    tracker = next(t for t in sim.account.trackers.values() if t.company_id == company.id)
    body = {
        "company_id": company.id,
        "tracking_number": tracker.tracking_number,
        "customer_phone_number": "(312) 555-0150",
    }
    async with client_for(sim) as api:
        first = (await api.post("text-messages.json", json=body | {"content": "Hello"})).json()
        sim.clock.advance(5)
        await api.post("text-messages.json", json=body | {"content": "Are you there?"})
        sim.clock.advance(DELAY_S[1] + 1)
        shown = (await api.get(f"text-messages/{first['id']}.json")).json()
    directions = [m["direction"] for m in reversed(shown["messages"])]
    assert directions == ["outgoing", "outgoing", "incoming"]
