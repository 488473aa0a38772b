"""Toasts never over the highlighted row: a list with a cursor (the feed, the inbox, the texts list) moves
its screen's toasts to the top while the highlighted row is in the lower half of the screen, and back to
the bottom (Textual's place) when it is in the upper half. Each half holds at most ``45%`` of the screen's
height of toasts (``tui/app.tcss``), so the rack never reaches the row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Region
from textual.widget import Widget

TOP = "-toasts-top"  # the screen's class while its toasts sit at the top


class ToastsClearCursor:
    """Mixed into a list widget (before ``ScrollView``; a plain class, so that it adds no CSS of its own)."""

    if TYPE_CHECKING:
        screen: Widget
        is_attached: bool

    def cursor_region(self) -> Region | None:
        """The highlighted row on the screen, if it is in view."""
        raise NotImplementedError

    def keep_toasts_clear(self) -> None:
        if not self.is_attached:
            return
        row = self.cursor_region()
        screen = self.screen
        lower = row is not None and row.y + row.height / 2 >= screen.size.height / 2
        screen.set_class(lower, TOP)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)  # type: ignore[misc]
        self.keep_toasts_clear()

    def on_resize(self) -> None:
        self.keep_toasts_clear()


def row_region(widget: Widget, line: int, height: int = 1) -> Region | None:
    """Where ``line`` of ``widget``'s visible lines is on the screen (``None`` when out of view)."""
    content = widget.content_region
    if not 0 <= line < content.height:
        return None
    return Region(content.x, content.y + line, content.width, height)
