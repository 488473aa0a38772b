"""Text conversations, newest first, two lines each, rendered on demand so hundreds stay quick.

Conversations whose last message is from the customer are marked as awaiting a reply, unless that
message opted them out (STOP, UNSUBSCRIBE, ...): those are marked as opted out, since no reply can be
sent. Updates merge by conversation id and keep the cursor on the conversation it was on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui import display
from tui.callrail.models import Conversation
from tui.context import Times
from tui.live.replies import is_opted_out, needs_reply
from tui.safe_text import clean, mask_in_text, mask_name
from tui.widgets.list_keys import LIST_KEYS
from tui.widgets.toast_clear import ToastsClearCursor, row_region

LINES_PER_ITEM = 2
AWAITING_MARK = "●"
OPTED_OUT_MARK = "⊘"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def customer_label(conversation: Conversation, *, mask: bool) -> str:
    name = clean(conversation.customer_name or conversation.formatted_customer_name, single_line=True)
    if name:
        return mask_name(name) if mask else name
    return (
        display.compact_phone(
            conversation.customer_phone_number, conversation.formatted_customer_phone_number, mask=mask
        )
        or "Unknown"
    )


def preview(conversation: Conversation) -> str:
    newest = conversation.newest_messages
    if not newest:
        return ""
    arrow = "←" if newest[0].incoming else "→"
    return f"{arrow} {clean(newest[0].content, single_line=True)}"


def newest_first(conversations: Iterable[Conversation]) -> list[Conversation]:
    return sorted(conversations, key=lambda c: (c.last_message_at or _EPOCH, c.id), reverse=True)


class ConversationList(ToastsClearCursor, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    ConversationList {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .conversation-list--awaiting { color: $warning; text-style: bold; }
        & > .conversation-list--opted-out { color: $error; }
        & > .conversation-list--customer { text-style: bold; }
        & > .conversation-list--company { color: $text-muted; }
        & > .conversation-list--time { color: $text-muted; }
        & > .conversation-list--preview { color: $text-muted; }
        & > .conversation-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .conversation-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """
    COMPONENT_CLASSES = {
        "conversation-list--awaiting",
        "conversation-list--opted-out",
        "conversation-list--customer",
        "conversation-list--company",
        "conversation-list--time",
        "conversation-list--preview",
        "conversation-list--cursor",
    }
    BINDINGS = [*LIST_KEYS, Binding("enter", "select", "Open", show=True)]

    cursor = reactive(0, always_update=True, init=False)

    class Selected(Message):
        def __init__(self, conversation: Conversation) -> None:
            super().__init__()
            self.conversation = conversation

    def __init__(
        self,
        *,
        mask: bool = False,
        times: Times | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        empty: str = "No text conversations yet.",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.empty = empty
        self._mask = mask
        self._times = times or Times(None)
        self._now = now
        self._by_id: dict[str, Conversation] = {}
        self._order: list[Conversation] = []
        self.only_awaiting = False  # only conversations that need a reply
        self._strips: LRUCache[tuple[int, bool], Strip] = LRUCache(256)

    @property
    def conversations(self) -> list[Conversation]:
        """The ones shown, in order."""
        return self._order

    @property
    def held(self) -> list[Conversation]:
        """Every conversation the list holds, shown or filtered out."""
        return list(self._by_id.values())

    def set_only_awaiting(self, only: bool) -> None:
        self.only_awaiting = only
        self.update_conversations([])

    @property
    def highlighted(self) -> Conversation | None:
        return self._order[self.cursor] if 0 <= self.cursor < len(self._order) else None

    def set_mask(self, mask: bool) -> None:
        self._mask = mask
        self._strips.clear()
        self.refresh()

    def update_conversations(
        self, conversations: Iterable[Conversation], removed: Iterable[str] = ()
    ) -> None:
        """Add new conversations, replace changed ones (by id) and drop ``removed`` ids, keeping the cursor
        on its conversation."""
        current = self.highlighted
        for conversation_id in removed:
            self._by_id.pop(conversation_id, None)
        for conversation in conversations:
            self._by_id[conversation.id] = conversation
        shown = (
            (c for c in self._by_id.values() if needs_reply(c))
            if self.only_awaiting
            else self._by_id.values()
        )
        self._order = newest_first(shown)
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._order) * LINES_PER_ITEM)
        if current is not None:
            self.cursor = next((i for i, c in enumerate(self._order) if c.id == current.id), 0)
        else:
            self.cursor = 0
        self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._order) * LINES_PER_ITEM)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_focus(self) -> None:
        self._strips.clear()  # the cursor's colours depend on focus
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._order) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        # The cache is keyed by cursor or not: only the two rows that changed are drawn again.
        self.refresh()
        self.scroll_to_region(
            Region(0, new * LINES_PER_ITEM, 1, LINES_PER_ITEM), animate=False, force=True, immediate=True
        )
        self.keep_toasts_clear()

    def cursor_region(self) -> Region | None:
        if not self._order:
            return None
        return row_region(self, self.cursor * LINES_PER_ITEM - self.scroll_offset.y, LINES_PER_ITEM)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._order) - 1

    def action_page_down(self) -> None:
        self.cursor += self._items_per_page()

    def action_page_up(self) -> None:
        self.cursor -= self._items_per_page()

    def _items_per_page(self) -> int:
        return max(1, self.scrollable_content_region.height // LINES_PER_ITEM)

    def action_select(self) -> None:
        if (conversation := self.highlighted) is not None:
            self.post_message(self.Selected(conversation))

    def on_click(self, event: Click) -> None:
        index = (event.y + self.scroll_offset.y) // LINES_PER_ITEM
        if 0 <= index < len(self._order):
            self.cursor = index
            if event.chain > 1:
                self.action_select()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        index, row = divmod(line, LINES_PER_ITEM)
        width = self.scrollable_content_region.width
        key = (line, index == self.cursor)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._build_strip(index, row, width)
            self._strips[key] = strip
        return strip.apply_offsets(0, line)

    def _build_strip(self, index: int, row: int, width: int) -> Strip:
        base = self.rich_style
        if not self._order and index == 0 and row == 0:
            muted = self._style("conversation-list--preview") + Style(italic=True)
            hint = Text(f"   {self.empty}", style=muted)
            hint.truncate(width, overflow="ellipsis", pad=True)
            hint.stylize_before(base)
            return Strip(hint.render(self.app.console), width)
        if index >= len(self._order):
            return Strip.blank(width, base)
        conversation = self._order[index]
        text = self._first_row(conversation, width) if row == 0 else self._second_row(conversation, width)
        if index == self.cursor:
            text.stylize_before(self.get_component_rich_style("conversation-list--cursor"))
        else:
            text.stylize_before(base)
        return Strip(text.render(self.app.console), width)

    def _first_row(self, conversation: Conversation, width: int) -> Text:
        if is_opted_out(conversation):
            mark, mark_style = OPTED_OUT_MARK, "conversation-list--opted-out"
        else:
            mark = AWAITING_MARK if needs_reply(conversation) else " "
            mark_style = "conversation-list--awaiting"
        where = self._times.for_company(conversation.company_id, conversation.company_time_zone)
        when = display.short_time(conversation.last_message_at, where, self._now())
        left = Text.assemble(
            (f" {mark} ", self._style(mark_style)),
            (customer_label(conversation, mask=self._mask), self._style("conversation-list--customer")),
            ("  ", ""),
            (clean(conversation.company_name, single_line=True), self._style("conversation-list--company")),
        )
        left.truncate(max(1, width - len(when) - 2), overflow="ellipsis", pad=True)
        return Text.assemble(left, " ", (when, self._style("conversation-list--time")), " ", no_wrap=True)

    def _second_row(self, conversation: Conversation, width: int) -> Text:
        said = preview(conversation)
        if self._mask:
            said = mask_in_text(said, [conversation.customer_name or ""])
        text = Text.assemble(("   ", ""), (said, self._style("conversation-list--preview")))
        if is_opted_out(conversation):
            note = Text("  opted out of texts ", style=self._style("conversation-list--opted-out"))
            text.truncate(max(4, width - len(note)), overflow="ellipsis")
            text.append_text(note)
        text.truncate(width, overflow="ellipsis", pad=True)
        text.no_wrap = True
        return text
