"""Textual's footer, recomposed only when the keys it shows change.

Focus, the screen stack and the app's focus each announce new bindings, and Textual's ``Footer``
schedules a recompose for every announcement, even when the keys stay the same; five arrive as the app
starts, and each recompose rebuilds and restyles every key (tens of milliseconds before the first
frame, and again at each change of focus). Here a burst of announcements makes one check, and the keys
are rebuilt only if what they would show differs.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _recompose_pending = False
    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False
        if not self.is_attached:  # its screen went away in between
            return
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> tuple:
        """What ``compose`` draws from: the screen's bindings, each with whether it is enabled."""
        return tuple(
            (binding, enabled, tip) for _, binding, enabled, tip in self.screen.active_bindings.values()
        )
