"""The simulator's records: what each account holds at the current simulated moment.

Plain mutable dataclasses; the scenario engine creates and advances them, the API reads and edits them,
and ``serializers`` turns them into CallRail JSON.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Phase(StrEnum):
    RINGING = "in_progress"  # ringing or being talked through
    ENDED = "ended"  # outcome and duration known, post-call data not yet attached
    ENRICHED = "enriched"  # recording, transcript and summary attached


class Outcome(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    VOICEMAIL = "voicemail"
    ABANDONED = "abandoned"


@dataclass
class Company:
    id: str
    name: str
    time_zone: str
    industry: str
    city: str
    state: str
    area_codes: tuple[str, ...]
    website: str
    created_at: datetime
    weight: float  # relative call volume
    weekend_factor: float  # share of a weekday's volume on Saturdays and Sundays
    status: str = "active"


@dataclass
class Tracker:
    id: str
    name: str
    company_id: str
    source: str  # marketing source as shown on calls ("Google Ads")
    medium: str
    source_rule: dict | str
    tracking_number: str
    destination_number: str
    created_at: datetime
    weight: float  # share of the company's calls
    campaign: str | None = None
    sms_enabled: bool = True
    status: str = "active"


@dataclass
class User:
    id: str
    first_name: str
    last_name: str
    email: str
    role: str
    company_ids: list[str]
    created_at: datetime

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Tag:
    id: int
    name: str
    company_id: str
    color: str
    created_at: datetime
    tag_level: str = "company"
    status: str = "enabled"


@dataclass
class Customer:
    phone: str
    cnam: str  # caller-id name as the carrier gives it ("DELGADO MARIA", "WIRELESS CALLER")
    first_name: str
    city: str
    state: str


@dataclass
class TranscriptLine:
    speaker: str  # "agent" or "caller"
    phrase: str
    start: int  # seconds into the recording


@dataclass
class Enrichment:
    """What CallRail attaches minutes after a call ends."""

    recording_duration: int | None
    transcript: list[TranscriptLine]
    summary: str | None
    sentiment: str | None
    highlights: list[str]
    keywords: list[str]
    speaker_percent: dict[str, int] | None
    lead_score: str | None
    tag_names: list[str]
    lead_status: str | None


@dataclass
class Call:
    id: str
    person_id: str
    company_id: str
    tracker_id: str
    customer: Customer
    started_at: datetime
    ended_at: datetime
    enriched_at: datetime | None
    outcome: Outcome
    agent_id: str | None
    business_phone_number: (
        str  # the business side: where an inbound call rings, who an outbound call dials first
    )
    first_call: bool
    prior_calls: int
    post_call: Callable[[random.Random], Enrichment] | None  # writes what is attached after the call
    direction: str = "inbound"
    phase: Phase = Phase.RINGING
    enrichment: Enrichment | None = None
    customer_name: str | None = None
    tag_ids: list[int] = field(default_factory=list)
    note: str | None = None
    lead_status: str | None = None
    value: str | None = None
    spam: bool = False
    gclid: str | None = None
    answered_at: datetime | None = None  # when the call was routed to someone who picked up

    @property
    def duration(self) -> int:
        return round((self.ended_at - self.started_at).total_seconds())


@dataclass
class Message:
    id: int
    direction: str  # "incoming" or "outgoing"
    content: str
    created_at: datetime
    user_id: str | None = None
    media_urls: list[str] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        return "sent" if self.direction == "outgoing" else None

    @property
    def type(self) -> str:
        return "mms" if self.media_urls else "sms"


@dataclass
class Conversation:
    id: str
    company_id: str
    customer: Customer
    initial_tracker_id: str
    current_tracker_id: str
    messages: list[Message] = field(default_factory=list)  # oldest first
    state: str = "active"

    @property
    def last_message_at(self) -> datetime | None:
        return self.messages[-1].created_at if self.messages else None

    def newest_first(self) -> list[Message]:
        return self.messages[::-1]


@dataclass
class FormSubmission:
    id: str
    legacy_id: int
    company_id: str
    person_id: str
    customer: Customer
    email: str
    form_data: dict[str, str]
    form_url: str
    landing_page_url: str
    referrer: str
    source: str
    medium: str
    campaign: str | None
    keywords: str | None
    submitted_at: datetime
    first_form: bool


@dataclass
class Integration:
    id: int
    type: str  # "Webhooks" or "Custom"
    company_id: str
    config: dict[str, list[str]]
    created_at: datetime
    state: str = "active"  # active or disabled (by a user, or after repeated delivery failures)
    failures: dict[str, int] = field(default_factory=dict)  # URL -> deliveries failed in a row


@dataclass
class Account:
    id: str
    numeric_id: int
    name: str
    api_key: str
    owner_id: str
    created_at: datetime
    companies: dict[str, Company] = field(default_factory=dict)
    trackers: dict[str, Tracker] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)  # oldest first; only calls that have started
    calls_by_id: dict[str, Call] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    conversation_by_customer: dict[tuple[str, str], str] = field(default_factory=dict)
    opted_out: set[tuple[str, str]] = field(default_factory=set)  # (company_id, customer phone)
    good_leads: set[tuple[str, str]] = field(default_factory=set)  # callers once marked good lead
    form_submissions: list[FormSubmission] = field(default_factory=list)  # oldest first
    integrations: dict[int, Integration] = field(default_factory=dict)
    signing_keys: dict[str, str] = field(default_factory=dict)  # company id -> webhook signing key

    def tracker_for_number(self, company_id: str, number: str) -> Tracker | None:
        for tracker in self.trackers.values():
            if tracker.company_id == company_id and tracker.tracking_number == number:
                return tracker
        return None

    def tag_named(self, company_id: str, name: str) -> Tag | None:
        for tag in self.tags.values():
            if tag.company_id == company_id and tag.name.lower() == name.lower():
                return tag
        return None
