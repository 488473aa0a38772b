"""A call transcript: speaker-labelled, styled by speaker, rendered line by line on demand.

Only the lines on screen are turned into strips (and cached), and the word wrapping (over offsets, see
``transcript_layout``) is done for the first turns at once and for the rest in slices between frames,
so a 1 MB transcript shows at once and scrolling costs a few lines per frame.
Text is never parsed as markup: each line is a plain ``Segment`` of cleaned text.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.callrail.models import Call
from tui.safe_text import mask_in_text
from tui.widgets.transcript_layout import Lines, Role, Turn, label_width, layout, turns_from_call

GUTTER = 2
LAYOUT_SLICE = 500  # turns wrapped at a time (a few ms); the first slice fills the screen many times over


class Transcript(ScrollView, can_focus=True):
    """Shows a list of ``Turn``s; ``show_call`` picks the right transcript field of a call."""

    DEFAULT_CSS = """
    Transcript {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .transcript--label-agent { color: $accent; text-style: bold; }
        & > .transcript--label-caller { color: $primary; text-style: bold; }
        & > .transcript--label-other { color: $secondary; text-style: bold; }
        & > .transcript--text-agent { color: $text; }
        & > .transcript--text-caller { color: $text; }
        & > .transcript--text-other { color: $text; }
        & > .transcript--placeholder { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES = {
        *(f"transcript--label-{role}" for role in Role),
        *(f"transcript--text-{role}" for role in Role),
        "transcript--placeholder",
    }
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    def __init__(self, *, placeholder: str = "No transcript.", id: str | None = None) -> None:
        super().__init__(id=id)
        self._turns: list[Turn] = []
        self._source: object = None
        self._masked = False
        self._placeholder = placeholder
        self._lines = Lines()
        self._label_width = 0
        self._laid_out_for = -1
        self._laid_out_turns = 0  # turns wrapped so far at ``_laid_out_for``
        self._text_width = 0
        self._strips: LRUCache[int, Strip] = LRUCache(1024)

    @property
    def turns(self) -> list[Turn]:
        return self._turns

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def show_call(self, call: Call, *, placeholder: str | None = None, mask: bool = False) -> None:
        """The call's transcript; ``mask``: the caller's name and every phone number in it masked."""
        # A call is shown again on every change to it; its transcript is re-read only when it is new.
        source = call.conversational_transcript or call.transcription or None
        if source is not None and source is self._source and mask == self._masked:
            self._set_placeholder(placeholder)
            return
        self._source, self._masked = source, mask
        turns = turns_from_call(call)
        if mask:
            names = [call.customer_name or ""]
            turns = [Turn(turn.speaker, mask_in_text(turn.text, names)) for turn in turns]
        self.show_turns(turns, placeholder=placeholder)

    def show_turns(self, turns: list[Turn], *, placeholder: str | None = None) -> None:
        self._set_placeholder(placeholder)
        if turns == self._turns and self._laid_out_for >= 0:
            return
        self._turns = turns
        self._laid_out_for = -1
        self._relayout()

    def _set_placeholder(self, placeholder: str | None) -> None:
        if placeholder is not None and placeholder != self._placeholder:
            self._placeholder = placeholder
            self._strips.clear()
            self.refresh()

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._laid_out_for:
            return
        self._label_width = label_width(self._turns)
        gutter = self._label_width + GUTTER if self._label_width else 0
        self._text_width = max(8, width - gutter)
        self._lines = Lines()
        self._laid_out_for = width
        self._laid_out_turns = 0
        self._strips.clear()
        self._layout_slice(until=LAYOUT_SLICE)

    @property
    def laid_out(self) -> bool:
        """Every turn is wrapped (the rest of a long transcript follows the first screen in slices)."""
        return self._laid_out_turns >= len(self._turns)

    def _layout_slice(self, width: int | None = None, *, until: int | None = None) -> None:
        if width is not None and width != self._laid_out_for:
            return  # laid out again for another width meanwhile
        start = self._laid_out_turns
        stop = len(self._turns) if until is None else until
        self._lines.extend(layout(self._turns, self._text_width, start, stop))
        self._laid_out_turns = max(start, min(stop, len(self._turns)))
        self.virtual_size = Size(self._laid_out_for, max(1, len(self._lines)))
        self.refresh()
        if not self.laid_out:
            self.call_later(self._layout_slice, self._laid_out_for, until=self._laid_out_turns + LAYOUT_SLICE)

    def _finish_layout(self) -> None:
        if not self.laid_out and self._laid_out_for >= 0:
            self._layout_slice()

    def scroll_end(self, *args: Any, **kwargs: Any) -> None:
        self._finish_layout()  # the end is where the last turn is
        super().scroll_end(*args, **kwargs)

    def on_resize(self) -> None:
        self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        strip = self._strips.get(index)
        if strip is None:
            strip = self._build_strip(index)
            self._strips[index] = strip
        return strip.crop_extend(0, width, self.rich_style).apply_offsets(0, index)

    def _style(self, name: str) -> Style:
        return self.rich_style + self.get_component_rich_style(name, partial=True)

    def _build_strip(self, index: int) -> Strip:
        if not self._turns:
            # wrapped to the width: "the transcript arrives after the call ends" must read whole at 80 columns
            width = max(8, self.scrollable_content_region.width)
            lines = textwrap.wrap(self._placeholder, width) or [""]
            if index >= len(lines):
                return Strip([])
            return Strip([Segment(lines[index], self._style("transcript--placeholder"))])
        if index >= len(self._lines) or (ref := self._lines[index]).blank:
            return Strip([])
        turn = self._turns[ref.turn]
        segments = []
        if self._label_width:
            label = turn.label if ref.first else ""
            padding = " " * (self._label_width - cell_len(label))
            segments.append(
                Segment(padding + label + " " * GUTTER, self._style(f"transcript--label-{turn.role}"))
            )
        segments.append(
            Segment(turn.text[ref.start : ref.end].rstrip(), self._style(f"transcript--text-{turn.role}"))
        )
        return Strip(segments)
