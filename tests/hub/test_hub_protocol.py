"""The hub's WebSocket over real loopback TCP: a snapshot of today on connect, then numbered events; a
viewer that comes back gets only what it missed."""

from __future__ import annotations

from tests.hub.conftest import connect, receive


async def test_a_viewer_gets_a_snapshot_then_numbered_events(rig) -> None:
    socket = await connect(rig, rig.token("Dana"))
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    assert snapshot["you"] == "Dana"
    assert {call["id"] for call in snapshot["calls"]} == set(rig.session.state.calls)
    assert snapshot["companies"] and snapshot["status"]["budget"]["limit_hour"] > 0
    caught_up = await receive(socket)
    assert caught_up == {"type": "caught_up", "seq": snapshot["seq"]}
    await rig.poll(minutes=20)
    event = await receive(socket, kind="calls")
    assert event["seq"] > snapshot["seq"]
    assert {call["id"] for call in event["calls"]} <= set(rig.session.state.calls)
    await socket.close()
