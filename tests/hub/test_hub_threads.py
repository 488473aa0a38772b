"""A thread a viewer has open is read at the hub at the calls' pace, as the standalone app reads its own:
every poll cycle while someone has it open, several viewers' threads in turn, and no more once the last
viewer closed it or went away. Against the simulator, over loopback TCP."""

from __future__ import annotations

import json

from tests.hub.conftest import connect, receive, until, viewing
from tui.live.open_thread import OpenThread


def thread_reads(rig, conversation_id: str) -> int:
    return sum(
        1
        for r in rig.sim.request_log
        if r.method == "GET" and r.path.endswith(f"/text-messages/{conversation_id}.json")
    )


def conversations(rig, count: int) -> list[str]:
    return [c.id for c in rig.session.state.conversations_newest_first()[:count]]


async def reading(socket, conversation_id: str | None) -> None:
    opened = f"thread:{conversation_id}" if conversation_id else None
    await socket.send(json.dumps({"type": "presence", "open": opened, "reading": conversation_id}))


async def polls_reading(rig, conversation_id: str, cycles: int = 3) -> int:
    """How many times ``cycles`` poll cycles read the conversation."""
    before = thread_reads(rig, conversation_id)
    for _ in range(cycles):
        await rig.poll(minutes=1)
    return thread_reads(rig, conversation_id) - before


async def test_a_thread_a_viewer_has_open_is_read_every_cycle_until_closed(rig) -> None:
    [conversation_id] = conversations(rig, 1)
    assert await polls_reading(rig, conversation_id) == 0
    socket = await connect(rig, rig.token("Dana"))
    await receive(socket, kind="caught_up")
    await reading(socket, conversation_id)
    await until(lambda: rig.hub.threads.watched == {conversation_id})
    assert await polls_reading(rig, conversation_id) == 3
    await reading(socket, None)
    await until(lambda: not rig.hub.threads.watched)
    assert await polls_reading(rig, conversation_id) == 0
    await socket.close()


async def test_two_viewers_threads_are_read_in_turn_and_a_viewer_going_away_stops_its_own(rig) -> None:
    first, second = conversations(rig, 2)
    # neither reads what the polls bring: a close the client cannot hear answered ends at its timeout
    dana = await connect(rig, rig.token("Dana"), close_timeout=0.5)
    sam = await connect(rig, rig.token("Sam"), close_timeout=0.5)
    for socket in (dana, sam):
        await receive(socket, kind="caught_up")
    await reading(dana, first)
    await reading(sam, second)
    await until(lambda: rig.hub.threads.watched == {first, second})
    before = thread_reads(rig, first), thread_reads(rig, second)
    for _ in range(4):
        await rig.poll(minutes=1)
    assert (thread_reads(rig, first) - before[0], thread_reads(rig, second) - before[1]) == (2, 2)
    await sam.close()  # gone without a word: leaving is enough
    await until(lambda: rig.hub.threads.watched == {first})
    assert await polls_reading(rig, second) == 0
    assert await polls_reading(rig, first) == 3
    await dana.close()
    await until(lambda: not rig.hub.threads.watched)


async def test_the_same_thread_open_at_two_viewers_is_read_until_both_closed_it(rig) -> None:
    [conversation_id] = conversations(rig, 1)
    dana, sam = await connect(rig, rig.token("Dana")), await connect(rig, rig.token("Sam"))
    for socket in (dana, sam):
        await receive(socket, kind="caught_up")
        await reading(socket, conversation_id)
    await until(lambda: rig.hub.threads.watched == {conversation_id})
    await reading(dana, None)
    await until(
        lambda: len(rig.hub.fanout.presence()) == 2 and not rig.hub.fanout.attendees[0].presence.reading
    )
    assert await polls_reading(rig, conversation_id) == 3  # Sam still has it open
    await reading(sam, None)
    await until(lambda: not rig.hub.threads.watched)
    assert await polls_reading(rig, conversation_id) == 0
    for socket in (dana, sam):
        await socket.close()


async def test_a_viewer_app_opening_a_thread_has_the_hub_read_it(rig, tmp_path) -> None:
    [conversation_id] = conversations(rig, 1)
    async with viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, _):
        await until(lambda: conversation_id in dana.state.conversations)
        dana.watch_thread(conversation_id)  # what the thread screen does when it opens
        await until(lambda: rig.hub.threads.watched == {conversation_id})
        assert await polls_reading(rig, conversation_id) == 3
        await dana.poller._socket.close()  # the connection drops: the hub stops reading it
        await until(lambda: not rig.hub.threads.watched)
        # the viewer reconnects and tells the hub again what it has open
        await until(lambda: rig.hub.threads.watched == {conversation_id})
        assert await polls_reading(rig, conversation_id) == 3
        dana.unwatch_thread(conversation_id)
        await until(lambda: not rig.hub.threads.watched)
        assert await polls_reading(rig, conversation_id) == 0


def test_in_turn_every_open_thread_is_read_one_a_cycle() -> None:
    thread = OpenThread()
    thread.in_turn = True
    assert thread.due(pushed=False) is None
    thread.open("AAAAA")
    thread.open("BBBBB")
    thread.open("AAAAA")  # a second viewer on the same thread
    assert [thread.due(pushed=False) for _ in range(4)] == ["AAAAA", "BBBBB", "AAAAA", "BBBBB"]
    assert thread.due(pushed=True) is None
    thread.close("AAAAA")
    assert [thread.due(pushed=False) for _ in range(2)] == ["AAAAA", "BBBBB"]
