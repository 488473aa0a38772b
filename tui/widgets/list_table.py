"""A DataTable of rows that moves with the list keys (``list_keys``)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.widgets import DataTable

from tui.widgets.list_keys import LIST_KEYS


class ListTable(DataTable):
    """A DataTable of rows that moves with the list keys."""

    BINDINGS: ClassVar[list[BindingType]] = LIST_KEYS

    def action_first(self) -> None:
        self.action_scroll_top()

    def action_last(self) -> None:
        self.action_scroll_bottom()
