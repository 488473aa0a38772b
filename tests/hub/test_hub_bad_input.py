"""Bad input from one viewer harms nobody else: its actions are limited, oversized and malformed
messages are refused (its socket alone is closed), and nothing a viewer gets holds the API key."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.hub.conftest import connect, receive, running_hub
from tui.hub.fanout import QUEUE_MAX, Attendee
from tui.hub.limits import MAX_BODY, MAX_MESSAGE, ActionLimiter
from tui.hub.wire import CUT_BAD_MESSAGE, CUT_OVERFLOW, CUT_TOO_BIG


async def test_actions_are_limited_per_viewer(tmp_path) -> None:
    async with running_hub(tmp_path, limiter=ActionLimiter(per_minute=0.01, burst=3)) as rig:  # noqa: SIM117
        async with rig.http(rig.token("Dana")) as dana, rig.http(rig.token("Sam")) as sam:
            answers = [await dana.post("/api/calls/CALnope/open") for _ in range(4)]
            assert [a.status_code for a in answers] == [404, 404, 404, 429]
            assert "Too many actions from Dana" in answers[-1].json()["error"]
            assert int(answers[-1].headers["retry-after"]) > 0
            assert (await sam.post("/api/calls/CALnope/open")).status_code == 404  # Sam has his own


async def test_oversized_and_malformed_requests_are_refused(rig) -> None:
    async with rig.http(rig.token("Dana")) as http:
        huge = await http.post("/api/texts", content=b"{" + b" " * (MAX_BODY + 1) + b"}")
        assert huge.status_code == 413
        assert (await http.post("/api/texts", content=b"{not json")).status_code == 400
        assert (await http.post("/api/texts", content=b"[1, 2]")).status_code == 400
        wrong = await http.post("/api/texts", json={"key": "k", "content": 5, "extra": True})
        assert wrong.status_code == 422 and "content" in wrong.json()["error"]
        assert (await http.post("/api/calls/CAL1", json={})).status_code == 422
        assert (await http.get("/api/conversations/X?page=zero")).status_code == 400


@pytest.mark.parametrize(
    ("message", "code"),
    [("x" * (MAX_MESSAGE + 1), CUT_TOO_BIG), ("{nope", CUT_BAD_MESSAGE), (b"\x00binary", CUT_BAD_MESSAGE)],
)
async def test_a_bad_message_closes_that_socket_and_the_others_keep_receiving(rig, message, code) -> None:
    bystander = await connect(rig, rig.token("Lee"))
    await receive(bystander, kind="caught_up")
    rude = await connect(rig, rig.token("Rude"))
    await receive(rude, kind="caught_up")
    await rude.send(message)
    with pytest.raises(ConnectionClosed):
        while True:
            await receive(rude)
    assert rude.close_code == code
    await rig.poll(minutes=20)
    assert (await receive(bystander, kind="calls"))["calls"]
    await bystander.close()


async def test_no_response_holds_the_api_key(rig) -> None:
    key = rig.sim.api_key
    token = rig.token("Dana")
    socket = await connect(rig, token)
    seen = [await receive(socket)]
    await rig.poll(minutes=20)
    call = next(iter(rig.session.state.calls))
    async with rig.http(token) as http:
        answers = [
            await http.get("/api/me"),
            await http.post(f"/api/calls/{call}/open"),
            await http.post("/api/calls/CALnope/open"),
            await http.post("/api/texts", content=b"{"),
            await http.get("/health"),
        ]
    async with rig.http(None) as anonymous:
        answers.append(await anonymous.get("/api/me"))
    seen += [await receive(socket) for _ in range(3)]
    await socket.close()
    everything = json.dumps(seen) + "".join(a.text + str(a.headers) for a in answers)
    assert key not in everything
    assert rig.hub.scrub(f"oops {key}") != f"oops {key}"


async def test_a_viewer_that_stops_reading_is_cut_and_no_one_waits_for_it(rig) -> None:
    rig.token("Stuck")
    stuck = Attendee("Stuck")
    rig.hub.fanout.join(stuck, None)  # never drained
    # it leaves with thousands unread: the client stops reading the socket, so its close cannot be answered
    reader = await connect(rig, rig.token("Lee"), close_timeout=0.5)
    await receive(reader, kind="caught_up")
    for number in range(QUEUE_MAX):
        rig.hub.fanout.publish({"type": "action", "by": "test", "what": f"filler {number}"})
        if number % 250 == 0:
            await asyncio.sleep(0.01)  # the reader's socket drains its queue meanwhile
    assert stuck.cut_code == CUT_OVERFLOW  # it resumes by number when it comes back
    assert (await receive(reader, kind="action"))["what"] == "filler 0"
    await reader.close()
    rig.hub.fanout.leave(stuck)
