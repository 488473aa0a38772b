"""What a row of the call feed reads of a call, and a call read straight from its stored JSON.

The feed draws ``Call`` models; its first frame draws ``StoredCall`` rows instead, read from the local
store before pydantic and the models are imported (they cost the first frame ~100 ms). Both answer the
``CallRow`` protocol, and both take their status from ``call_status``.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from .coerce import parse_datetime, to_bool, to_int, to_str, to_str_list


class CallStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    MISSED = "missed"
    VOICEMAIL = "voicemail"
    ABANDONED = "abandoned"
    OUTBOUND = "outbound"


ABANDONED_SPELLINGS = frozenset({"abandoned", "abandonded"})
NEEDS_CALLBACK = frozenset({CallStatus.MISSED, CallStatus.VOICEMAIL, CallStatus.ABANDONED})


def call_status(
    call_type: str | None,
    *,
    voicemail: bool | None,
    direction: str | None,
    answered: bool | None,
    duration: int | None,
) -> CallStatus:
    kind = (call_type or "").lower()
    if kind == "in_progress":
        return CallStatus.IN_PROGRESS
    if kind in ABANDONED_SPELLINGS:
        return CallStatus.ABANDONED
    if kind.startswith("voicemail") or voicemail:
        return CallStatus.VOICEMAIL
    if kind == "outbound" or (not kind and direction == "outbound"):
        return CallStatus.OUTBOUND
    if kind == "missed":
        return CallStatus.MISSED
    if kind == "answered" or answered:
        return CallStatus.ANSWERED
    if answered is None and not duration:
        return CallStatus.IN_PROGRESS
    return CallStatus.MISSED


class CallRow(Protocol):
    """The fields a feed row shows, sorts and filters by."""

    @property
    def id(self) -> str: ...
    @property
    def start_time(self) -> datetime | None: ...
    @property
    def duration(self) -> int | None: ...
    @property
    def status(self) -> CallStatus: ...
    @property
    def company_id(self) -> str | None: ...
    @property
    def company_name(self) -> str | None: ...
    @property
    def company_time_zone(self) -> str | None: ...
    @property
    def customer_name(self) -> str | None: ...
    @property
    def formatted_customer_name(self) -> str | None: ...
    @property
    def customer_phone_number(self) -> str | None: ...
    @property
    def formatted_customer_phone_number(self) -> str | None: ...
    @property
    def customer_city(self) -> str | None: ...
    @property
    def customer_state(self) -> str | None: ...
    @property
    def formatted_customer_location(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def source_name(self) -> str | None: ...
    @property
    def formatted_tracking_source(self) -> str | None: ...
    @property
    def tracking_phone_number(self) -> str | None: ...
    @property
    def formatted_tracking_phone_number(self) -> str | None: ...
    @property
    def first_call(self) -> bool | None: ...
    @property
    def lead_status(self) -> str | None: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def is_live(self) -> bool: ...


_TEXT_FIELDS = (
    "company_id",
    "company_name",
    "company_time_zone",
    "customer_name",
    "formatted_customer_name",
    "customer_phone_number",
    "formatted_customer_phone_number",
    "customer_city",
    "customer_state",
    "formatted_customer_location",
    "source",
    "source_name",
    "formatted_tracking_source",
    "tracking_phone_number",
    "formatted_tracking_phone_number",
    "lead_status",
)


class StoredCall:
    """A ``CallRow`` from a stored call's JSON, coerced as the model coerces it: only what a row shows."""

    __slots__ = ("id", "start_time", "duration", "status", "first_call", "tags", *_TEXT_FIELDS)

    id: str
    start_time: datetime | None
    duration: int | None
    status: CallStatus
    first_call: bool | None
    tags: list[str]
    company_id: str | None
    company_name: str | None
    company_time_zone: str | None
    customer_name: str | None
    formatted_customer_name: str | None
    customer_phone_number: str | None
    formatted_customer_phone_number: str | None
    customer_city: str | None
    customer_state: str | None
    formatted_customer_location: str | None
    source: str | None
    source_name: str | None
    formatted_tracking_source: str | None
    tracking_phone_number: str | None
    formatted_tracking_phone_number: str | None
    lead_status: str | None

    def __init__(self, record: dict[str, Any]) -> None:
        call_id = to_str(record.get("id"))
        if not call_id:
            raise ValueError("record has no id")
        self.id = call_id
        self.start_time = parse_datetime(record.get("start_time"))
        self.duration = to_int(record.get("duration"))
        self.first_call = to_bool(record.get("first_call"))
        self.tags = to_str_list(record.get("tags"))
        for name in _TEXT_FIELDS:
            setattr(self, name, to_str(record.get(name)))
        self.status = call_status(
            to_str(record.get("call_type")),
            voicemail=to_bool(record.get("voicemail")),
            direction=to_str(record.get("direction")),
            answered=to_bool(record.get("answered")),
            duration=self.duration,
        )

    @property
    def is_live(self) -> bool:
        return self.status is CallStatus.IN_PROGRESS

    @classmethod
    def from_json(cls, text: str) -> StoredCall | None:
        """The row, or None for JSON that is not a call (the store skips such a row too)."""
        try:
            record = json.loads(text)
            return cls(record) if isinstance(record, dict) else None
        except ValueError:
            return None
