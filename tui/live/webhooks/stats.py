"""What the receiver did with each request, counted for the UI: accepted, duplicates, and why others
were turned away (each reason answers with its own 4xx)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # the same body again: 2xx, nothing changes
    NOT_FOUND = "not_found"  # a path that is not ours
    UNKNOWN_EVENT = "unknown_event"
    METHOD = "method"
    MEDIA_TYPE = "media_type"
    TOO_LARGE = "too_large"
    UNKNOWN_COMPANY = "unknown_company"  # no signing key for it
    BAD_SIGNATURE = "bad_signature"  # missing, or not the company's key
    MALFORMED = "malformed"  # not a JSON object, or another company's
    STALE = "stale"  # a timestamp outside the window: a replay
    UNAVAILABLE = "unavailable"  # it could not be kept (a disk error): 503, CallRail will not retry

    @property
    def status(self) -> int:
        return _STATUS[self]


_STATUS = {
    Outcome.ACCEPTED: 200,
    Outcome.DUPLICATE: 200,
    Outcome.NOT_FOUND: 404,
    Outcome.UNKNOWN_EVENT: 404,
    Outcome.METHOD: 405,
    Outcome.MEDIA_TYPE: 415,
    Outcome.TOO_LARGE: 413,
    Outcome.UNKNOWN_COMPANY: 404,
    Outcome.BAD_SIGNATURE: 401,
    Outcome.MALFORMED: 400,
    Outcome.STALE: 400,
    Outcome.UNAVAILABLE: 503,
}


@dataclass
class ReceiverStats:
    counts: Counter = field(default_factory=Counter)
    last_accepted_at: datetime | None = None
    last_rejected: Outcome | None = None

    def count(self, outcome: Outcome, at: datetime) -> None:
        self.counts[outcome] += 1
        if outcome is Outcome.ACCEPTED:
            self.last_accepted_at = at
        elif outcome.status >= 400:
            self.last_rejected = outcome

    @property
    def rejected(self) -> int:
        return sum(n for outcome, n in self.counts.items() if outcome.status >= 400)
