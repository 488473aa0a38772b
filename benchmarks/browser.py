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
# Added to a page before it loads: for each binary message on its websockets, the time (epoch ms) of the
# first animation frame after it, when the terminal has drawn it (``window.paintedAt[n - 1]``).
PAINT_TIMES = """
(() => {
  const Native = window.WebSocket;
  window.paintedAt = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string") return;
        const frame = window.paintedAt.push(null) - 1;
        const drawn = () => { window.paintedAt[frame] = performance.timeOrigin + performance.now(); };
        requestAnimationFrame(drawn);
      });
    }
  };
})();
"""


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
        self._frames = 0  # binary frames received: what the terminal was sent
        self._watching: list[tuple[Callable[[str], object], asyncio.Future[int]]] = []
        page.on("websocket", self._opened)

    def _opened(self, websocket) -> None:
        self.sockets.append(websocket.url)
        query = parse_qs(urlsplit(websocket.url).query)
        self._screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        stream = pyte.ByteStream(self._screen)

        def received(data: bytes | str) -> None:
            if not isinstance(data, bytes):
                return
            stream.feed(data)
            self._frames += 1
            text = self.text()
            for watch in [watch for watch in self._watching if watch[0](text)]:
                self._watching.remove(watch)
                if not watch[1].done():
                    watch[1].set_result(self._frames)

        websocket.on("framereceived", received)

    async def frame_showing(self, condition: Callable[[str], object], timeout: float = 30.0) -> int:
        """The number of the first frame after which the terminal shows what ``condition`` wants (frames
        counted from 1, as the page's ``PAINT_TIMES`` counts them)."""
        shown = asyncio.get_running_loop().create_future()
        self._watching.append((condition, shown))
        try:
            return await asyncio.wait_for(shown, timeout)
        except TimeoutError:
            raise TimeoutError(f"the page did not show what was expected; it shows:\n{self.text()}") from None

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
