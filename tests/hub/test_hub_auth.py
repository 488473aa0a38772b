"""Who may watch: a missing, wrong or revoked token gets 401 or a closed socket, and revoking a viewer
cuts its open socket within a second (the issue's promise; the token file is watched every 0.2 s)."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.hub.conftest import WAIT_S, connect, receive
from tui.hub.tokens import TokenError, ViewerTokens
from tui.hub.wire import CUT_REVOKED


async def test_http_actions_need_a_known_token(rig) -> None:
    token = rig.token("Dana")
    for wrong in (None, "crh_not-a-token", token + "x"):
        async with rig.http(wrong) as http:
            answer = await http.get("/api/me")
        assert answer.status_code == 401
        assert "token" in answer.json()["error"]
    async with rig.http(token) as http:
        assert (await http.get("/api/me")).json()["name"] == "Dana"
    rig.hub.tokens.revoke("Dana")
    async with rig.http(token) as http:
        assert (await http.get("/api/me")).status_code == 401


async def test_a_wrong_bearer_token_is_refused_before_the_socket_opens(rig) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(rig, "crh_wrong")
    assert refused.value.response.status_code == 401


async def test_a_token_in_the_first_message_signs_in_and_a_wrong_one_closes(rig) -> None:
    token = rig.token("Sam")
    socket = await websockets.connect(rig.ws_url, open_timeout=WAIT_S)
    await socket.send(json.dumps({"type": "hello", "token": token}))
    assert (await receive(socket))["you"] == "Sam"
    await socket.close()
    for hello in ({"type": "hello", "token": "crh_wrong"}, {"type": "hello"}):
        socket = await websockets.connect(rig.ws_url, open_timeout=WAIT_S)
        await socket.send(json.dumps(hello))
        with pytest.raises(ConnectionClosed):
            await receive(socket)
        assert socket.close_code == CUT_REVOKED


async def test_revoking_a_viewer_cuts_its_open_socket_within_a_second(rig) -> None:
    socket = await connect(rig, rig.token("Lee"))
    await receive(socket, kind="caught_up")
    # revoked from "another process": a fresh reading of the same file, as ``hub viewer revoke`` does
    ViewerTokens(rig.hub.tokens.path.parent).revoke("Lee")
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(socket.recv(), 1.0)
    assert socket.close_code == CUT_REVOKED


def test_tokens_are_kept_hashed_in_a_private_file(tmp_path) -> None:
    tokens = ViewerTokens(tmp_path)
    token = tokens.add("Dana")
    assert tokens.path.stat().st_mode & 0o777 == 0o600
    assert token not in tokens.path.read_text()
    assert tokens.viewer_for(token) == "Dana"
    assert [viewer.name for viewer in tokens.viewers()] == ["Dana"]
    with pytest.raises(TokenError):
        tokens.add("Dana")
    with pytest.raises(TokenError):
        tokens.add("[bold]x[/bold]")
    tokens.revoke("Dana")
    assert tokens.viewer_for(token) is None
    with pytest.raises(TokenError):
        tokens.revoke("Dana")
