"""Who called, from where, through which tracking number and campaign, when, and what became of it."""

from __future__ import annotations

from datetime import tzinfo
from enum import StrEnum
from typing import NamedTuple

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from tui import display
from tui.callrail.models import Call, CallStatus
from tui.safe_text import clean, literal


class Tone(StrEnum):
    PLAIN = "plain"
    LIVE = "live"
    BAD = "bad"
    GOOD = "good"
    MUTED = "muted"


class Fact(NamedTuple):
    label: str
    value: str
    tone: Tone = Tone.PLAIN


_STATUS_TONES = {
    CallStatus.IN_PROGRESS: Tone.LIVE,
    CallStatus.MISSED: Tone.BAD,
    CallStatus.ABANDONED: Tone.BAD,
    CallStatus.VOICEMAIL: Tone.BAD,
}
LEAD_LABELS = {
    "good_lead": "Good lead",
    "not_a_lead": "Not a lead",
    "previously_marked_good_lead": "Previously marked good lead",
}


def local_time(call: Call, where: tzinfo) -> str:
    if call.start_time is None:
        return "unknown"
    return call.start_time.astimezone(where).strftime("%a %b %d %Y, %H:%M %Z")


def prior_calls(call: Call) -> str:
    if call.first_call:
        return "First-time caller"
    if call.prior_calls:
        return f"{call.prior_calls} earlier call{'s' if call.prior_calls != 1 else ''}"
    return "Returning caller" if call.first_call is False else ""


def recording(call: Call) -> Fact:
    if call.recording_player or call.recording:
        length = display.format_duration(call.recording_duration)
        return Fact("Recording", f"{length} · o plays it".lstrip(" ·"))
    if call.is_live:
        return Fact("Recording", "after the call", Tone.MUTED)
    return Fact("Recording", "none", Tone.MUTED)


def call_facts(call: Call, *, where: tzinfo, mask: bool = False) -> list[Fact]:
    """The facts shown for a call, in order; empty values are left out."""
    status = call.status
    duration = "live now" if call.is_live else display.format_duration(call.duration)
    tracking = display.compact_phone(call.tracking_phone_number, call.formatted_tracking_phone_number)
    lead = call.lead_status or ""
    facts = [
        Fact("Caller", display.caller_name(call, mask=mask)),
        Fact(
            "Number",
            display.compact_phone(
                call.customer_phone_number, call.formatted_customer_phone_number, mask=mask
            ),
        ),
        Fact("Location", display.location(call)),
        Fact("History", prior_calls(call)),
        Fact("Company", clean(call.company_name, single_line=True)),
        Fact("When", local_time(call, where)),
        Fact("Duration", duration, Tone.LIVE if call.is_live else Tone.PLAIN),
        Fact(
            "Status", display.STATUS_LABELS.get(status, status.value), _STATUS_TONES.get(status, Tone.PLAIN)
        ),
        Fact("Agent", clean(call.agent_email, single_line=True)),
        Fact("Tracking", tracking),
        Fact("Source", display.source(call)),
        Fact("Medium", clean(call.medium or call.utm_medium, single_line=True)),
        Fact("Campaign", clean(call.campaign or call.utm_campaign, single_line=True)),
        Fact("Landing", clean(call.landing_page_url, single_line=True)),
        Fact("Referrer", clean(call.referring_url or call.referrer_domain, single_line=True)),
        recording(call),
        Fact(
            "Lead",
            LEAD_LABELS.get(lead, display.lead_status(lead)),
            Tone.GOOD if lead == "good_lead" else Tone.PLAIN,
        ),
        Fact("Value", clean(call.formatted_value or call.value, single_line=True)),
        Fact("Tags", ", ".join(clean(tag, single_line=True) for tag in call.tags)),
        Fact("Note", clean(call.note)),
    ]
    return [fact for fact in facts if fact.value.strip(" -")]


class CallFacts(Widget):
    """A two-column grid of ``call_facts``; ``show`` replaces the call."""

    DEFAULT_CSS = """
    CallFacts {
        height: auto;
        & > .call-facts--label { color: $text-muted; }
        & > .call-facts--live { color: $success; text-style: bold; }
        & > .call-facts--bad { color: $error; text-style: bold; }
        & > .call-facts--good { color: $success; }
        & > .call-facts--muted { color: $text-muted; }
        & > .call-facts--plain { }
    }
    """
    COMPONENT_CLASSES = {"call-facts--label", *(f"call-facts--{tone}" for tone in Tone)}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._facts: list[Fact] = []

    @property
    def facts(self) -> list[Fact]:
        return self._facts

    def show(self, call: Call, *, where: tzinfo, mask: bool = False) -> None:
        facts = call_facts(call, where=where, mask=mask)
        if facts != self._facts:
            self._facts = facts
            self.refresh(layout=True)

    def render(self) -> RenderableType:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style=self.get_component_rich_style("call-facts--label"))
        grid.add_column(overflow="fold")
        for fact in self._facts:
            value = literal(
                fact.value, self.get_component_rich_style(f"call-facts--{fact.tone}", partial=True)
            )
            grid.add_row(Text(fact.label), value)
        return grid
