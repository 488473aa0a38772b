"""The live call feed: a line-API table that stays quick at 10,000 calls.

A DataTable re-lays out every row on a sort and holds one object per cell; this widget renders only
the lines on screen. The rows are an ordered index of sort keys (``_all`` for every call, ``_view`` for
those that pass the filter) kept sorted with ``bisect`` as calls arrive or change, so a poll that
brings 250 calls costs 250 binary searches, not a re-sort. Each rendered row is cached as a Strip
keyed by call id and version, so scrolling and cursor moves repaint from the cache.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui import display
from tui.callrail.models import Call, CallStatus
from tui.safe_text import clean, literal

SortKey = tuple[Any, ...]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    min_width: int
    grow: int = 0  # share of the spare width
    keep: int = 5  # when the table is too narrow, the lowest goes first
    justify: Literal["left", "right"] = "left"


COLUMNS: tuple[Column, ...] = (
    Column("time", "Time", 9, keep=10),
    Column("company", "Company", 12, grow=3, keep=7),
    Column("caller", "Caller", 14, grow=3, keep=10),
    Column("location", "Location", 11, grow=1, keep=4),
    Column("source", "Source", 10, grow=1, keep=3),
    Column("tracking", "Tracking #", 12, keep=2),
    Column("status", "Status", 11, keep=9),
    Column("duration", "Dur", 5, keep=6, justify="right"),
    Column("first", "1st", 3, keep=1),
    Column("lead", "Lead", 10, keep=3),
    Column("tags", "Tags", 6, grow=2, keep=2),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
GAP = 1

_STATUS_ORDER = {status: rank for rank, status in enumerate(CallStatus)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def layout_columns(width: int, columns: tuple[Column, ...] = COLUMNS) -> list[tuple[Column, int]]:
    """The columns that fit in ``width`` cells and the width of each."""
    shown = list(columns)
    while len(shown) > 1 and sum(c.min_width for c in shown) + GAP * (len(shown) - 1) > width:
        shown.remove(min(shown, key=lambda c: c.keep))
    spare = max(0, width - sum(c.min_width for c in shown) - GAP * (len(shown) - 1))
    total_grow = sum(c.grow for c in shown) or 1
    widths = [c.min_width + spare * c.grow // total_grow for c in shown]
    # Whatever integer division left over goes to the widest-growing column.
    leftover = spare - sum(w - c.min_width for c, w in zip(shown, widths, strict=True))
    if leftover and any(c.grow for c in shown):
        index = max(range(len(shown)), key=lambda i: shown[i].grow)
        widths[index] += leftover
    return list(zip(shown, widths, strict=True))


def _text_key(value: str) -> tuple[int, str]:
    # Empty values sort after real ones in ascending order.
    return (0, value.strip().casefold()) if value.strip() else (1, "")


def _safe(text: str) -> str:
    # Nearly all text is plain; str.isprintable() (C speed) is False for every character clean() removes.
    return text if text.isprintable() else clean(text)


class CallTable(ScrollView, can_focus=True):
    """Calls, one per line, under a fixed header. Post ``Selected`` when a call is opened."""

    DEFAULT_CSS = """
    CallTable {
        height: 1fr;
        overflow-x: hidden;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "select", "Open"),
    ]
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

        def __init__(self, call: Call) -> None:
            super().__init__()
            self.call = call

    def __init__(
        self,
        *,
        zone_for: Callable[[Call], tzinfo] = lambda call: UTC,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        company_name: Callable[[Call], str] = lambda call: call.company_name or "",
        mask: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zone_for = zone_for
        self.now = now
        self.company_name = company_name
        self._mask = mask
        self.zone_names = True  # off when every time is in one (display) zone
        self.empty_message = "No calls yet."
        self._calls: dict[str, Call] = {}
        self._version: dict[str, int] = {}
        self._haystack: dict[str, str] = {}
        self._keys: dict[str, SortKey] = {}
        self._all: list[SortKey] = []
        self._view: list[SortKey] = []
        self._live: set[str] = set()
        self._words: list[str] = []
        self._predicate: Callable[[Call], bool] | None = None
        self.sort_column = "time"
        self.sort_descending = True
        self._cursor = 0
        self._layout: list[tuple[Column, int]] = layout_columns(120)
        self._row_cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(2000)

    # -- reading ------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._view)

    @property
    def call_count(self) -> int:
        """Calls held, shown or filtered out."""
        return len(self._calls)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_call(self) -> Call | None:
        return self.call_at(self._cursor)

    def call_at(self, row: int) -> Call | None:
        if 0 <= row < len(self._view):
            return self._calls[self._key_at(row)[-1]]
        return None

    def visible_calls(self) -> list[Call]:
        """Every call that passes the filters, in display order (for tests and exports)."""
        return [
            self._calls[key[-1]] for key in (reversed(self._view) if self.sort_descending else self._view)
        ]

    def row_of(self, call_id: str) -> int | None:
        key = self._keys.get(call_id)
        if key is None:
            return None
        index = bisect.bisect_left(self._view, key)
        if index == len(self._view) or self._view[index] != key:
            return None
        return len(self._view) - 1 - index if self.sort_descending else index

    def _key_at(self, row: int) -> SortKey:
        return self._view[len(self._view) - 1 - row if self.sort_descending else row]

    # -- changing -----------------------------------------------------------------------------------

    def upsert(self, calls: Iterable[Call]) -> None:
        """Add new calls and replace changed ones in place, keeping the cursor on its call."""
        anchor = self._anchor()
        for call in calls:
            self._remove(call.id)
            self._calls[call.id] = call
            self._version[call.id] = self._version.get(call.id, 0) + 1
            self._haystack.pop(call.id, None)
            if call.is_live:
                self._live.add(call.id)
            else:
                self._live.discard(call.id)
            key = self._sort_key(call)
            self._keys[call.id] = key
            bisect.insort(self._all, key)
            if self._matches(call):
                bisect.insort(self._view, key)
        self._restore(anchor)

    def remove(self, call_ids: Iterable[str]) -> None:
        """Drop these calls' rows (the app no longer holds them), keeping the cursor on its call."""
        anchor = self._anchor()
        removed = False
        for call_id in call_ids:
            if self._calls.pop(call_id, None) is None:
                continue
            removed = True
            self._remove(call_id)
            self._version.pop(call_id, None)
            self._haystack.pop(call_id, None)
            self._live.discard(call_id)
        if removed:
            self._restore(anchor)

    def recheck(self, call_ids: Iterable[str]) -> None:
        """Re-apply the filter to these calls (their standing changed because of other records)."""
        anchor = self._anchor()
        for call_id in call_ids:
            call = self._calls.get(call_id)
            if call is None:
                continue
            key = self._keys[call_id]
            index = bisect.bisect_left(self._view, key)
            present = index < len(self._view) and self._view[index] == key
            wanted = self._matches(call)
            if present and not wanted:
                del self._view[index]
            elif wanted and not present:
                self._view.insert(index, key)
        self._restore(anchor)

    def set_filter(self, text: str) -> None:
        """Show only calls whose visible fields contain every word of ``text``."""
        words = clean(text, single_line=True).casefold().split()
        if words == self._words:
            return
        # Typing narrows: when every old word is still part of a new one, only the shown rows can match.
        narrowing = all(any(old in new for new in words) for old in self._words)
        self._words = words
        self._refilter(narrowing=narrowing)

    def set_predicate(self, predicate: Callable[[Call], bool] | None) -> None:
        """An extra condition (company, needs a callback); ``None`` shows all."""
        self._predicate = predicate
        self._refilter()

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        if column not in COLUMN_KEYS:
            raise ValueError(f"unknown column {column!r}")
        anchor = self._anchor()
        if descending is None:
            descending = self.sort_descending if column == self.sort_column else column == "time"
        self.sort_column, self.sort_descending = column, descending
        self._keys = {call_id: self._sort_key(call) for call_id, call in self._calls.items()}
        self._all = sorted(self._keys.values())
        self._view = [key for key in self._all if self._matches(self._calls[key[-1]])]
        self._cursor = 0
        self._restore(anchor, follow_top=True)

    def cycle_sort(self) -> None:
        visible = [column.key for column, _ in self._layout]
        index = visible.index(self.sort_column) if self.sort_column in visible else -1
        self.sort_by(visible[(index + 1) % len(visible)])

    def reverse_sort(self) -> None:
        self.sort_by(self.sort_column, not self.sort_descending)

    @property
    def mask(self) -> bool:
        return self._mask

    @mask.setter
    def mask(self, value: bool) -> None:
        self._mask = value
        self._haystack.clear()
        self.sort_by(self.sort_column, self.sort_descending)
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forget rendered rows (after a style, zone or mask change)."""
        self._row_cache.clear()
        self.refresh()

    def _remove(self, call_id: str) -> None:
        key = self._keys.pop(call_id, None)
        if key is None:
            return
        for ordered in (self._all, self._view):
            index = bisect.bisect_left(ordered, key)
            if index < len(ordered) and ordered[index] == key:
                del ordered[index]

    def _refilter(self, *, narrowing: bool = False) -> None:
        anchor = self._anchor()
        calls = self._calls
        source = self._view if narrowing else self._all
        self._view = [key for key in source if self._matches(calls[key[-1]])]
        self._restore(anchor)

    def _matches(self, call: Call) -> bool:
        if self._predicate is not None and not self._predicate(call):
            return False
        if not self._words:
            return True
        haystack = self._haystack.get(call.id)
        if haystack is None:
            haystack = self._haystack[call.id] = self._search_text(call)
        return all(word in haystack for word in self._words)

    def _anchor(self) -> tuple[str | None, int, bool]:
        """What to keep still across a change: the selected call, its line on screen, and whether the
        cursor sits on the newest row (then it stays there, following new calls)."""
        call = self.selected_call
        following = self._cursor == 0 and round(self.scroll_y) == 0
        return (call.id if call else None, self._cursor - round(self.scroll_y), following)

    def _restore(self, anchor: tuple[str | None, int, bool], *, follow_top: bool = False) -> None:
        call_id, screen_line, following = anchor
        row = None if following or follow_top or call_id is None else self.row_of(call_id)
        self.virtual_size = Size(self.size.width, len(self._view) + 1)
        if row is None:
            self._cursor = min(self._cursor, max(0, len(self._view) - 1)) if not following else 0
            if following or follow_top:
                self.scroll_to(y=0, animate=False, immediate=True)
        else:
            self._cursor = row
            self.scroll_to(y=max(0, row - screen_line), animate=False, immediate=True)
        self.refresh()

    def _sort_key(self, call: Call) -> SortKey:
        start = (call.start_time or _EPOCH).timestamp()
        column = self.sort_column
        if column == "time":
            primary: Any = start
        elif column == "company":
            primary = _text_key(self.company_name(call))
        elif column == "caller":
            primary = _text_key(call.customer_name or call.formatted_customer_name or "")
        elif column == "location":
            primary = _text_key(call.formatted_customer_location or call.customer_city or "")
        elif column == "source":
            primary = _text_key(call.source_name or call.source or "")
        elif column == "tracking":
            primary = _text_key(call.tracking_phone_number or "")
        elif column == "status":
            primary = _STATUS_ORDER[call.status]
        elif column == "duration":
            primary = call.duration or 0
        elif column == "first":
            primary = 1 if call.first_call else 0
        elif column == "lead":
            primary = _text_key(call.lead_status or "")
        else:
            primary = _text_key(", ".join(call.tags))
        # Within equal values the newest call comes first, whichever way the column is sorted.
        return (primary, start if self.sort_descending else -start, call.id)

    def _search_text(self, call: Call) -> str:
        """What a filter word may match: the visible fields, names and numbers only when unmasked."""
        parts = [
            self.company_name(call),
            call.formatted_customer_location or f"{call.customer_city or ''} {call.customer_state or ''}",
            call.source_name or call.source or "",
            display.STATUS_LABELS[call.status],
            call.lead_status or "",
            *call.tags,
        ]
        if not self._mask:
            parts += [
                call.customer_name or call.formatted_customer_name or "",
                call.customer_phone_number or "",
                call.formatted_customer_phone_number or "",
                call.tracking_phone_number or "",
                call.formatted_tracking_phone_number or "",
            ]
        return _safe(" ".join(parts)).casefold()

    # -- cursor -------------------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self._view:
            return
        row = max(0, min(row, len(self._view) - 1))
        old = self._cursor
        self._cursor = row
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
        self.move_cursor(len(self._view) - 1)

    def action_select(self) -> None:
        call = self.selected_call
        if call is not None:
            self.post_message(self.Selected(call))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column == self.sort_column:
                self.reverse_sort()
            elif column is not None:
                self.sort_by(column)
            return
        self.move_cursor(round(self.scroll_y) + offset.y - 1)
        if event.chain >= 2:
            self.action_select()

    def _column_at(self, x: int) -> str | None:
        left = 0
        for column, width in self._layout:
            if left <= x < left + width + GAP:
                return column.key
            left += width + GAP
        return None

    # -- rendering ----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick_live)

    def on_resize(self, event: events.Resize) -> None:
        self._layout = layout_columns(max(1, self.scrollable_content_region.width))
        self.virtual_size = Size(event.size.width, len(self._view) + 1)
        self.clear_cache()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_cache.clear()

    def _tick_live(self) -> None:
        """Calls in progress show their running time: repaint the live rows on screen."""
        if not self._live:
            return
        top = round(self.scroll_y)
        for line in range(1, self.size.height):
            call = self.call_at(top + line - 1)
            if call is not None and call.id in self._live:
                self.refresh_line(top + line)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header_strip(width, base)
        row = round(self.scroll_y) + y - 1
        call = self.call_at(row)
        if call is None:
            if row == 0 and not self._view:
                text = literal(self.empty_message, single_line=True)
                text.stylize(self.get_component_rich_style("call-table--empty", partial=True))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        cursor = row == self._cursor
        live_seconds = self._live_seconds(call)
        key = (call.id, self._version[call.id], cursor, live_seconds)
        strip = self._row_cache.get(key)
        if strip is None:
            over = None
            if cursor:
                over = self.get_component_rich_style("call-table--cursor", partial=True)
                if not self.has_focus:
                    over = Style(bgcolor=over.bgcolor)
            strip = self._strip(self._row_text(call, live_seconds), width, base, over)
            self._row_cache[key] = strip
        return strip

    def on_focus(self) -> None:
        self._row_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._row_cache.clear()
        self.refresh()

    def _live_seconds(self, call: Call) -> int | None:
        if call.id not in self._live or call.start_time is None:
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
            header_style = self.get_component_rich_style("call-table--header")
            sorted_style = self.get_component_rich_style("call-table--sorted", partial=True)
            line = Text(style=header_style, no_wrap=True, end="")
            for index, (column, column_width) in enumerate(self._layout):
                if index:
                    line.append(" " * GAP)
                title = column.title
                if column.key == self.sort_column:
                    title += " ▼" if self.sort_descending else " ▲"
                cell = Text(title, style=sorted_style if column.key == self.sort_column else "")
                line.append_text(_fit(cell, column_width, column.justify))
            line.pad_right(max(0, width - line.cell_len))
            strip = self._strip(line, width, base)
            self._row_cache[key] = strip
        return strip

    def _row_text(self, call: Call, live_seconds: int | None) -> Text:
        status = call.status
        status_style = ""
        if status is CallStatus.IN_PROGRESS:
            status_style = "call-table--live"
        elif status in (CallStatus.MISSED, CallStatus.ABANDONED):
            status_style = "call-table--missed"
        elif status is CallStatus.VOICEMAIL:
            status_style = "call-table--voicemail"
        muted = self.get_component_rich_style("call-table--muted", partial=True)
        duration = live_seconds if live_seconds is not None else call.duration
        cells = {
            "time": literal(
                display.short_time(
                    call.start_time, self.zone_for(call), self.now(), zone_name=self.zone_names
                )
            ),
            "company": literal(self.company_name(call), single_line=True),
            "caller": literal(display.caller_name(call, mask=self._mask), single_line=True),
            "location": literal(display.location(call), muted, single_line=True),
            "source": literal(display.source(call), single_line=True),
            "tracking": literal(
                display.compact_phone(call.tracking_phone_number, call.formatted_tracking_phone_number),
                muted,
                single_line=True,
            ),
            "status": literal(display.STATUS_LABELS[status]),
            "duration": literal(display.format_duration(duration)),
            "first": literal("new" if call.first_call else ""),
            "lead": literal(display.lead_status(call.lead_status), single_line=True),
            "tags": literal(", ".join(clean(tag, single_line=True) for tag in call.tags)),
        }
        if status_style:
            style = self.get_component_rich_style(status_style, partial=True)
            cells["status"].stylize(style)
            if status_style != "call-table--live":
                cells["caller"].stylize(style)
        line = Text(no_wrap=True, end="")
        for index, (column, column_width) in enumerate(self._layout):
            if index:
                line.append(" " * GAP)
            line.append_text(_fit(cells[column.key], column_width, column.justify))
        return line


def _fit(cell: Text, width: int, justify: Literal["left", "right"]) -> Text:
    """The cell cut (by terminal cells, with an ellipsis) or padded to exactly ``width``."""
    cell.truncate(width, overflow="ellipsis")
    padding = width - cell.cell_len
    if padding > 0:
        if justify == "right":
            cell.pad_left(padding)
        else:
            cell.pad_right(padding)
    return cell
