"""Turning a call's transcript into speaker turns and wrapped lines, without Textual.

A wrapped line is a pair of offsets into its turn's text, so a 1 MB transcript is laid out without
copying it; the widget slices the text only for the lines on screen.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size, set_cell_size

from tui.callrail.models import Call
from tui.safe_text import clean


class Role(StrEnum):
    AGENT = "agent"
    CALLER = "caller"
    OTHER = "other"


_AGENT_NAMES = frozenset({"agent", "rep", "representative", "business", "employee", "staff"})
_CALLER_NAMES = frozenset({"caller", "customer", "client", "lead", "contact"})
# In the plain ``transcription`` text the speakers are inline: "Agent: Hello… Caller: Hi, my…".
_INLINE_SPEAKER = re.compile(r"(?:^|(?<=\s))(Agent|Caller|Customer|Speaker ?\d+):[ \t]*", re.IGNORECASE)
_TOKEN = re.compile(r"\S+\s*|\s+")
MAX_LABEL_WIDTH = 10


def role_of(speaker: str) -> Role:
    name = speaker.strip().lower()
    if name in _AGENT_NAMES:
        return Role.AGENT
    if name in _CALLER_NAMES:
        return Role.CALLER
    return Role.OTHER


@dataclass(frozen=True)
class Turn:
    """What one speaker said, already cleaned of escapes and control characters."""

    speaker: str
    text: str

    @property
    def role(self) -> Role:
        return role_of(self.speaker)

    @property
    def label(self) -> str:
        return set_cell_size(self.speaker.strip().title(), MAX_LABEL_WIDTH).rstrip()


def _turn(speaker: object, text: object) -> Turn:
    # printable text holds no escape, control or bidi character, so cleaning it would change nothing
    said = text if isinstance(text, str) and text.isprintable() else clean(text)
    return Turn(clean(speaker, single_line=True), said.replace("\t", "    ").strip())


def turns_from_call(call: Call) -> list[Turn]:
    """The conversational transcript if there is one, else the plain transcription split by speaker."""
    if call.conversational_transcript:
        speakers: dict[object, str] = {}  # two or three speakers say thousands of phrases: clean each once
        turns = []
        for phrase in call.conversational_transcript:
            speaker = speakers.get(phrase.speaker)
            if speaker is None:
                speaker = speakers[phrase.speaker] = clean(phrase.speaker, single_line=True)
            text = phrase.phrase
            said = text if isinstance(text, str) and text.isprintable() else clean(text)
            turns.append(Turn(speaker, said.replace("\t", "    ").strip()))
        return turns
    return turns_from_text(call.transcription or "")


def turns_from_text(text: str) -> list[Turn]:
    parts = _INLINE_SPEAKER.split(clean(text))
    turns = [_turn("", parts[0])] if parts[0].strip() else []
    turns.extend(_turn(speaker, said) for speaker, said in zip(parts[1::2], parts[2::2], strict=True))
    return [turn for turn in turns if turn.text]


def _hard_split(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Cut one word wider than the line into pieces of at most ``width`` cells."""
    pieces = []
    while start < end:
        chunk = text[start : min(end, start + width)]
        if chunk.isascii():
            stop = start + len(chunk)
        else:
            cells, stop = 0, start
            while stop < end:
                size = get_character_cell_size(text[stop])
                if cells + size > width and stop > start:
                    break
                cells += size
                stop += 1
        pieces.append((start, stop))
        start = stop
    return pieces


def wrap_offsets(text: str, width: int, base: int = 0) -> list[tuple[int, int]]:
    """Greedy word wrap of one paragraph to ``width`` cells, as ``(start, end)`` offsets from ``base``."""
    width = max(1, width)
    lines = _wrap_ascii(text, width) if text.isascii() else _wrap_cells(text, width)
    return [(base + start, base + end) for start, end in lines]


def _wrap_ascii(text: str, width: int) -> list[tuple[int, int]]:
    """One ``rfind`` per line instead of a step per word: a 1 MB transcript wraps in milliseconds."""
    lines = []
    start, size = 0, len(text)
    while size - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = start + width
            lines.append((start, cut))
            start = cut
            continue
        lines.append((start, cut))
        start = cut + 1
        while start < size and text[start] == " ":
            start += 1
    lines.append((start, size))
    return lines


def _wrap_cells(text: str, width: int) -> list[tuple[int, int]]:
    if cell_len(text) <= width:
        return [(0, len(text))]
    lines: list[tuple[int, int]] = []
    line_start, column = 0, 0
    for token in _TOKEN.finditer(text):
        word = token.group().rstrip()
        if not word:
            column += cell_len(token.group())
            continue
        word_cells = cell_len(word)
        if column and column + word_cells > width:
            lines.append((line_start, token.start()))
            line_start, column = token.start(), 0
        if word_cells > width:
            pieces = _hard_split(text, token.start(), token.start() + len(word), width)
            lines.extend(pieces[:-1])
            line_start = pieces[-1][0]
            column = cell_len(text[line_start : token.end()])
            continue
        column += cell_len(token.group())
    lines.append((line_start, len(text)))
    return lines


class LineRef(NamedTuple):
    """One screen line: a slice of a turn's text; ``first`` lines carry the speaker label."""

    turn: int
    start: int
    end: int
    first: bool

    @property
    def blank(self) -> bool:
        return self.turn < 0


class Lines:
    """The screen lines as parallel arrays: no object per line to allocate, keep or garbage-collect."""

    def __init__(self) -> None:
        self._turns = array("i")
        self._starts = array("q")
        self._ends = array("q")
        self._firsts = bytearray()

    def __len__(self) -> int:
        return len(self._turns)

    def __getitem__(self, index: int) -> LineRef:
        return LineRef(self._turns[index], self._starts[index], self._ends[index], bool(self._firsts[index]))

    def __iter__(self) -> Iterator[LineRef]:
        return (self[index] for index in range(len(self)))

    def extend(self, more: Lines) -> None:
        self._turns.extend(more._turns)
        self._starts.extend(more._starts)
        self._ends.extend(more._ends)
        self._firsts.extend(more._firsts)

    @classmethod
    def of(cls, turns: list[int], starts: list[int], ends: list[int], firsts: bytearray) -> Lines:
        """From whole columns at once (an append per line and column is slower)."""
        lines = cls()
        lines._turns = array("i", turns)
        lines._starts = array("q", starts)
        lines._ends = array("q", ends)
        lines._firsts = firsts
        return lines


def label_width(turns: list[Turn]) -> int:
    speakers = {turn.speaker for turn in turns}  # a handful, however long the call
    return max((cell_len(Turn(speaker, "").label) for speaker in speakers), default=0)


def layout(turns: list[Turn], text_width: int, start: int = 0, stop: int | None = None) -> Lines:
    """Every turn (``turns[start:stop]``) wrapped to ``text_width`` cells, a blank line between turns."""
    owners: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    firsts = bytearray()
    for index in range(start, len(turns) if stop is None else min(stop, len(turns))):
        turn = turns[index]
        if index:
            owners.append(-1)
            starts.append(0)
            ends.append(0)
            firsts.append(False)
        first = True
        offset = 0
        for paragraph in turn.text.split("\n"):
            wrapped = wrap_offsets(paragraph, text_width, offset)
            owners.extend([index] * len(wrapped))
            starts.extend(start for start, _ in wrapped)
            ends.extend(end for _, end in wrapped)
            firsts.append(first)
            firsts.extend(bytes(len(wrapped) - 1))
            first = False
            offset += len(paragraph) + 1
    return Lines.of(owners, starts, ends, firsts)
