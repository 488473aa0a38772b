"""The driver of a tab's app process: textual-serve's ``WebDriver``, plus word of when a browser tab
is attached. A process may be started ahead of its tab (``tui.web.warm``); until a tab takes it, it
imports, starts and draws the stored feed, but its app does not poll or connect (``attached``)."""

from __future__ import annotations

import asyncio

from textual.drivers.web_driver import WebDriver

DRIVER = "tui.web.tab_driver:TabDriver"  # as Textual's TEXTUAL_DRIVER names it
ATTACHED = "attached"  # the meta packet the server sends once a tab has the process


class TabDriver(WebDriver):
    def start_application_mode(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.attached = asyncio.Event()
        super().start_application_mode()

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == ATTACHED:
            self._loop.call_soon_threadsafe(self.attached.set)  # called in the input thread
        else:
            super().on_meta(packet_type, payload)
