"""A page of ``callrail-tui web`` in headless Chromium (Debian's ``chromium``, driven by Playwright), with
what its terminal shows read back as text: every frame the page receives on its websocket is fed to a
VT100 emulator (pyte) of the size the page asked for, so a test or a benchmark can wait for words on
screen while Chromium draws the same bytes into its canvas."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pyte

CHROMIUM_NAMES = ("chromium", "chromium-browser")
VIEWPORT = {"width": 1200, "height": 720}


def chromium_path() -> str | None:
    """The distribution's Chromium, if installed (``.ci/run`` installs it)."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


async def launch(playwright):
    """Headless Chromium; ``--no-sandbox`` since CI runs as root."""
    return await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])


class Screen:
    """What the page's terminal shows, from the bytes its websocket received."""

    def __init__(self, page) -> None:
        self.page = page
        self.sockets: list[str] = []
        self._screen: pyte.Screen | None = None
        page.on("websocket", self._opened)

    def _opened(self, websocket) -> None:
        self.sockets.append(websocket.url)
        query = parse_qs(urlsplit(websocket.url).query)
        self._screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        stream = pyte.ByteStream(self._screen)
        websocket.on("framereceived", lambda data: stream.feed(data) if isinstance(data, bytes) else None)

    @property
    def size(self) -> tuple[int, int] | None:
        """Columns and lines of the page's terminal, once its websocket opened."""
        return (self._screen.columns, self._screen.lines) if self._screen is not None else None

    def text(self) -> str:
        return "\n".join(self._screen.display) if self._screen is not None else ""

    async def until(self, condition: Callable[[str], object], timeout: float = 30.0) -> str:
        """Wait (bounded) until ``condition(text)`` holds; returns the text."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition(text := self.text()):
            if loop.time() > deadline:
                raise TimeoutError(f"the page did not show what was expected; it shows:\n{text}")
            await asyncio.sleep(0.02)
        return text

    async def press(self, *keys: str) -> None:
        await self.page.focus(".xterm-helper-textarea")  # a click would land on a row
        for key in keys:
            await self.page.keyboard.press(key)
