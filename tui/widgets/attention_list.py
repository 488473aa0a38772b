"""The needs-attention inbox as a list: a line per company, then a line per item with how long it has
waited, oldest first. Lines are drawn on demand (only those on screen), so the waiting times can tick
every second for the cost of a screenful of lines. The cursor stays on its item across updates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui import display, form_text
from tui.callrail.models import Call, CallStatus, Conversation
from tui.live.attention import AttentionGroup, AttentionItem, AttentionKind
from tui.safe_text import clean, mask_in_text, mask_name
from tui.widgets.list_keys import LIST_KEYS
from tui.widgets.toast_clear import ToastsClearCursor, row_region

REASON_LABELS = {
    CallStatus.MISSED.value: display.STATUS_LABELS[CallStatus.MISSED],
    CallStatus.ABANDONED.value: display.STATUS_LABELS[CallStatus.ABANDONED],
    CallStatus.VOICEMAIL.value: display.STATUS_LABELS[CallStatus.VOICEMAIL],
}
TEXT_LABEL = "← needs reply"
FORM_LABEL = "✎ new form"
REASON_CLASSES = {
    CallStatus.MISSED.value: "attention-list--missed",
    CallStatus.ABANDONED.value: "attention-list--missed",
    CallStatus.VOICEMAIL.value: "attention-list--voicemail",
}
# column widths: waited, reason, who, number, when (what is left goes to the detail); below NARROW
# columns the time of the call is left out (the waiting time says it) and names get less room
WAITED, REASON, WHO, NUMBER, WHEN = 8, 17, 22, 14, 10
NARROW, NARROW_WHO = 100, 18


@dataclass(frozen=True)
class _Row:
    group: AttentionGroup
    item: AttentionItem | None = None  # None: the company's heading
    gap: bool = False  # the blank line before a heading


class AttentionList(ToastsClearCursor, ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "attention-list--company",
        "attention-list--waited",
        "attention-list--missed",
        "attention-list--voicemail",
        "attention-list--text",
        "attention-list--muted",
        "attention-list--cursor",
    }
    BINDINGS = LIST_KEYS

    cursor = reactive(0, always_update=True, init=False)

    class Selected(Message):
        def __init__(self, item: AttentionItem) -> None:
            super().__init__()
            self.item = item

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        zone: tzinfo,
        company_name: Callable[[str | None, str | None], str],
        mask: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self._zone = zone
        self._company_name = company_name
        self._mask = mask
        self._rows: list[_Row] = []
        self.empty = "Nothing needs attention: missed calls and texts waiting for a reply appear here."

    # -- content --------------------------------------------------------------------------------------

    @property
    def items(self) -> list[AttentionItem]:
        return [row.item for row in self._rows if row.item is not None]

    @property
    def highlighted(self) -> AttentionItem | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].item
        return None

    def show(self, groups: list[AttentionGroup], *, keep: AttentionItem | None = None) -> None:
        """Show these groups; the cursor stays on ``keep`` (default: the highlighted item) if it is still
        there, else at the same place in the list."""
        current = keep or self.highlighted
        place = self.cursor
        rows: list[_Row] = []
        for group in groups:
            if rows:
                rows.append(_Row(group, gap=True))
            rows.append(_Row(group))
            rows.extend(_Row(group, item) for item in group.items)
        self._rows = rows
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        slots = {row.item.slot: index for index, row in enumerate(rows) if row.item is not None}
        if current is not None and current.slot in slots:
            self.cursor = slots[current.slot]
        else:
            self.cursor = self._item_at_or_after(place)
        self.refresh()

    def set_mask(self, mask: bool) -> None:
        self._mask = mask
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    # -- the cursor, on items only ------------------------------------------------------------------

    def _item_at_or_after(self, index: int) -> int:
        for step in (1, -1):
            at = max(0, min(index, len(self._rows) - 1))
            while 0 <= at < len(self._rows):
                if self._rows[at].item is not None:
                    return at
                at += step
        return 0

    def _move(self, by: int) -> None:
        step = 1 if by > 0 else -1
        at, moved = self.cursor, 0
        target = self.cursor
        while 0 <= at + step < len(self._rows) and moved < abs(by):
            at += step
            if self._rows[at].item is not None:
                target, moved = at, moved + 1
        self.cursor = target

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        # a company's first item brings its heading into view too
        top = new - 1 if new > 0 and self._rows[new - 1].item is None else new
        self.scroll_to_region(Region(0, top, 1, new - top + 1), animate=False, force=True, immediate=True)
        self.keep_toasts_clear()

    def cursor_region(self) -> Region | None:
        return row_region(self, self.cursor - self.scroll_offset.y) if self._rows else None

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height - 2))

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self.cursor = self._item_at_or_after(0)

    def action_last(self) -> None:
        self.cursor = self._item_at_or_after(len(self._rows) - 1)

    def action_select(self) -> None:
        if (item := self.highlighted) is not None:
            self.post_message(self.Selected(item))

    def on_click(self, event: Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self._rows) and self._rows[index].item is not None:
            self.cursor = index
            if event.chain > 1:
                self.action_select()

    # -- drawing ------------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self._rows:
            text = Text(f"   {self.empty}" if y == 0 else "", style=self._style("attention-list--muted"))
        elif index >= len(self._rows) or self._rows[index].gap:
            return Strip.blank(width, base)
        elif (item := self._rows[index].item) is None:
            text = self._heading(self._rows[index].group)
        else:
            text = self._item_line(item, width)
            if index == self.cursor:
                text.stylize_before(self.get_component_rich_style("attention-list--cursor"))
        text.truncate(width, overflow="ellipsis", pad=True)
        text.no_wrap = True
        text.stylize_before(base)
        return Strip(text.render(self.app.console), width).apply_offsets(0, index)

    def _heading(self, group: AttentionGroup) -> Text:
        name = self._company_name(group.company_id, group.company_name) or "No company"
        count = len(group.items)
        return Text.assemble(
            (f" {name}", self._style("attention-list--company")),
            (f"  {count} waiting", self._style("attention-list--muted")),
        )

    def _item_line(self, item: AttentionItem, width: int) -> Text:
        waited = display.format_duration((self._now() - item.since).total_seconds())
        if item.kind is AttentionKind.TEXT:
            reason, reason_style = TEXT_LABEL, "attention-list--text"
        elif item.kind is AttentionKind.FORM:
            reason, reason_style = FORM_LABEL, "attention-list--text"
        else:
            reason = REASON_LABELS.get(item.reason, item.reason)
            reason_style = REASON_CLASSES.get(item.reason, "attention-list--missed")
        number = display.compact_phone(item.customer_phone_number, mask=self._mask)
        name = clean(item.customer_name, single_line=True)
        who = (mask_name(name) if self._mask else name) if name else number or "Unknown"
        when = display.short_time(item.since, self._zone, self._now(), zone_name=False)
        muted = self._style("attention-list--muted")
        narrow = width < NARROW
        return Text.assemble(
            _column(waited, WAITED, self._style("attention-list--waited"), right=True),
            _column(f" {reason}", REASON, self._style(reason_style)),
            _column(who, NARROW_WHO if narrow else WHO),
            _column(number if name else "", NUMBER, muted),
            "" if narrow else _column(when, WHEN, muted),
            (self._detail(item), muted),
        )

    def _detail(self, item: AttentionItem) -> str:
        record = item.record
        if isinstance(record, Conversation):
            newest = record.newest_messages[0].content if record.newest_messages else ""
            text = clean(newest, single_line=True)
            names = [item.customer_name] if item.customer_name else []
            return f"“{mask_in_text(text, names) if self._mask else text}”"
        if isinstance(record, Call):
            parts = [display.source(record)]
            if record.status is not CallStatus.MISSED and record.duration:
                parts.append(display.format_duration(record.duration))
            return " · ".join(part for part in parts if part)
        return " · ".join(part for part in (form_text.form_label(record), form_text.source(record)) if part)


def _column(value: str, width: int, style: Style | str = "", *, right: bool = False) -> Text:
    """``value`` in a column ``width`` cells wide (the last one a space), cut with an ellipsis."""
    cell = Text(value.rjust(width - 1) if right else value, style=style)
    cell.truncate(width - 1, overflow="ellipsis", pad=True)
    cell.append(" ")
    return cell
