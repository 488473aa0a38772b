"""This caller's other calls, text conversations and forms, from what the app already holds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import NamedTuple

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from tui import display, form_text
from tui.callrail.models import Call, Conversation, FormSubmission
from tui.safe_text import clean, mask_in_text

MAX_ENTRIES = 12
PREVIEW = 60
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class HistoryEntry(NamedTuple):
    at: datetime | None
    kind: str
    detail: str


def _call_entry(call: Call) -> HistoryEntry:
    parts = [display.STATUS_LABELS.get(call.status, call.status.value)]
    if call.duration:
        parts.append(display.format_duration(call.duration))
    if call.company_name:
        parts.append(clean(call.company_name, single_line=True))
    return HistoryEntry(call.start_time, "call", "  ".join(parts))


def _conversation_entry(conversation: Conversation, mask: bool) -> HistoryEntry:
    newest = conversation.newest_messages
    if newest:
        arrow = "←" if newest[0].incoming else "→"
        preview = clean(newest[0].content, single_line=True)
        if mask:  # names and numbers people write in texts ("this is Grace, call me on 512…")
            preview = mask_in_text(preview, [conversation.customer_name or ""])
        if len(preview) > PREVIEW:
            preview = preview[: PREVIEW - 1] + "…"
        detail = f"{arrow} {preview}"
    else:
        detail = "conversation"
    return HistoryEntry(conversation.last_message_at, "text", detail)


def _form_entry(form: FormSubmission) -> HistoryEntry:
    parts = [form_text.form_label(form), form_text.source(form)]
    return HistoryEntry(form.submitted_at, "form", "  ".join(part for part in parts if part))


def history_entries(
    calls: list[Call],
    conversations: list[Conversation],
    forms: Iterable[FormSubmission] = (),
    *,
    exclude: str | None = None,
    mask: bool = False,
) -> list[HistoryEntry]:
    """Every call, conversation and form of this caller but the one shown (``exclude``), newest first;
    ``mask``: names and numbers in the texts' previews masked."""
    entries = [_call_entry(other) for other in calls if other.id != exclude]
    entries.extend(_conversation_entry(conversation, mask) for conversation in conversations)
    entries.extend(_form_entry(form) for form in forms if form.id != exclude)
    entries.sort(key=lambda entry: entry.at or _EPOCH, reverse=True)
    return entries


class CallerHistory(Widget):
    DEFAULT_CSS = """
    CallerHistory {
        height: auto;
        & > .caller-history--when { color: $text-muted; }
        & > .caller-history--call { color: $primary; }
        & > .caller-history--text { color: $accent; }
        & > .caller-history--form { color: $success; }
        & > .caller-history--empty { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES = {
        "caller-history--when",
        "caller-history--call",
        "caller-history--text",
        "caller-history--form",
        "caller-history--empty",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[HistoryEntry] = []
        self._where: tzinfo = UTC
        self._now = _EPOCH

    @property
    def entries(self) -> list[HistoryEntry]:
        return self._entries

    def show(self, entries: list[HistoryEntry], *, where: tzinfo, now: datetime) -> None:
        if (entries, where) != (self._entries, self._where):
            self._entries, self._where, self._now = entries, where, now
            self.refresh(layout=True)

    def render(self) -> RenderableType:
        if not self._entries:
            return Text(
                "No earlier calls or texts.", style=self.get_component_rich_style("caller-history--empty")
            )
        when_style = self.get_component_rich_style("caller-history--when")
        lines = []
        for entry in self._entries[:MAX_ENTRIES]:
            when = display.short_time(entry.at, self._where, self._now) or "?"
            kind_style = self.get_component_rich_style(f"caller-history--{entry.kind}")
            line = Text.assemble(
                (when.rjust(9), when_style), " ", (entry.kind.ljust(5), kind_style), entry.detail
            )
            line.no_wrap = True
            line.overflow = "ellipsis"
            lines.append(line)
        if len(self._entries) > MAX_ENTRIES:
            lines.append(Text(f"… and {len(self._entries) - MAX_ENTRIES} more", style=when_style))
        return Group(*lines)
