"""What was said, in short: the call summary, sentiment, spotted keywords and highlights."""

from __future__ import annotations

from typing import NamedTuple

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from tui.callrail.models import Call
from tui.safe_text import clean, mask_in_text

MAX_SUMMARY = 4000


class Insight(NamedTuple):
    label: str
    value: str


def keyword_summary(call: Call) -> str:
    """``price ×2 (caller), emergency (agent)``."""
    parts = []
    for spotted in call.keywords_spotted:
        keyword = clean(spotted.keyword, single_line=True)
        if not keyword:
            continue
        count = len(spotted.locations)
        speakers = sorted(
            {clean(where.speaker, single_line=True) for where in spotted.locations if where.speaker}
        )
        part = keyword + (f" ×{count}" if count > 1 else "")
        if speakers:
            part += f" ({', '.join(speakers)})"
        parts.append(part)
    return ", ".join(parts)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def call_insights(call: Call, *, mask: bool = False) -> list[Insight]:
    """Summary, sentiment, keywords, highlights; ``mask``: the caller's name and numbers masked in them."""
    names = [call.customer_name or ""]

    def shown(text: str) -> str:
        return mask_in_text(text, names) if mask else text

    insights = [
        Insight("Summary", shown(_clip(clean(call.call_summary).strip(), MAX_SUMMARY))),
        Insight("Sentiment", clean(call.sentiment, single_line=True)),
        Insight("Keywords", shown(keyword_summary(call))),
        Insight(
            "Highlights", shown(" · ".join(clean(item, single_line=True) for item in call.call_highlights))
        ),
    ]
    return [insight for insight in insights if insight.value]


class CallInsights(Widget):
    DEFAULT_CSS = """
    CallInsights {
        height: auto;
        & > .call-insights--label { color: $text-muted; text-style: bold; }
        & > .call-insights--empty { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES = {"call-insights--label", "call-insights--empty"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._insights: list[Insight] = []
        self._empty = "No summary yet."

    @property
    def insights(self) -> list[Insight]:
        return self._insights

    def show(self, call: Call, *, empty: str, mask: bool = False) -> None:
        insights = call_insights(call, mask=mask)
        if (insights, empty) != (self._insights, self._empty):
            self._insights, self._empty = insights, empty
            self.refresh(layout=True)

    def render(self) -> RenderableType:
        if not self._insights:
            return Text(self._empty, style=self.get_component_rich_style("call-insights--empty"))
        label_style = self.get_component_rich_style("call-insights--label")
        lines = []
        for insight in self._insights:
            line = Text.assemble((f"{insight.label}: ", label_style), insight.value)
            lines.append(line)
        return Group(*lines)
