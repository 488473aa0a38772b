"""The transcript: speaker turns, word wrap by cells, and a 1 MB transcript opened and scrolled."""

from __future__ import annotations

import random

from rich.cells import cell_len
from textual.app import App, ComposeResult

from tui.callrail.models import Call
from tui.screenshots import wait_for
from tui.widgets.transcript import Transcript
from tui.widgets.transcript_layout import (
    Role,
    Turn,
    layout,
    turns_from_call,
    turns_from_text,
    wrap_offsets,
)


def lines_of(text: str, width: int) -> list[str]:
    return [text[start:end].rstrip() for start, end in wrap_offsets(text, width)]


def test_wrap_breaks_at_spaces_within_the_width():
    text = "the water heater is leaking all over the garage floor"
    lines = lines_of(text, 20)
    assert lines == ["the water heater is", "leaking all over the", "garage floor"]
    assert all(len(line) <= 20 for line in lines)


def test_wrap_cuts_a_word_longer_than_the_line():
    assert lines_of("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_wrap_counts_wide_characters_as_two_cells():
    text = "水漏れ " * 10
    for line in lines_of(text, 9):
        assert cell_len(line) <= 9
    assert "".join(lines_of("漏" * 11, 4)) == "漏" * 11


def test_conversational_transcript_gives_one_turn_per_phrase():
    call = Call.model_validate(
        {
            "id": "CAL1",
            "conversational_transcript": [
                {"speaker": "agent", "phrase": "Thanks for calling.", "start": 0},
                {"speaker": "caller", "phrase": "My heater leaks.", "start": 3},
            ],
            "transcription": "ignored when the conversational form is there",
        }
    )
    turns = turns_from_call(call)
    assert [(turn.label, turn.role) for turn in turns] == [("Agent", Role.AGENT), ("Caller", Role.CALLER)]


def test_plain_transcription_is_split_at_inline_speakers():
    turns = turns_from_text("Agent: Lone Star Plumbing. Caller: Hi, my water heater… Agent: Sure.")
    assert [(turn.speaker, turn.text) for turn in turns] == [
        ("Agent", "Lone Star Plumbing."),
        ("Caller", "Hi, my water heater…"),
        ("Agent", "Sure."),
    ]
    assert turns_from_text("A voicemail with no speakers.") == [Turn("", "A voicemail with no speakers.")]


def test_layout_labels_the_first_line_of_each_turn_and_separates_turns():
    turns = [Turn("agent", "word " * 30), Turn("caller", "short")]
    lines = layout(turns, 40)
    firsts = [line for line in lines if not line.blank and line.first]
    assert [line.turn for line in firsts] == [0, 1]
    assert any(line.blank for line in lines)


class TranscriptApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Transcript()


async def test_widget_shows_speakers_and_their_words():
    call = Call.model_validate(
        {
            "id": "CAL1",
            "conversational_transcript": [
                {"speaker": "agent", "phrase": "Thanks for calling Lone Star."},
                {"speaker": "caller", "phrase": "My water heater is leaking."},
            ],
        }
    )
    app = TranscriptApp()
    async with app.run_test(size=(80, 10)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_call(call)
        await pilot.pause()
        rows = [transcript.render_line(y).text for y in range(3)]
        assert rows[0].lstrip().startswith("Agent  Thanks for calling Lone Star.")
        assert rows[1].strip() == ""
        assert rows[2].startswith("Caller  My water heater is leaking.")


async def test_widget_shows_the_placeholder_without_a_transcript():
    app = TranscriptApp()
    async with app.run_test(size=(80, 5)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_call(Call(id="CAL1"), placeholder="The call is in progress.")
        await pilot.pause()
        assert transcript.render_line(0).text.startswith("The call is in progress.")


async def test_a_long_placeholder_wraps_in_a_narrow_pane():
    app = TranscriptApp()
    async with app.run_test(size=(30, 5)) as pilot:
        transcript = app.query_one(Transcript)
        text = "The call is in progress; the transcript arrives after it ends."
        transcript.show_call(Call(id="CAL1"), placeholder=text)
        await pilot.pause()
        rows = [transcript.render_line(y).text.strip() for y in range(4)]
        assert " ".join(row for row in rows if row) == text


def big_transcript_call(size: int = 1_000_000) -> Call:
    rng = random.Random(5)
    words = ["the", "water", "heater", "is", "leaking", "can", "someone", "come", "out", "tomorrow", "thanks"]
    phrases, total = [], 0
    while total < size:
        phrase = " ".join(rng.choice(words) for _ in range(rng.randint(3, 60)))
        phrases.append({"speaker": rng.choice(["agent", "caller"]), "phrase": phrase})
        total += len(phrase)
    return Call.model_validate({"id": "CALBIG", "conversational_transcript": phrases})


async def test_a_1mb_transcript_is_laid_out_whole_and_scrolls_to_its_end():
    """How quickly it opens is measured by the ui benchmark (ui_open_big_transcript_ms)."""
    call = big_transcript_call()
    app = TranscriptApp()
    async with app.run_test(size=(120, 36)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_call(call)
        await pilot.pause()
        first = [transcript.render_line(y).text for y in range(3)]
        assert first[0].lstrip().startswith(turns_from_call(call)[0].label)
        await wait_for(pilot, lambda: transcript.laid_out)
        assert transcript.line_count > 10_000
        assert [transcript.render_line(y).text for y in range(3)] == first
        transcript.scroll_end(animate=False)
        await pilot.pause()
        last = transcript.render_line(transcript.size.height - 1).text
        phrase = call.conversational_transcript[-1].phrase
        assert phrase.endswith(last.strip()) or last.strip().endswith(phrase)  # the last turn's end
        assert transcript.max_scroll_y == transcript.line_count - transcript.size.height


async def test_the_end_of_a_long_transcript_shows_before_the_rest_is_laid_out():
    """The first screen is wrapped at once and the rest in slices; going to the end finishes it first."""
    call = big_transcript_call()
    app = TranscriptApp()
    async with app.run_test(size=(120, 36)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_call(call)
        assert transcript.line_count > transcript.size.height and not transcript.laid_out
        transcript.scroll_end(animate=False)
        assert transcript.laid_out
        await pilot.pause()
        last = transcript.render_line(transcript.size.height - 1).text
        phrase = call.conversational_transcript[-1].phrase
        assert phrase.endswith(last.strip()) or last.strip().endswith(phrase)
        text_width = transcript.scrollable_content_region.width - len("Caller  ")  # label and gutter
        whole = layout(turns_from_call(call), text_width)
        assert transcript.line_count == len(whole)
