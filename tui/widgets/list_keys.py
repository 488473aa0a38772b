"""The keys that move in every list (j k ↑ ↓ g G, page up and down).

Each list names its actions ``cursor_up``, ``cursor_down``, ``page_up``, ``page_down``, ``first`` and
``last``, so one set of bindings serves every list.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

LIST_KEYS: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False),
    Binding("down,j", "cursor_down", "Down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
]
