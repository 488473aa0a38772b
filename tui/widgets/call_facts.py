"""Who called, from where, through which tracking number and campaign, when, and what became of it."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import NamedTuple

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from tui import display
from tui.callrail.models import Call, CallStatus
from tui.live.followups import ENRICH_GIVE_UP
from tui.safe_text import clean, literal, mask_in_text


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


def prior_calls(call: Call, listed: int = 0) -> str:
    """CallRail's count of the caller's earlier calls, agreeing with the ``listed`` ones shown below (the
    app holds the last day; CallRail counts further back)."""
    known = max(call.prior_calls or 0, listed)
    if not known:
        if call.first_call:
            return "First-time caller"
        return "Returning caller" if call.first_call is False else ""
    label = f"{known} earlier call{'s' if known != 1 else ''}"
    if listed == known:
        return label
    return f"{label}, {listed} of them below" if listed else f"{label}, before the ones below"


def recording(call: Call, now: datetime | None = None) -> Fact:
    if call.recording_player or call.recording:
        length = display.format_duration(call.recording_duration)
        return Fact("Recording", f"{length} · o plays it".lstrip(" ·"))
    if call.is_live:
        return Fact("Recording", "after the call", Tone.MUTED)
    if now is not None and _may_still_come(call, now):
        return Fact("Recording", "not yet", Tone.MUTED)
    return Fact("Recording", "none", Tone.MUTED)


def _may_still_come(call: Call, now: datetime) -> bool:
    """CallRail adds a recording up to ~20 minutes after an answered call or a voicemail ends."""
    if call.status not in (CallStatus.ANSWERED, CallStatus.VOICEMAIL) or call.start_time is None:
        return False
    ended = call.start_time + timedelta(seconds=call.duration or 0)
    return now - ended < ENRICH_GIVE_UP


def call_facts(
    call: Call, *, where: tzinfo, mask: bool = False, earlier_listed: int = 0, now: datetime | None = None
) -> list[Fact]:
    """The facts shown for a call, in order; empty values are left out. ``earlier_listed``: the caller's
    earlier calls in the history list; ``now``: to tell a recording that may still come from none."""
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
        Fact("History", prior_calls(call, earlier_listed)),
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
        recording(call, now),
        Fact(
            "Lead",
            LEAD_LABELS.get(lead, display.lead_status(lead)),
            Tone.GOOD if lead == "good_lead" else Tone.PLAIN,
        ),
        Fact("Value", display.money(call.value, call.formatted_value) if call.value else ""),
        Fact("Tags", ", ".join(clean(tag, single_line=True) for tag in call.tags)),
        Fact(
            "Note", mask_in_text(clean(call.note), [call.customer_name or ""]) if mask else clean(call.note)
        ),
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

    def show(
        self,
        call: Call,
        *,
        where: tzinfo,
        mask: bool = False,
        earlier_listed: int = 0,
        now: datetime | None = None,
    ) -> None:
        facts = call_facts(call, where=where, mask=mask, earlier_listed=earlier_listed, now=now)
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
