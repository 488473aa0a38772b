"""The web server over real loopback: nothing without a sign-in, the cookie it sets, the websocket's
origin check, and each tab's process (freed when the tab closes, idles or crashes, alone)."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import aiohttp
import pytest

from tests.web.serving import Clock, serving, until
from tui.web.sign_in import COOKIE


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # it keeps 127.0.0.1's cookies


async def sign_in(http: aiohttp.ClientSession, server) -> None:
    async with http.get(f"{server.public_url}/signin", params={"token": server.sign_in.token}) as response:
        assert response.status == 200 and response.url.path == "/" and not response.url.query


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


async def test_without_a_sign_in_there_is_a_sign_in_page_and_no_app() -> None:
    async with serving() as server, client() as http:
        async with http.get(server.public_url + "/") as response:
            page = await response.text()
            assert response.status == 401 and "Sign in" in page
            assert "textual.js" not in page and "/ws" not in page
        for path in ("/static/js/textual.js", "/ws", "/download/x"):
            async with http.get(server.public_url + path) as response:
                assert response.status == 401, path
        assert not server.tabs


async def test_the_token_trades_once_for_a_strict_http_only_cookie_and_leaves_the_page() -> None:
    async with serving() as server, client() as http:
        token = server.sign_in.token
        async with http.get(f"{server.public_url}/signin?token={token}", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
            cookie = response.cookies[COOKIE]
            assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
            assert int(cookie["max-age"]) > 0 and cookie.value != token and len(cookie.value) >= 32
            assert response.headers["Referrer-Policy"] == "no-referrer"
        async with http.get(server.public_url + "/") as response:
            page = await response.text()
            assert response.status == 200 and "textual.js" in page and "/ws" in page
            assert token not in page
        async with client() as other, other.get(f"{server.public_url}/signin?token={token}") as again:
            assert again.status == 401 and COOKIE not in again.cookies  # spent


async def test_the_script_is_kept_by_the_browser_and_the_page_is_not() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)
        async with http.get(server.public_url + "/static/js/textual.js") as response:
            assert response.status == 200 and response.headers["Cache-Control"] == "private, no-cache"
            assert response.headers["X-Frame-Options"] == "DENY"
            modified = response.headers["Last-Modified"]
        headers = {"If-Modified-Since": modified}
        async with http.get(server.public_url + "/static/js/textual.js", headers=headers) as response:
            assert response.status == 304
        async with http.get(server.public_url + "/") as response:
            assert response.headers["Cache-Control"] == "no-store"


async def test_a_wrong_token_gets_no_cookie_and_the_form_signs_in_with_the_right_one() -> None:
    async with serving() as server, client() as http:
        async with http.post(server.public_url + "/signin", data={"token": "wrong"}) as response:
            assert response.status == 401 and "wrong" in await response.text()
            assert COOKIE not in response.cookies
        async with http.post(server.public_url + "/signin", data={"token": server.sign_in.token}) as response:
            assert response.status == 200 and response.url.path == "/"


async def test_an_expired_cookie_gets_nothing() -> None:
    clock = Clock()
    async with serving(clock=clock) as server, client() as http:
        await sign_in(http, server)
        clock.now += server.sign_in.session_seconds
        async with http.get(server.public_url + "/") as response:
            assert response.status == 401 and "textual.js" not in await response.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(server.public_url + "/ws", origin=server.origin)
        assert refused.value.status == 401 and not server.tabs


async def test_a_websocket_from_another_origin_gets_nothing_even_with_the_cookie() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)
        for origin in ("http://127.0.0.1:9", "https://evil.example", None):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(server.public_url + "/ws", origin=origin)
            assert refused.value.status == 403
        assert not server.tabs


async def test_a_signed_in_tab_runs_its_own_app_and_closing_it_frees_the_process() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)
        async with http.ws_connect(server.public_url + "/ws?width=80&height=24", origin=server.origin) as ws:
            assert isinstance((await ws.receive(timeout=20)).data, bytes)
            (tab,) = server.tabs
            pid = tab.pid
            assert alive(pid)
        await until(lambda: not server.tabs and not alive(pid))


async def test_an_idle_tab_is_closed_and_frees_its_process() -> None:
    async with serving(idle_seconds=1.0) as server, client() as http:
        await sign_in(http, server)
        async with http.ws_connect(server.public_url + "/ws", origin=server.origin) as ws:
            await until(lambda: server.tabs and next(iter(server.tabs)).pid)
            pid = next(iter(server.tabs)).pid
            while (await ws.receive(timeout=30)).type is not aiohttp.WSMsgType.CLOSE:
                pass
        await until(lambda: not server.tabs and not alive(pid))


async def read_all(ws, into: list) -> None:
    """Keep every message of ``ws`` until it closes (the close included)."""
    async for message in ws:
        into.append(message)
    into.append(None)


async def test_one_tab_crashing_leaves_the_other_running() -> None:
    async with serving() as server, client() as http:
        await sign_in(http, server)
        url = server.public_url + "/ws?width=80&height=24"
        async with (
            http.ws_connect(url, origin=server.origin) as first,
            http.ws_connect(url, origin=server.origin) as second,
        ):
            heard: dict[object, list] = {first: [], second: []}
            readers = [asyncio.create_task(read_all(ws, into)) for ws, into in heard.items()]
            await until(
                lambda: all(heard.values()) and len(server.tabs) == 2 and all(t.pid for t in server.tabs)
            )
            doomed, survivor = sorted(server.tabs, key=lambda tab: tab.pid)
            os.kill(doomed.pid, signal.SIGKILL)
            await until(lambda: any(into[-1] is None for into in heard.values()))  # its socket is closed
            (other,) = [ws for ws, into in heard.items() if into[-1] is not None]
            assert alive(survivor.pid) and server.tabs == {survivor}
            await other.send_str(json.dumps(["ping", "still there"]))
            pong = json.dumps(["pong", "still there"])
            await until(lambda: any(m is not None and m.data == pong for m in heard[other]))
        await asyncio.gather(*readers)
