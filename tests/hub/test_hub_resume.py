"""A viewer that drops off and comes back with its last number gets exactly what it missed: no gaps,
nothing twice; a number the hub no longer keeps gets a fresh snapshot."""

from __future__ import annotations

import json

import websockets

from tests.hub.conftest import connect, receive
from tui.hub import wire


async def read_until_caught_up(socket) -> list[dict]:
    messages = []
    while True:
        message = await receive(socket)
        if message["type"] == "caught_up":
            return messages
        messages.append(message)


async def test_resuming_brings_exactly_the_missed_events(rig) -> None:
    token = rig.token("Dana")
    socket = await connect(rig, token)
    start = await read_until_caught_up(socket)
    snapshot = start[0]
    seen = {call["id"] for message in start for call in message.get("calls", [])}
    await rig.poll(minutes=15)
    last = snapshot["seq"]
    while last < rig.hub.events.last_seq:
        message = await receive(socket)
        if "seq" in message:
            assert message["seq"] == last + 1
            last = message["seq"]
            seen |= {call["id"] for call in message.get("calls", [])}
    await socket.close()

    for _ in range(3):  # the day goes on while the viewer is away
        await rig.poll(minutes=15)
    socket = await connect(rig, token, since=last)
    missed = [m for m in await read_until_caught_up(socket) if "seq" in m]
    assert [m["seq"] for m in missed] == list(range(last + 1, rig.hub.events.last_seq + 1))
    assert all(m["type"] != "snapshot" for m in missed)
    for message in missed:
        seen |= {call.id for call in wire.calls(message.get("calls", []))}
    assert set(rig.session.state.calls) <= seen  # (the hub forgets calls past the lookback; so do viewers)
    await socket.close()


async def test_a_number_the_hub_does_not_know_gets_a_snapshot(rig) -> None:
    token = rig.token("Dana")
    socket = await connect(rig, token, since=10**9)
    assert (await receive(socket))["type"] == "snapshot"
    await socket.close()
    # a number from another log (another hub, or this one started afresh) is not taken either
    socket = await websockets.connect(rig.ws_url, additional_headers={"Authorization": f"Bearer {token}"})
    await socket.send(json.dumps({"type": "hello", "since": 1, "log": "another-log"}))
    first = await receive(socket)
    assert first["type"] == "snapshot" and first["log"] == rig.hub.events.log_id
    await socket.close()
