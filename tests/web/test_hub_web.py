"""Browser tabs behind a hub (``callrail-tui hub --web``): each viewer signs in with their own token, a
tab runs as that viewer (their token and folders in its environment, never the API key), and a revoked
viewer's session ends."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from tests.loopback import free_port
from tests.web.serving import TINY_APP, until
from tui.hub.tokens import ViewerTokens
from tui.web.server import WebServer
from tui.web.sign_in import COOKIE
from tui.web.viewer_sign_in import ViewerSignIn


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


async def tab_environment(http: aiohttp.ClientSession, server: WebServer) -> dict[str, str]:
    async with http.ws_connect(server.public_url + "/ws", origin=server.origin) as ws:
        await ws.receive(timeout=20)
        await until(lambda: any(tab.pid for tab in server.tabs))
        (tab,) = [tab for tab in server.tabs if tab.pid]
        return environment(tab.pid)


async def test_each_viewer_signs_in_with_their_token_and_a_tab_runs_as_that_viewer(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("CALLRAIL_API_KEY", "the-hubs-own-key-0001")  # as the hub may be started
    tokens = ViewerTokens(tmp_path)
    dana, sam = tokens.add("Dana"), tokens.add("Sam")
    sign_in = ViewerSignIn(ViewerTokens(tmp_path), tmp_path)
    server = WebServer(TINY_APP, sign_in=sign_in, host="127.0.0.1", port=free_port())
    runner = await server.start()
    try:
        async with client() as as_dana, client() as as_sam, client() as stranger:
            async with stranger.post(server.public_url + "/signin", data={"token": "crh_wrong"}) as response:
                assert response.status == 401 and COOKIE not in response.cookies
            for http, token in ((as_dana, dana), (as_sam, sam)):
                async with http.post(server.public_url + "/signin", data={"token": token}) as response:
                    assert response.status == 200 and response.url.path == "/"
            dana_env = await tab_environment(as_dana, server)
            sam_env = await tab_environment(as_sam, server)
            assert dana_env["CALLRAIL_HUB_TOKEN"] == dana and sam_env["CALLRAIL_HUB_TOKEN"] == sam
            assert dana_env["XDG_DATA_HOME"] != sam_env["XDG_DATA_HOME"]  # drafts and stores apart
            assert "CALLRAIL_API_KEY" not in dana_env and "the-hubs-own-key-0001" not in str(dana_env)

            tokens.revoke("Dana")  # from ``hub viewer revoke``: her session ends, Sam's goes on
            async with as_dana.get(server.public_url + "/") as response:
                assert response.status == 401
            async with as_sam.get(server.public_url + "/") as response:
                assert response.status == 200
            async with as_dana.post(server.public_url + "/signin", data={"token": dana}) as response:
                assert response.status == 401
    finally:
        await runner.cleanup()
