"""One tab process started ahead of its tab, so that a new tab attaches to an app that has already
imported and drawn the stored feed instead of waiting for a process to start.

There is at most one such spare (an idle app process costs memory). It is started for one environment
and given only to a tab of exactly that environment: the standalone server's tabs all share one, while
behind the hub each viewer's tabs have their own (their token), so a spare started for one viewer never
runs another's tab; a tab of another environment gets a new process and the spare is started again for
it. A spare that dies is replaced if it had started (a command that cannot start is not retried until a
tab asks), and ``close`` stops it. What it draws while it waits is dropped (``tui.web.tab``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tui.web.tab import Tab

Env = dict[str, str | None]


class Spare:
    def __init__(self, new_tab: Callable[[Env], Tab]) -> None:
        """``new_tab(env)``: a tab not yet started, in that environment."""
        self._new_tab = new_tab
        self._tab: Tab | None = None
        self._start: asyncio.Task[None] | None = None
        self._stopping: set[asyncio.Task[None]] = set()
        self._size = (80, 24)
        self._closed = False
        self._later: asyncio.TimerHandle | None = None

    @property
    def pid(self) -> int | None:
        """The spare's process id once its app has started (it writes), while it waits for a tab."""
        tab = self._tab
        return tab.pid if tab is not None and tab.wrote and not tab.ended else None

    async def take(self, env: Env, width: int, height: int) -> Tab | None:
        """The spare, started, if it was started for ``env`` and still runs. The next spare is started
        at this tab's size (the next tab likely has the same)."""
        self._size = (width, height)
        tab, start = self._tab, self._start
        if tab is None or start is None or tab.env != env or tab.ended:
            return None
        self._tab = self._start = None
        tab.on_end = None
        try:
            await start
        except OSError:
            return None
        return None if tab.ended else tab

    def prepare(self, env: Env) -> None:
        """Have a spare running for ``env``, replacing one for another environment."""
        if self._closed or (self._tab is not None and self._tab.env == env and not self._tab.ended):
            return
        self._discard()
        tab = self._tab = self._new_tab(env)
        tab.on_end = self._spare_ended
        self._start = asyncio.create_task(tab.start(*self._size))

    def prepare_after(self, env: Env, seconds: float) -> None:
        """``prepare`` in ``seconds``: a tab that has just attached draws its first frames without a new
        process starting beside it."""
        if self._later is not None:
            self._later.cancel()
        self._later = asyncio.get_running_loop().call_later(seconds, self.prepare, env)

    def _spare_ended(self, tab: Tab) -> None:
        if tab is self._tab and tab.wrote:
            self.prepare(tab.env)

    def _discard(self) -> None:
        tab, start, self._tab, self._start = self._tab, self._start, None, None
        if tab is not None and start is not None:
            tab.on_end = None
            stopping = asyncio.create_task(self._stop(tab, start))
            self._stopping.add(stopping)
            stopping.add_done_callback(self._stopping.discard)

    @staticmethod
    async def _stop(tab: Tab, start: asyncio.Task[None]) -> None:
        await asyncio.gather(start, return_exceptions=True)  # its process exists before it is stopped
        await tab.stop()

    async def close(self) -> None:
        self._closed = True
        if self._later is not None:
            self._later.cancel()
        self._discard()
        await asyncio.gather(*self._stopping)
