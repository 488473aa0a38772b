"""Textual's footer, with its keys in the first frame, recomposed only when the keys it shows change.

Textual's ``Footer`` composes empty and recomposes with the keys once the bindings are announced, after
the first frame: the first frame has no keys, and the rebuild (every key restyled, the screen laid out
again: tens of milliseconds) follows it at once. Focus, the screen stack and the app's focus each
announce new bindings, and Textual's footer recomposes at every announcement, even when the keys stay
the same; five arrive as the app starts. Here the keys are composed at once from the screen's bindings,
a burst of announcements makes one check, and the keys are rebuilt only if what they show differs.

Each key bound to the footer's style (``compact``) is also made in it: such a key starts compact and
takes the footer's style after it mounts, which restyled every key twice before the first frame.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    _recompose_pending = False
    _shown: tuple | None = None

    def compose(self) -> ComposeResult:
        self.set_reactive(TextualFooter._bindings_ready, True)
        self._shown = self._keys_shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False
        if self.is_attached and self._keys_shown() != self._shown:  # attached: its screen may be gone
            await self.recompose()

    def _keys_shown(self) -> tuple:
        """What ``compose`` draws: the screen's bindings shown in a footer (and the command palette's),
        each as its key looks (a click on a key presses it, whichever action it runs)."""
        app, palette = self.app, self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, app.get_key_display(binding), binding.description, binding.group, enabled, tip)
            for key, (_, binding, enabled, tip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )
