"""The app in a browser tab (``callrail-tui web``), against the same app in a terminal, in the same run.

Both open a store already holding a day (as ``startup`` fills it: 5,000 calls, 700 conversations) with the
API unreachable. ``web_first_feed_ms``: from asking headless Chromium (on loopback, signed in) for the page
to its terminal showing the feed with calls; the terminal's figure is ``startup``'s process start to first
frame, measured here again. Each page is asked for with the server idle, as someone finds it who opens a
tab: the process started ahead of that tab has loaded its stored day (tabs opened back to back, each within
a second or two of the last, find it still loading and take about 1 s). ``web_tab_rss_mb``: the resident
memory of a tab's app process once the whole day is shown, against the same command's (``callrail-tui
--config …``) in a pseudo-terminal at the same point (``terminal_app``); each the median over the runs. Both
run at the same size (the page's viewport is fitted to give 120×36 cells after the warm-up tab) and with
their bytecode cached alike.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.startup import (
    SIZE,
    STORED_CALLS,
    STORED_CONVERSATIONS,
    UNREACHABLE_URL,
    child_env,
    fill_store,
    spawn_first_frame,
)
from benchmarks.terminal_app import cpu_seconds, rss_once_shown, vm_rss_mb

FEED_WITH_CALLS = re.compile(r"Live feed.* ([1-9][\d,]*) calls")


def tab_command(home: Path, pycache: Path) -> str:
    """Each tab: the real ``callrail-tui`` on a config for the filled store, its folders under ``home``,
    its bytecode cached where the terminal app's is (``startup.child_env``): the two compared alike."""
    config = home / "config.toml"
    config.write_text(
        f'api_key = "bench-key"\naccount_id = "ACCBENCH"\nbase_url = "{UNREACHABLE_URL}"\n'
        "notify_toast = false\nnotify_bell = false\n"
    )
    config.chmod(0o600)
    env = [
        *("-u", "PYTHONDONTWRITEBYTECODE"),
        f"PYTHONPYCACHEPREFIX={pycache}",
        f"XDG_DATA_HOME={home / 'data'}",
        f"XDG_STATE_HOME={home / 'state'}",
        f"HOME={home}",
    ]
    return "exec env " + shlex.join([*env, sys.executable, "-m", "tui", "--config", str(config)])


def viewport_for(size: tuple[int, int], viewport: dict[str, int], shown: tuple[int, int]) -> dict[str, int]:
    """The viewport that gives the page's terminal ``size`` cells, from the ``shown`` cells that
    ``viewport`` gave (the cell's pixels depend on the machine's fonts)."""
    width, height = (viewport["width"] / shown[0], viewport["height"] / shown[1])
    return {"width": int((size[0] + 0.5) * width), "height": int((size[1] + 0.5) * height)}


def everything_shown(calls: int) -> Callable[[str], bool]:
    """Memory is read at the same point in a tab and in a terminal: the whole day shown, the first poll
    failed (the API is unreachable)."""
    return lambda text: f"{calls:,} calls" in text and "offline" in text


async def until_idle(spare, quiet_s: float = 0.3, timeout: float = 30.0) -> None:
    """Until the process started ahead of the next tab has started and is idle (its stored day loaded), as
    a server is when someone opens a tab, not seconds after the last one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        pid = spare.pid
        if pid is not None:
            used = cpu_seconds(pid)
            await asyncio.sleep(quiet_s)
            if spare.pid == pid and cpu_seconds(pid) - used < quiet_s / 20:
                return
        else:
            await asyncio.sleep(0.05)
    raise TimeoutError("the next tab's process never went idle")


async def painted_at(page, frame: int, timeout: float = 30.0) -> float:
    """When (epoch seconds) the page drew its websocket's ``frame``-th binary message (``PAINT_TIMES``):
    read in the page, not when the message reached this process through the browser's driver, which
    adds its own latency on a busy machine."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (at := await page.evaluate(f"window.paintedAt[{frame - 1}]")) is None:
        if loop.time() > deadline:
            raise TimeoutError(f"the page never drew frame {frame}")
        await asyncio.sleep(0.01)
    return at / 1000


async def browser_runs(home: Path, pycache: Path, runs: int, calls: int) -> tuple[list[float], list[float]]:
    """Milliseconds to the feed for each run (a new tab each), and each tab's RSS with the day shown."""
    from playwright.async_api import async_playwright

    from benchmarks.browser import PAINT_TIMES, VIEWPORT, Screen, launch
    from benchmarks.webhooks import free_port
    from tui.web.server import WebServer
    from tui.web.sign_in import SignIn

    server = WebServer(tab_command(home, pycache), sign_in=SignIn(), host="127.0.0.1", port=free_port())
    runner = await server.start()
    times, rss = [], []
    try:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            context = await browser.new_context(viewport=VIEWPORT)
            signing_in = await context.new_page()
            await signing_in.goto(server.sign_in_url)  # the cookie, for every tab after it
            await signing_in.close()
            viewport = VIEWPORT
            for run in range(runs + 1):  # the first warms the bytecode and the file cache
                while server.tabs:  # the last tab's process has gone
                    await asyncio.sleep(0.05)
                await until_idle(server.spare)
                page = await context.new_page()
                await page.set_viewport_size(viewport)
                await page.add_init_script(PAINT_TIMES)
                screen = Screen(page)
                began = time.time()
                showing = asyncio.ensure_future(screen.frame_showing(FEED_WITH_CALLS.search, timeout=120))
                await page.goto(server.public_url + "/")
                painted = await painted_at(page, await showing)
                if run:
                    times.append((painted - began) * 1000)
                await screen.until(everything_shown(calls), timeout=120)
                (tab,) = server.tabs
                if run:
                    rss.append(vm_rss_mb(tab.pid))
                if screen.size != SIZE:  # the first run's tab is sized to the terminal's for the others
                    if run == runs:
                        raise RuntimeError(f"the tab's terminal is {screen.size}, not {SIZE}")
                    viewport = viewport_for(SIZE, viewport, screen.size)
                await page.close()
            await browser.close()
    finally:
        await runner.cleanup()
    return times, rss


def measure(runs: int, calls: int = STORED_CALLS) -> list[Figure]:
    from benchmarks.scratch import scratch_dir

    with scratch_dir("bench-web-") as scratch:
        home = Path(scratch)
        data_dir = home / "data" / "callrail-tui"
        fill_store(data_dir, calls, STORED_CONVERSATIONS)
        spawn_first_frame("app", data_dir, calls)  # warm, as startup does
        terminal = [spawn_first_frame("app", data_dir, calls) for _ in range(runs)]
        pycache = child_env(data_dir)["PYTHONPYCACHEPREFIX"]
        web, tabs_rss = asyncio.run(browser_runs(home, Path(pycache), runs, calls))
        whole_day = everything_shown(calls)
        command = tab_command(home, Path(pycache))
        terminals_rss = [rss_once_shown(command, SIZE, whole_day) for _ in range(runs)]
    first_frame = statistics.median(run["ms"] for run in terminal)
    terminal_rss = statistics.median(terminals_rss)
    tab_rss = statistics.median(tabs_rss)
    web_ms = statistics.median(web)
    return [
        Figure("web_first_feed_ms", web_ms, "ms", baseline=first_frame),
        Figure("web_first_feed_ratio", web_ms / first_frame, "x", goal=2.0),
        Figure("web_tab_rss_mb", tab_rss, "MB", goal=terminal_rss, baseline=terminal_rss),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    return measure(2 if quick else 5)
