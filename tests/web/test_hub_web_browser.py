"""``callrail-tui hub --web`` in a real headless Chromium: two colleagues sign in with their own viewer
tokens, each tab a viewer of the hub; a text Dana sends from her tab shows in Sam's as sent by Dana."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from benchmarks.browser import VIEWPORT, Screen, chromium_path, launch
from tests.hub.conftest import running_hub
from tests.loopback import free_port
from tests.web.serving import until
from tui.web.server import WebServer
from tui.web.viewer_sign_in import ViewerSignIn

playwright_api = pytest.importorskip("playwright.async_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="no chromium binary (.ci/run installs Debian's chromium)"
)


async def signed_in_tab(browser, server: WebServer, token: str) -> Screen:
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    screen = Screen(page)
    await page.goto(server.public_url + "/")
    await page.fill("input[name=token]", token)
    await page.press("input[name=token]", "Enter")
    await screen.until(lambda text: "Live feed" in text, timeout=60)
    return screen


async def test_two_viewers_in_browser_tabs_and_a_text_sent_by_one_shows_in_the_other(
    tmp_path: Path, monkeypatch
) -> None:
    for kind in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{kind}_HOME", str(tmp_path / kind.lower()))
    async with running_hub(tmp_path) as rig:
        dana, sam = rig.token("Dana"), rig.token("Sam")
        command = "exec " + shlex.join([sys.executable, "-m", "tui", "--hub", rig.url])
        server = WebServer(
            command, sign_in=ViewerSignIn(rig.hub.tokens, tmp_path), host="127.0.0.1", port=free_port()
        )
        runner = await server.start()
        try:
            async with playwright_api.async_playwright() as playwright:
                browser = await launch(playwright)
                dana_tab = await signed_in_tab(browser, server, dana)
                sam_tab = await signed_in_tab(browser, server, sam)

                await dana_tab.press("r")  # reply to the newest caller by text
                await dana_tab.until(lambda text: "140" in text)
                await dana_tab.page.keyboard.type("On our way")
                await dana_tab.page.keyboard.press("Control+s")
                await until(lambda: rig.texts_sent(), timeout=60)

                await sam_tab.press("t")  # the texts list: Dana's conversation is the newest
                await sam_tab.until(lambda text: "On our way" in text, timeout=60)
                await sam_tab.press("Enter")
                await sam_tab.until(lambda text: "Dana ·" in text and "On our way" in text, timeout=60)
                await browser.close()
        finally:
            await runner.cleanup()
