"""The app in a real headless Chromium (Debian's ``chromium``, driven by Playwright): sign in with the
printed link, read today's calls in the feed, open a call and go back, send a text, and see a caller
name that looks like Rich markup shown as it is; then a wrong token, an expired cookie and a page of
another origin each get nothing. The first test also takes ``screenshots/web.png`` for the README.

The tabs run the real ``callrail-tui`` on a config file that points at the simulator over loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.browser import VIEWPORT, Screen, chromium_path, launch
from tests.loopback import serving as serving_api
from tests.web.serving import Clock, serving, until
from tui.cli import build_parser, demo_start
from tui.sim import SimConfig, Simulator
from tui.sim.clock import SimClock
from tui.web_cli import tab_command

playwright_api = pytest.importorskip("playwright.async_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="no chromium binary (.ci/run installs Debian's chromium)"
)
MARKUP_NAME = "[b]Bo[/b]"
SCREENSHOT = Path(__file__).resolve().parents[2] / "screenshots" / "web.png"


def account_config(tmp_path: Path, sim: Simulator, base_url: str, monkeypatch) -> Path:
    """A config file for the simulator's account; the tabs' data and logs go under ``tmp_path``."""
    for kind in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{kind}_HOME", str(tmp_path / kind.lower()))
    config = tmp_path / "config.toml"
    config.write_text(
        f'api_key = "{sim.api_key}"\naccount_id = "{sim.account_id}"\nbase_url = "{base_url}"\n'
        "notify_bell = false\n"
    )
    config.chmod(0o600)
    return config


def at_full_size(rows: list[str]) -> bool:
    """The feed drawn to the terminal's last rows and column: the status bar (right-aligned) is the
    second-to-last row, as in the first tab."""
    return len(rows) > 2 and "next poll" in rows[-2] and len(rows[-2].rstrip()) >= len(rows[-2]) - 1


async def test_sign_in_read_the_feed_open_a_call_and_send_a_text(tmp_path: Path, monkeypatch) -> None:
    # the day stands still (a day started at 10:30 has a call ringing in its first seconds, which would
    # take the top of the feed from the caller this test opens)
    sim = Simulator(SimConfig(seed=7), clock=SimClock(demo_start(datetime.now(UTC)), speed=0.001))
    sim.advance()
    sim.account.calls[-1].customer_name = MARKUP_NAME  # the newest caller's name looks like markup
    async with serving_api(sim.app, log_level="critical") as base_url:
        config = account_config(tmp_path, sim, base_url, monkeypatch)
        command = tab_command(build_parser().parse_args(["--config", str(config), "web"]))
        async with serving(command) as server, playwright_api.async_playwright() as playwright:
            browser = await launch(playwright)
            context = await browser.new_context(viewport=VIEWPORT)  # its cookie serves a second tab
            page = await context.new_page()
            screen = Screen(page)
            await page.goto(server.sign_in_url)
            assert page.url == server.public_url + "/"  # the token left the address bar
            assert server.sign_in.token not in await page.content()
            await screen.until(lambda text: "Live feed" in text and MARKUP_NAME in text)  # as it is
            SCREENSHOT.parent.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT))

            await screen.press("Enter")  # the cursor follows the newest call
            await screen.until(lambda text: "Live feed" not in text and MARKUP_NAME in text)
            await screen.press("Escape")
            await screen.until(lambda text: "Live feed" in text)

            await screen.press("r")  # reply to the newest caller by text
            await screen.until(lambda text: "ctrl+s" in text.lower() or "140" in text)
            await page.keyboard.type("On our way")
            await page.keyboard.press("Control+s")
            await until(  # bounded generously: on a loaded 2-core machine the tab's process is slow
                lambda: any(
                    entry.method == "POST" and "text-messages" in entry.path and entry.status < 300
                    for entry in sim.request_log
                ),
                timeout=45.0,
            )
            await screen.until(lambda text: "On our way" in text)

            # a second tab gets the process started ahead of it, drawn at this (larger) tab's size
            await until(lambda: server.spare.pid)
            ahead = server.spare.pid
            second = await context.new_page()
            await second.set_viewport_size({"width": 1400, "height": 900})
            screen = Screen(second)
            await second.goto(server.public_url + "/")
            await screen.until(lambda text: "Live feed" in text and at_full_size(text.splitlines()))
            assert ahead in {tab.pid for tab in server.tabs}
            await browser.close()


async def test_a_wrong_token_an_expired_cookie_and_another_origin_get_nothing() -> None:
    clock = Clock()
    async with serving(clock=clock) as server, playwright_api.async_playwright() as playwright:
        browser = await launch(playwright)
        page = await browser.new_page(viewport=VIEWPORT)
        screen = Screen(page)
        await page.goto(f"{server.public_url}/signin?token=wrong")
        assert "wrong or was already used" in await page.content()
        assert not screen.sockets and not server.tabs

        await page.goto(server.sign_in_url)
        await screen.until(lambda text: "tiny app ready" in text)
        await page.close()
        await until(lambda: not server.tabs)

        # a page of another origin on this machine, in the same browser: its websocket carries the
        # cookie (same site), and the origin check turns it away
        other = f"http://127.0.0.1:{server.port + 1}/"
        page = await browser.new_page()
        await page.route(
            other, lambda route: route.fulfill(content_type="text/html", body="<p>elsewhere</p>")
        )
        await page.goto(other)
        heard = await page.evaluate(
            """url => new Promise(done => {
                const socket = new WebSocket(url);
                socket.onmessage = () => done("message");
                socket.onopen = () => done("open");
                socket.onclose = () => done("closed");
            })""",
            server.public_url.replace("http", "ws") + "/ws",
        )
        assert heard == "closed" and not server.tabs

        clock.now += server.sign_in.session_seconds
        screen = Screen(page)
        await page.goto(server.public_url + "/")
        assert "Sign in" in await page.content() and not screen.sockets and not server.tabs
        await browser.close()
