"""The driver of a tab's app process: textual-serve's ``WebDriver``, plus a hand-over to a browser tab.

A process may be started before its tab (``tui.web.warm``): it imports, starts and draws the stored feed,
but its app polls nothing (``attached``) and the server drops what it writes. When the server sends
``attached``, the driver marks the stream (the same packet back), writes the terminal set-up it wrote at
start again and has the screen repainted whole, so what the tab receives from the mark on is complete.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.drivers.web_driver import WebDriver
from textual.geometry import Size

DRIVER = "tui.web.tab_driver:TabDriver"  # as Textual's TEXTUAL_DRIVER names it
ATTACHED = "attached"  # the meta packet: the server's "a tab has you", the driver's "from here on"


class TabDriver(WebDriver):
    def start_application_mode(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.attached = asyncio.Event()
        self._setup: list[str] | None = []  # what start_application_mode writes: alternate screen, mouse…
        super().start_application_mode()
        self._setup_done = self._setup
        self._setup = None

    def write(self, data: str) -> None:
        if self._setup is not None:
            self._setup.append(data)
        super().write(data)

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == ATTACHED:
            self._loop.call_soon_threadsafe(self._hand_over)  # on_meta runs in the input thread
        elif packet_type == "resize":
            # posted the way start_application_mode posts the first size, so a tab's size that comes
            # while the app is still starting is never overtaken by that first one
            self._size = (int(payload["width"]), int(payload["height"]))
            size = Size(*self._size)
            resize = events.Resize(size, size)
            asyncio.run_coroutine_threadsafe(self._app._post_message(resize), loop=self._loop)
        else:
            super().on_meta(packet_type, payload)

    def _hand_over(self) -> None:
        self.write_meta({"type": ATTACHED})
        for data in self._setup_done:
            super().write(data)
        if self._app.screen_stack:  # else its first frame is still to come, after the mark
            screen = self._app.screen
            screen.refresh(screen.size.region)  # the whole region dirty: a full update, not a partial one
        self._app.call_after_refresh(self.attached.set)  # the tab's first frame before the first poll
