"""Outside text (caller names, company names, notes, tags, texts, transcripts) is shown literally and
safely: no markup is interpreted, no escape sequence or bidi control reaches the terminal, wide and
combining characters keep the layout, and a 1 MB transcript is just long."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from tui.callrail.models import Call, Conversation
from tui.safe_text import clean, literal
from tui.widgets.call_facts import CallFacts
from tui.widgets.call_insights import CallInsights
from tui.widgets.conversation_list import ConversationList
from tui.widgets.message_thread import MessageThread
from tui.widgets.transcript import Transcript
from tui.widgets.transcript_layout import layout, turns_from_text

NOW = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
MARKUP = ["[bold]loud[/bold]", "[link=https://evil.example]click me[/link]", "[@click=app.quit]quit[/]"]
ESCAPES = [
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x1b]0;pwned\x07",
    "\x9b2J",
]
BIDI = ["\u202eevil.exe\u202c", "\u2066iso\u2069", "\u200fmark"]
WIDE = ["水漏れがひどいです", "e\u0301e\u0301 Z\u0337\u0322a\u0338l\u0336g\u0335o\u0337", "🔥🚿💧" * 5]
HOSTILE = MARKUP + ESCAPES + BIDI + WIDE
FORBIDDEN = re.compile("[\x1b\x9b\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def visible(widget: Widget) -> list[str]:
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    for strip in strips:
        assert strip.cell_length == widget.size.width, "a line is wider or narrower than the widget"
    return [strip.text for strip in strips]


def assert_safe(lines: list[str]) -> None:
    for line in lines:
        assert not FORBIDDEN.search(line), repr(line)


def hostile_call() -> Call:
    return Call.model_validate(
        {
            "id": "CAL1",
            "customer_name": MARKUP[0] + BIDI[0],
            "customer_phone_number": "+15125550164",
            "company_name": MARKUP[1] + ESCAPES[1],
            "note": MARKUP[2] + ESCAPES[0],
            "tags": [MARKUP[0], WIDE[0]],
            "source_name": ESCAPES[2],
            "call_summary": " ".join(HOSTILE),
            "call_highlights": HOSTILE[:4],
            "sentiment": WIDE[1],
            "duration": 60,
            "answered": True,
            "conversational_transcript": [{"speaker": MARKUP[0], "phrase": text} for text in HOSTILE],
        }
    )


class Host(App[None]):
    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self._widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self._widgets


async def test_call_facts_and_insights_show_markup_literally():
    app = Host(CallFacts(), CallInsights())
    async with app.run_test(size=(70, 40)) as pilot:
        app.query_one(CallFacts).show(hostile_call(), where=UTC)
        app.query_one(CallInsights).show(hostile_call(), empty="")
        await pilot.pause()
        text = "\n".join(visible(app.query_one(CallFacts)) + visible(app.query_one(CallInsights)))
        assert_safe(text.splitlines())
        assert "[bold]loud[/bold]evil.exe" in text
        assert "[@click=app.quit]quit[/]red" in text
        assert "水漏れがひどいです" in text


async def test_transcript_shows_hostile_phrases_literally_and_keeps_its_width():
    app = Host(Transcript())
    async with app.run_test(size=(60, 40)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_call(hostile_call())
        await pilot.pause()
        lines = visible(transcript)
        assert_safe(lines)
        joined = "".join(line.strip() for line in lines)
        assert "[link=https://evil.example]click" in joined
        assert "🔥🚿💧" in joined


async def test_conversation_list_and_thread_show_hostile_texts_literally():
    conversation = Conversation.model_validate(
        {
            "id": "Qm7Tx",
            "customer_name": MARKUP[2] + ESCAPES[3],
            "customer_phone_number": "+15125550164",
            "company_name": BIDI[1],
            "last_message_at": NOW.isoformat(),
            "recent_messages": [
                {"direction": "incoming", "content": "\n".join(HOSTILE), "created_at": NOW.isoformat()}
            ],
        }
    )
    thread = MessageThread()
    app = Host(ConversationList(now=lambda: NOW), thread)
    async with app.run_test(size=(80, 40)) as pilot:
        conversations = app.query_one(ConversationList)
        conversations.update_conversations([conversation])
        thread.show(conversation.recent_messages, [], customer=MARKUP[0], where=UTC, now=NOW)
        await pilot.pause()
        rows = visible(conversations)
        assert_safe(rows)
        assert "[@click=app.quit]quit[/]" in rows[0] and "iso" in rows[0]
        assert "\n" not in rows[1] and rows[1].strip().startswith("← [bold]loud[/bold]")
        shown = [line for bubble in thread.query(Static) for line in visible(bubble)]
        assert_safe(shown)
        assert any("[link=https://evil.example]click me[/link]" in line for line in shown)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=120))
def test_any_text_lays_out_without_losing_or_inventing_characters(text, width):
    turns = turns_from_text(text)
    shown = "".join(
        turns[line.turn].text[line.start : line.end] for line in layout(turns, width) if not line.blank
    )
    # everything of the cleaned text is there, except the inline "Speaker:" labels, which become labels
    expected = re.sub(r"(?:^|(?<=\s))(Agent|Caller|Customer|Speaker ?\d+):", "", clean(text), flags=re.I)
    assert "".join(shown.split()) == "".join(expected.split())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_renders_literally(text):
    console = Console(file=io.StringIO(), width=50, color_system=None, legacy_windows=False)
    console.print(literal(text))
    output = console.file.getvalue()
    assert not FORBIDDEN.search(output)
    assert "".join(output.split()) == "".join(clean(text).split())
