"""Lenient models of CallRail v3 objects.

Every field is optional and coerced (``lenient.py``); an unparseable value becomes ``None`` instead of
failing the record. Unknown fields are kept (``extra="allow"``). Only a record with no ``id`` is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator

from .call_row import CallStatus, call_status
from .coerce import to_dict, to_str_list
from .lenient import Bool, Dict, Float, Id, Int, Lenient, Str, StrList, Text, When, models_or_empty
from .transcript import TranscriptPhrase, phrases_or_empty


class Account(Lenient):
    id: Id
    name: Str = None
    outbound_recording_enabled: Bool = None
    hipaa_account: Bool = None
    numeric_id: Int = None


class Company(Lenient):
    id: Id
    name: Str = None
    status: Str = None
    time_zone: Str = None
    created_at: When = None
    disabled_at: When = None
    callscore_enabled: Bool = None
    lead_scoring_enabled: Bool = None
    callscribe_enabled: Bool = None


class CompanyRef(Lenient):
    id: Str = None
    name: Str = None


class Tracker(Lenient):
    id: Id
    name: Str = None
    type: Str = None
    status: Str = None
    destination_number: Str = None
    tracking_numbers: StrList = []
    sms_supported: Bool = None
    sms_enabled: Bool = None
    company: Annotated[CompanyRef | None, BeforeValidator(to_dict)] = None
    source: Any = None
    created_at: When = None


class User(Lenient):
    id: Id
    email: Str = None
    first_name: Str = None
    last_name: Str = None
    name: Str = None
    role: Str = None
    created_at: When = None


class Tag(Lenient):
    id: Id
    name: Str = None
    tag_level: Str = None
    color: Str = None
    company_id: Str = None
    status: Str = None


class SpottedLocation(Lenient):
    speaker: Str = None
    start: Float = None


class SpottedKeyword(Lenient):
    keyword: Str = None
    locations: Annotated[list[SpottedLocation], models_or_empty(SpottedLocation)] = []


class Call(Lenient):
    id: Id
    answered: Bool = None
    business_phone_number: Str = None
    customer_city: Str = None
    customer_country: Str = None
    customer_name: Str = None
    customer_phone_number: Str = None
    customer_state: Str = None
    direction: Str = None
    duration: Int = None
    recording: Str = None
    recording_duration: Int = None
    recording_player: Str = None
    start_time: When = None
    tracking_phone_number: Str = None
    voicemail: Bool = None
    agent_email: Str = None
    # fields= extras
    call_type: Str = None
    formatted_call_type: Str = None
    call_highlights: StrList = []
    call_summary: Text = None
    campaign: Str = None
    company_id: Str = None
    company_name: Str = None
    company_time_zone: Str = None
    created_at: When = None
    device_type: Str = None
    first_call: Bool = None
    prior_calls: Int = None
    total_calls: Int = None
    formatted_customer_location: Str = None
    formatted_customer_name: Str = None
    formatted_customer_phone_number: Str = None
    formatted_customer_name_or_phone_number: Str = None
    formatted_tracking_phone_number: Str = None
    formatted_tracking_source: Str = None
    formatted_duration: Str = None
    formatted_value: Str = None
    keywords: Str = None
    keywords_spotted: Annotated[list[SpottedKeyword], models_or_empty(SpottedKeyword)] = []
    landing_page_url: Str = None
    referring_url: Str = None
    referrer_domain: Str = None
    lead_status: Str = None
    medium: Str = None
    note: Str = None
    person_id: Str = None
    sentiment: Str = None
    source: Str = None
    source_name: Str = None
    speaker_percent: Dict = None
    tags: StrList = []
    tracker_id: Str = None
    transcription: Text = None
    conversational_transcript: Annotated[list[TranscriptPhrase], BeforeValidator(phrases_or_empty)] = []
    utm_source: Str = None
    utm_medium: Str = None
    utm_campaign: Str = None
    value: Str = None
    milestones: Dict = None

    @property
    def status(self) -> CallStatus:
        return call_status(
            self.call_type,
            voicemail=self.voicemail,
            direction=self.direction,
            answered=self.answered,
            duration=self.duration,
        )

    @property
    def is_live(self) -> bool:
        return self.status is CallStatus.IN_PROGRESS


class TextUser(Lenient):
    id: Str = None
    name: Str = None


class TextMessage(Lenient):
    id: Str = None
    content: Str = None
    created_at: When = None
    status: Str = None
    direction: Str = None
    type: Str = None
    media_urls: StrList = []
    user: Annotated[TextUser | None, BeforeValidator(to_dict)] = None

    @property
    def incoming(self) -> bool:
        return (self.direction or "").lower() == "incoming"


class Conversation(Lenient):
    id: Id
    company_id: Str = None
    company_name: Str = None
    initial_tracker_id: Str = None
    current_tracker_id: Str = None
    tracker_name: Str = None
    customer_name: Str = None
    customer_phone_number: Str = None
    initial_tracking_number: Str = None
    current_tracking_number: Str = None
    last_message_at: When = None
    state: Str = None
    company_time_zone: Str = None
    formatted_customer_phone_number: Str = None
    formatted_customer_name: Str = None
    formatted_current_tracking_number: Str = None
    lead_status: Str = None
    source: Str = None
    recent_messages: Annotated[list[TextMessage], models_or_empty(TextMessage)] = []
    # only on the show endpoint: the messages page, newest first
    messages: Annotated[list[TextMessage], models_or_empty(TextMessage)] = []
    page: Int = None
    per_page: Int = None
    total_pages: Int = None
    total_records: Int = None

    @property
    def tracking_number(self) -> str | None:
        return self.current_tracking_number or self.initial_tracking_number

    @property
    def newest_messages(self) -> list[TextMessage]:
        return self.messages or self.recent_messages

    @property
    def awaiting_reply(self) -> bool:
        """The last message is from the customer."""
        newest = self.newest_messages
        return bool(newest) and newest[0].incoming

    @property
    def customer_label(self) -> str:
        return (
            self.customer_name
            or self.formatted_customer_name
            or self.formatted_customer_phone_number
            or self.customer_phone_number
            or "Unknown"
        )


class Integration(Lenient):
    """A company's integration; for ``type == "Webhooks"`` the ``config`` maps each event key
    (``post_call_webhook``, ``sms_received_webhook``, ...) to a list of URLs."""

    id: Id
    type: Str = None
    state: Str = None  # active, disabled, pending, failed
    company_id: Str = None
    config: Dict = None
    signing_key: Str = None  # only when asked for (``fields=signing_key``), if at all

    def webhook_urls(self, event: str) -> list[str]:
        """The URLs configured for one event key."""
        return to_str_list((self.config or {}).get(event))


class FormSubmission(Lenient):
    id: Id
    company_id: Str = None
    person_id: Str = None
    form_data: Dict = None
    form_url: Str = None
    landing_page_url: Str = None
    referrer: Str = None
    referring_url: Str = None
    submitted_at: When = None
    first_form: Bool = None
    source: Str = None
    keywords: Str = None
    campaign: Str = None
    medium: Str = None
    customer_name: Str = None
    customer_email: Str = None
    customer_phone_number: Str = None
    milestones: Dict = None
    timeline_url: Str = None


T = TypeVar("T", bound=BaseModel)


@dataclass
class Page(Generic[T]):
    """One page of a collection. ``rejected`` lists records that could not be read, with the reason."""

    items: list[T]
    page: int | None = None
    per_page: int | None = None
    total_pages: int | None = None
    total_records: int | None = None
    next_page: str | None = None  # relative pagination (calls): the body's ``next_page``
    has_next_page: bool | None = None
    next_link: str | None = None  # an RFC 8288 ``Link: <…>; rel="next"`` header, resolved
    rejected: list[str] = field(default_factory=list)
