"""The keys that move in every list (j k ↑ ↓ g G, page up and down), and the choice list with them
(``list_table.ListTable`` is the table with them: not imported before the first frame, like DataTable).

Each list names its actions ``cursor_up``, ``cursor_down``, ``page_up``, ``page_down``, ``first`` and
``last``, so one set of bindings serves the feed, the companies table, the texts list and every choice.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList

LIST_KEYS: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False),
    Binding("down,j", "cursor_down", "Down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
]


class ChoiceList(OptionList):
    """An OptionList that moves with the list keys."""

    BINDINGS: ClassVar[list[BindingType]] = LIST_KEYS
