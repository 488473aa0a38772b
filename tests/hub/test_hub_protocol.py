"""The hub's WebSocket over real loopback TCP: a snapshot of today on connect (in pieces), then numbered
events."""

from __future__ import annotations

from tests.hub.conftest import connect, receive
from tui.hub.fanout import SNAPSHOT_CHUNK


async def test_a_viewer_gets_a_snapshot_then_numbered_events(rig) -> None:
    socket = await connect(rig, rig.token("Dana"))
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    assert snapshot["you"] == "Dana"
    assert snapshot["companies"] and snapshot["status"]["budget"]["limit_hour"] > 0
    assert len(snapshot["calls"]) <= SNAPSHOT_CHUNK
    calls = {call["id"] for call in snapshot["calls"]}
    conversations = set()
    while (message := await receive(socket))["type"] == "snapshot_more":
        calls |= {call["id"] for call in message.get("calls", [])}
        conversations |= {c["id"] for c in message.get("conversations", [])}
    assert message == {"type": "caught_up", "seq": snapshot["seq"]}
    assert calls == set(rig.session.state.calls)
    assert conversations == set(rig.session.state.conversations)
    await rig.poll(minutes=20)
    event = await receive(socket, kind="calls")
    assert event["seq"] > snapshot["seq"]
    assert {call["id"] for call in event["calls"]} <= set(rig.session.state.calls)
    await socket.close()
