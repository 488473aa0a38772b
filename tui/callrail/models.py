"""Lenient models of CallRail v3 objects.

The API's types drift (numbers as strings, ids as integers in some places, ``""`` for null), so every
field here is optional and coerced; an unparseable value becomes ``None`` instead of failing the
record. Unknown fields are kept (``extra="allow"``). Only a record with no ``id`` is rejected.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema


def _to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _to_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _to_float(value)
    return None if number is None else int(number)


def _to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "t", "yes", "1"):
            return True
        if lowered in ("false", "f", "no", "0"):
            return False
    return None


def _to_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _to_id(value: Any) -> str:
    text = _to_str(value)
    if not text:
        raise ValueError("record has no id")
    return text


def parse_datetime(value: Any) -> datetime | None:
    """Any ISO 8601 form the API uses (``Z``, ``-05:00``, ``-0500``, a space separator) as aware UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset
        return None


def _to_str_list(value: Any) -> list[str]:
    """Tags and similar: a list of strings or of ``{"name": ...}`` objects, or one comma string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        return []
    names = []
    for item in value:
        name = _to_str(item.get("name")) if isinstance(item, dict) else _to_str(item)
        if name:
            names.append(name)
    return names


def _to_text(value: Any) -> str | None:
    """A string, or a list of strings joined (``call_summary`` is documented as both)."""
    if isinstance(value, list):
        parts = [_to_str(item) for item in value]
        return "\n".join(part for part in parts if part) or None
    return _to_str(value)


def _to_dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


Int = Annotated[int | None, BeforeValidator(_to_int)]
Float = Annotated[float | None, BeforeValidator(_to_float)]
Bool = Annotated[bool | None, BeforeValidator(_to_bool)]
Str = Annotated[str | None, BeforeValidator(_to_str)]
Text = Annotated[str | None, BeforeValidator(_to_text)]
Id = Annotated[str, BeforeValidator(_to_id)]
When = Annotated[datetime | None, BeforeValidator(parse_datetime)]
StrList = Annotated[list[str], BeforeValidator(_to_str_list)]
Dict = Annotated[dict[str, Any] | None, BeforeValidator(_to_dict)]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _models_or_empty(model: type[BaseModel]):
    """A list of sub-objects; items that are not objects or do not validate are dropped."""

    def convert(value: Any) -> list[Any]:
        items = []
        for item in _list_or_empty(value):
            if isinstance(item, model):
                items.append(item)
            elif isinstance(item, dict):
                try:
                    items.append(model.model_validate(item))
                except ValueError:
                    continue
        return items

    return BeforeValidator(convert)


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
    company: Annotated[CompanyRef | None, BeforeValidator(_to_dict)] = None
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
    locations: Annotated[list[SpottedLocation], _models_or_empty(SpottedLocation)] = []


class TranscriptPhrase:
    """One phrase of a conversational transcript: ``speaker``, ``phrase``, ``start`` (and any other keys
    the API sends, in ``extra``).

    Not a pydantic model: a day's calls hold ~100,000 phrases, and a model instance (its ``__dict__``,
    fields-set and extras) costs ~550 bytes more than these slots. Validated and serialized like the
    lenient models (a dict in, the keys that came in out)."""

    __slots__ = ("extra", "phrase", "speaker", "start")

    def __init__(
        self,
        speaker: str | None = None,
        phrase: str | None = None,
        start: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        # two speakers repeat over every phrase: share one string for each
        self.speaker = sys.intern(speaker) if type(speaker) is str and len(speaker) < 32 else speaker
        self.phrase = phrase
        self.start = start
        self.extra = extra or None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TranscriptPhrase:
        extra = {key: value for key, value in raw.items() if key not in _PHRASE_KEYS}
        return cls(_to_str(raw.get("speaker")), _to_str(raw.get("phrase")), _to_int(raw.get("start")), extra)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.speaker is not None:
            out["speaker"] = self.speaker
        if self.phrase is not None:
            out["phrase"] = self.phrase
        if self.start is not None:
            out["start"] = self.start
        if self.extra:
            out.update(self.extra)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TranscriptPhrase):
            return NotImplemented
        return (self.speaker, self.phrase, self.start, self.extra) == (
            other.speaker,
            other.phrase,
            other.start,
            other.extra,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TranscriptPhrase(speaker={self.speaker!r}, phrase={self.phrase!r}, start={self.start!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        def validate(value: Any) -> TranscriptPhrase:
            if isinstance(value, TranscriptPhrase):
                return value
            if isinstance(value, dict):
                return cls.from_dict(value)
            raise ValueError("a transcript phrase is an object")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda phrase: phrase.to_dict(), when_used="always"
            ),
        )


_PHRASE_KEYS = frozenset({"speaker", "phrase", "start"})


def _phrases_or_empty(value: Any) -> list[TranscriptPhrase]:
    """The transcript's phrases; items that are not objects are dropped."""
    return [
        item if isinstance(item, TranscriptPhrase) else TranscriptPhrase.from_dict(item)
        for item in _list_or_empty(value)
        if isinstance(item, TranscriptPhrase | dict)
    ]


class CallStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    MISSED = "missed"
    VOICEMAIL = "voicemail"
    ABANDONED = "abandoned"
    OUTBOUND = "outbound"


ABANDONED_SPELLINGS = frozenset({"abandoned", "abandonded"})
NEEDS_CALLBACK = frozenset({CallStatus.MISSED, CallStatus.VOICEMAIL, CallStatus.ABANDONED})


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
    keywords_spotted: Annotated[list[SpottedKeyword], _models_or_empty(SpottedKeyword)] = []
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
    conversational_transcript: Annotated[list[TranscriptPhrase], BeforeValidator(_phrases_or_empty)] = []
    utm_source: Str = None
    utm_medium: Str = None
    utm_campaign: Str = None
    value: Str = None
    milestones: Dict = None

    @property
    def status(self) -> CallStatus:
        kind = (self.call_type or "").lower()
        if kind == "in_progress":
            return CallStatus.IN_PROGRESS
        if kind in ABANDONED_SPELLINGS:
            return CallStatus.ABANDONED
        if kind.startswith("voicemail") or self.voicemail:
            return CallStatus.VOICEMAIL
        if kind == "outbound" or (not kind and self.direction == "outbound"):
            return CallStatus.OUTBOUND
        if kind == "missed":
            return CallStatus.MISSED
        if kind == "answered" or self.answered:
            return CallStatus.ANSWERED
        if self.answered is None and not self.duration:
            return CallStatus.IN_PROGRESS
        return CallStatus.MISSED

    @property
    def is_live(self) -> bool:
        return self.status is CallStatus.IN_PROGRESS

    @property
    def has_post_call_data(self) -> bool:
        """The recording and the transcript (or voicemail text) have arrived."""
        return bool(self.recording) and bool(self.transcription or self.conversational_transcript)

    @property
    def caller_label(self) -> str:
        return (
            self.customer_name
            or self.formatted_customer_name
            or self.formatted_customer_phone_number
            or self.customer_phone_number
            or "Unknown caller"
        )


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
    user: Annotated[TextUser | None, BeforeValidator(_to_dict)] = None

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
    recent_messages: Annotated[list[TextMessage], _models_or_empty(TextMessage)] = []
    # only on the show endpoint: the messages page, newest first
    messages: Annotated[list[TextMessage], _models_or_empty(TextMessage)] = []
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


T = TypeVar("T", bound=BaseModel)


@dataclass
class Page(Generic[T]):
    """One page of a collection. ``rejected`` lists records that could not be read, with the reason."""

    items: list[T]
    page: int | None = None
    per_page: int | None = None
    total_pages: int | None = None
    total_records: int | None = None
    next_page: str | None = None
    has_next_page: bool | None = None
    rejected: list[str] = field(default_factory=list)
