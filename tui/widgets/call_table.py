"""The live call feed: a line-API table that stays quick at 10,000 calls.

A DataTable re-lays out every row on a sort and holds one object per cell; this widget renders only
the lines on screen. Which call is on which row is the ``FeedIndex``'s job; this widget keeps the
cursor on its call as rows move and caches each rendered row as a Strip keyed by call id and
version, so scrolling and cursor moves repaint from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui import display
from tui.feed_index import FeedIndex
from tui.safe_text import literal
from tui.widgets.call_table_layout import Column, column_at, join_cells, layout_columns
from tui.widgets.call_table_rows import call_cells, header_cells
from tui.widgets.list_keys import LIST_KEYS
from tui.widgets.toast_clear import ToastsClearCursor, row_region

if TYPE_CHECKING:
    from textual import events

    from tui.callrail.call_row import CallRow

# What to keep still across a change: the selected call, its line on screen, and whether the cursor
# sits on the newest row (then it stays there, following new calls).
Anchor = tuple[str | None, int, bool]


# The feed's own ``enter`` shows the same: its footer's keys look the same before and after the table
# has the focus, and are drawn once (``tui.widgets.footer``).
OPEN_TIP = "Open the call: who, where, transcript, actions"


class CallTable(ToastsClearCursor, ScrollView, can_focus=True):
    """Calls, one per line, under a fixed header. Post ``Selected`` when a call is opened."""

    DEFAULT_CSS = """
    CallTable {
        height: 1fr;
        overflow-x: hidden;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [*LIST_KEYS, Binding("enter", "select", "Open", tooltip=OPEN_TIP)]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "call-table--header",
        "call-table--sorted",
        "call-table--cursor",
        "call-table--live",
        "call-table--missed",
        "call-table--voicemail",
        "call-table--muted",
        "call-table--empty",
    }

    class Selected(Message):
        """Enter (or a double click) on a call."""

        def __init__(self, call: CallRow) -> None:
            super().__init__()
            self.call = call

    class NewerAbove(Message):
        """How many calls arrived above the highlighted one since the cursor left the top (0: it is
        back at the top, following the newest)."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(
        self,
        *,
        zone_for: Callable[[CallRow], tzinfo] = lambda call: UTC,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        company_name: Callable[[CallRow], str] = lambda call: call.company_name or "",
        mask: bool = False,
        ages: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zone_for = zone_for
        self.now = now
        self.company_name = company_name
        self.zone_names = True  # off when every time is in one (display) zone
        self.ages = ages  # today's times with how long ago ("10:30 3m"), kept fresh minute by minute
        self._minute = 0
        self.empty_message = "No calls yet."
        self._index = FeedIndex(company_name=company_name)
        self._index.mask = mask
        self._cursor = 0
        self.newer_above = 0
        self._layout = layout_columns(120)
        self._row_cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(2000)

    # -- reading ------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._index)

    @property
    def call_count(self) -> int:
        """Calls held, shown or filtered out."""
        return self._index.call_count

    @property
    def sort_column(self) -> str:
        return self._index.sort_column

    @property
    def sort_descending(self) -> bool:
        return self._index.sort_descending

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_call(self) -> CallRow | None:
        return self._index.call_at(self._cursor)

    def call_at(self, row: int) -> CallRow | None:
        return self._index.call_at(row)

    @property
    def shown_columns(self) -> list[Column]:
        """The columns that fit the table's width now, left to right."""
        return [column for column, _ in self._layout]

    def visible_calls(self) -> list[CallRow]:
        """Every call that passes the filters, in display order (for tests and exports)."""
        return self._index.visible_calls()

    def row_of(self, call_id: str) -> int | None:
        return self._index.row_of(call_id)

    # -- changing -----------------------------------------------------------------------------------

    def upsert(self, calls: Iterable[CallRow]) -> None:
        """Add new calls and replace changed ones in place, keeping the cursor on its call (and counting
        the rows that arrive above it while it is away from the top)."""
        anchor = self._anchor()
        before = self._cursor
        self._index.upsert(calls)
        self._restore(anchor)
        call_id, _, following = anchor
        if call_id is not None and not following and self._cursor > before:
            self._set_newer(self.newer_above + self._cursor - before)

    def remove(self, call_ids: Iterable[str]) -> None:
        """Drop these calls' rows (the app no longer holds them), keeping the cursor on its call."""
        anchor = self._anchor()
        if self._index.remove(call_ids):
            self._restore(anchor)

    def recheck(self, call_ids: Iterable[str]) -> None:
        """Re-apply the filter to these calls (their standing changed because of other records)."""
        anchor = self._anchor()
        self._index.recheck(call_ids)
        self._restore(anchor)

    def set_filter(self, text: str) -> None:
        """Show only calls whose visible fields contain every word of ``text``."""
        anchor = self._anchor()
        if self._index.set_filter(text):
            self._restore(anchor)

    def set_predicate(self, predicate: Callable[[CallRow], bool] | None) -> None:
        """An extra condition (company, needs a callback); ``None`` shows all."""
        anchor = self._anchor()
        self._index.set_predicate(predicate)
        self._restore(anchor)

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        anchor = self._anchor()
        self._index.sort_by(column, descending)
        self._back_to_top(anchor)

    def reverse_sort(self) -> None:
        self.sort_by(self.sort_column, not self.sort_descending)

    @property
    def mask(self) -> bool:
        return self._index.mask

    @mask.setter
    def mask(self, value: bool) -> None:
        anchor = self._anchor()
        self._index.mask = value
        self._back_to_top(anchor)
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forget rendered rows (after a style, zone or mask change)."""
        self._row_cache.clear()
        self.refresh()

    def _set_newer(self, count: int) -> None:
        if count != self.newer_above:
            self.newer_above = count
            self.post_message(self.NewerAbove(count))

    def _anchor(self) -> Anchor:
        call = self.selected_call
        following = self._cursor == 0 and round(self.scroll_y) == 0
        return (call.id if call else None, self._cursor - round(self.scroll_y), following)

    def _back_to_top(self, anchor: Anchor) -> None:
        self._cursor = 0
        self._restore(anchor, follow_top=True)

    def _restore(self, anchor: Anchor, *, follow_top: bool = False) -> None:
        """Back on the anchored call where it is now; at the top if the table followed the newest or the
        call is no longer shown (a filter left it out: the newest of what is shown is what matters)."""
        call_id, screen_line, following = anchor
        rows = len(self._index)
        row = None if following or follow_top or call_id is None else self._index.row_of(call_id)
        self.virtual_size = Size(self.size.width, rows + 1)
        if row is None:
            self._cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
            self._set_newer(0)
        else:
            self._cursor = row
            self.scroll_to(y=max(0, row - screen_line), animate=False, immediate=True)
            self._set_newer(min(self.newer_above, row))  # a filter may have left out some of them
        self.refresh()
        self.keep_toasts_clear()

    def cursor_region(self) -> Region | None:
        return row_region(self, 1 + self._cursor - round(self.scroll_y))  # under the header line

    # -- cursor -------------------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        rows = len(self._index)
        if not rows:
            return
        row = max(0, min(row, rows - 1))
        old = self._cursor
        self._cursor = row
        if row == 0:
            self._set_newer(0)
        top = round(self.scroll_y)
        rows_on_screen = max(1, self.size.height - 1)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + rows_on_screen:
            self.scroll_to(y=row - rows_on_screen + 1, animate=False, immediate=True)
        else:
            # Only the two lines that changed are repainted.
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        self.keep_toasts_clear()

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - max(1, self.size.height - 2))

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + max(1, self.size.height - 2))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._index) - 1)

    def action_select(self) -> None:
        call = self.selected_call
        if call is not None:
            self.post_message(self.Selected(call))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = column_at(self._layout, offset.x)
            if column == self.sort_column:
                self.reverse_sort()
            elif column is not None:
                self.sort_by(column)
            return
        self.move_cursor(round(self.scroll_y) + offset.y - 1)
        if event.chain >= 2:
            self.action_select()

    # -- rendering ----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick_live)

    def on_resize(self, event: events.Resize) -> None:
        self._layout = layout_columns(max(1, self.scrollable_content_region.width))
        self.virtual_size = Size(event.size.width, len(self._index) + 1)
        self.clear_cache()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_cache.clear()

    def on_focus(self) -> None:
        self._row_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._row_cache.clear()
        self.refresh()

    def _tick_live(self) -> None:
        """Calls in progress show their running time: repaint the live rows on screen (and every row
        once a minute, when times show their age)."""
        if self.ages:
            minute = int(self.now().timestamp() // 60)
            if minute != self._minute:
                self._minute = minute
                self.refresh()
                return
        if not self._index.has_live_calls:
            return
        top = round(self.scroll_y)
        for line in range(1, self.size.height):
            call = self._index.call_at(top + line - 1)
            if call is not None and self._index.is_live(call.id):
                self.refresh_line(top + line)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header_strip(width, base)
        row = round(self.scroll_y) + y - 1
        call = self._index.call_at(row)
        if call is None:
            if row == 0 and not len(self._index):
                text = literal(self.empty_message, single_line=True)
                text.stylize(self._style("call-table--empty"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        cursor = row == self._cursor
        live_seconds = self._live_seconds(call)
        key = (call.id, self._index.version(call.id), cursor, live_seconds, self._minute)
        strip = self._row_cache.get(key)
        if strip is None:
            over = None
            if cursor:
                over = self._style("call-table--cursor")
                if not self.has_focus:
                    over = Style(bgcolor=over.bgcolor)
            strip = self._strip(self._row_text(call, live_seconds), width, base, over)
            self._row_cache[key] = strip
        return strip

    def _style(self, component_class: str) -> Style:
        return self.get_component_rich_style(component_class, partial=True)

    def _live_seconds(self, call: CallRow) -> int | None:
        if not self._index.is_live(call.id) or call.start_time is None:
            return None
        return int((self.now() - call.start_time).total_seconds())

    def _strip(self, text: Text, width: int, base: Style, over: Style | None = None) -> Strip:
        """The line, cut or padded to ``width``; ``over`` (the cursor) wins over the widget's own style."""
        strip = Strip(list(text.render(self.app.console))).adjust_cell_length(width)
        if over is not None:
            strip = strip.apply_style(over)
        return strip.apply_style(base)

    def _header_strip(self, width: int, base: Style) -> Strip:
        key = ("header", width, self.sort_column, self.sort_descending)
        strip = self._row_cache.get(key)
        if strip is None:
            cells = header_cells(self.sort_column, self.sort_descending, self._style("call-table--sorted"))
            header_style = self.get_component_rich_style("call-table--header")
            line = join_cells(cells, self._layout, Text(style=header_style, no_wrap=True, end=""))
            line.pad_right(max(0, width - line.cell_len))
            strip = self._strip(line, width, base)
            self._row_cache[key] = strip
        return strip

    def _row_text(self, call: CallRow, live_seconds: int | None) -> Text:
        cells = call_cells(
            call,
            time=display.short_time(
                call.start_time,
                self.zone_for(call),
                self.now(),
                zone_name=self.zone_names,
                with_age=self.ages,
            ),
            company=self.company_name(call),
            duration=live_seconds if live_seconds is not None else call.duration,
            mask=self.mask,
            style=self._style,
        )
        return join_cells(cells, self._layout, Text(no_wrap=True, end=""))
