"""The tab process started ahead of its tab (``tui.web.warm``), over real loopback: a tab attaches to
it and gets the app at the tab's size; behind a hub a viewer never gets a process started for another;
a spare that is killed is replaced; stopping the server leaves no process behind."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import aiohttp
import pyte

from tests.loopback import free_port
from tests.web.serving import TINY_APP, serving, until
from tests.web.test_hub_web import environment
from tests.web.test_web_auth import alive, client, sign_in
from tui.hub.tokens import ViewerTokens
from tui.web import server as web_server
from tui.web.server import WebServer
from tui.web.viewer_sign_in import ViewerSignIn


async def shown(ws: aiohttp.ClientWebSocketResponse, width: int, height: int, words: str) -> None:
    """Read ``ws`` into a terminal of the tab's size until it shows ``words``."""
    screen = pyte.Screen(width, height)
    stream = pyte.ByteStream(screen)
    while words not in "\n".join(screen.display):
        message = await ws.receive(timeout=20)
        assert message.type is not aiohttp.WSMsgType.CLOSE, "the tab closed"
        if isinstance(message.data, bytes):
            stream.feed(message.data)


async def test_a_tab_attaches_to_the_process_started_ahead_at_its_own_size() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)  # a spare is started for this session's first tab
        await until(lambda: server.spare.pid)
        ahead = server.spare.pid
        assert os.getsid(ahead) == ahead != os.getsid(0)  # a Ctrl-C for the server does not reach it
        url = server.public_url + "/ws?width=100&height=30"
        async with http.ws_connect(url, origin=server.origin) as ws:
            await shown(ws, 100, 30, "tiny app ready 100x30")  # drawn again at the tab's size
            (tab,) = server.tabs
            assert tab.pid == ahead
            environ = Path(f"/proc/{ahead}/environ").read_bytes().split(b"\0")
            assert b"MALLOC_ARENA_MAX=1" in environ  # a tab's threads share one malloc arena
            await until(lambda: server.spare.pid not in (None, ahead))  # the next tab's spare


async def test_the_next_process_waits_until_the_tab_that_attached_has_drawn(monkeypatch) -> None:
    monkeypatch.setattr(web_server, "NEXT_SPARE_AFTER_S", 3600.0)  # "later" never comes in this test
    async with serving() as server, client() as http:
        await sign_in(http, server)
        await until(lambda: server.spare.pid)
        async with http.ws_connect(server.public_url + "/ws?width=80&height=24", origin=server.origin) as ws:
            await shown(ws, 80, 24, "tiny app ready")
            await asyncio.sleep(1.0)  # a process started at the attach would have drawn by now
            assert server.spare.pid is None


async def test_a_killed_spare_is_replaced() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)
        await until(lambda: server.spare.pid)
        killed = server.spare.pid
        os.kill(killed, signal.SIGKILL)
        await until(lambda: server.spare.pid not in (None, killed))
        async with http.ws_connect(server.public_url + "/ws?width=80&height=24", origin=server.origin) as ws:
            await shown(ws, 80, 24, "tiny app ready 80x24")  # at the spare's own size: drawn whole again


async def test_stopping_the_server_leaves_no_process() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)
        ws = await http.ws_connect(server.public_url + "/ws", origin=server.origin)
        await shown(ws, 80, 24, "tiny app ready")
        await until(lambda: server.spare.pid)
        pids = [server.spare.pid, *(tab.pid for tab in server.tabs)]
        assert len(set(pids)) == 2 and all(alive(pid) for pid in pids)
    await until(lambda: not any(alive(pid) for pid in pids))


async def test_a_hub_viewer_never_gets_a_process_started_for_another(tmp_path) -> None:
    tokens = ViewerTokens(tmp_path)
    dana, sam = tokens.add("Dana"), tokens.add("Sam")
    server = WebServer(
        TINY_APP, sign_in=ViewerSignIn(ViewerTokens(tmp_path), tmp_path), host="127.0.0.1", port=free_port()
    )
    runner = await server.start()

    async def tab_token(http: aiohttp.ClientSession) -> str:
        async with http.ws_connect(server.public_url + "/ws", origin=server.origin) as ws:
            await shown(ws, 80, 24, "tiny app ready")
            (tab,) = server.tabs
            token = environment(tab.pid)["CALLRAIL_HUB_TOKEN"]
        await until(lambda: not server.tabs)
        return token

    try:
        async with client() as as_dana, client() as as_sam:
            async with as_dana.post(server.public_url + "/signin", data={"token": dana}):
                pass
            await until(lambda: server.spare.pid)
            assert environment(server.spare.pid)["CALLRAIL_HUB_TOKEN"] == dana  # Dana's, ahead
            async with as_sam.post(server.public_url + "/signin", data={"token": sam}):
                pass
            assert await tab_token(as_sam) == sam
            await until(lambda: server.spare.pid)
            assert environment(server.spare.pid)["CALLRAIL_HUB_TOKEN"] == sam
            assert await tab_token(as_dana) == dana
    finally:
        await runner.cleanup()
