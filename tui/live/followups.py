"""Which known calls still need watching, and which need a request of their own.

A call in progress, and a call that ended without its recording and post-call data yet (CallRail adds
them up to ~20 minutes after the end), are *watched*: the poller widens the calls list back to the oldest
watched call's start, so the regular list poll itself shows the call ending and its recording, summary and
sentiment arriving, with no request of its own (``window_start``, then ``covered``). Watching ends when the
post-call data is there or 25 minutes after the end (an account without Conversation Intelligence never
gets a summary). Missed and abandoned calls have nothing to wait for.

Only a watched call the list does not reach (too old to widen the window for, or beyond what one page
holds) is re-read on its own (``due``): at growing gaps after its end, or every few minutes for a call
left in progress for hours (say, in yesterday's store). A call the user opened before its post-call data
arrived gets one detail read when that data shows up in the list, so the open call detail also gets the
transcript, which the list does not carry (``details``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.callrail.models import Call, CallStatus

ENRICH_AFTER = (timedelta(minutes=1), timedelta(minutes=3), timedelta(minutes=8), timedelta(minutes=20))
ENRICH_GIVE_UP = timedelta(minutes=25)
STALE_LIVE_AFTER = timedelta(hours=4)
STALE_LIVE_EVERY = timedelta(minutes=5)

_RECORDED = frozenset({CallStatus.ANSWERED, CallStatus.VOICEMAIL, CallStatus.OUTBOUND})


def post_call_arrived(call: Call) -> bool:
    """The recording and what comes with it (summary, sentiment or transcript) are there: what the calls
    list shows of a call's post-call data, without its bulky transcript."""
    return bool(call.recording) and bool(
        call.call_summary or call.sentiment or call.transcription or call.conversational_transcript
    )


def _has_transcript(call: Call) -> bool:
    return bool(call.transcription or call.conversational_transcript)


@dataclass
class _Followup:
    start: datetime
    due: datetime  # when to re-read it on its own if the calls list does not cover it
    ends_at: datetime | None  # when watching gives up; None for a stale in-progress call


class Followups:
    def __init__(self) -> None:
        self._pending: dict[str, _Followup] = {}
        self.live: dict[str, datetime] = {}  # in-progress call id -> start time
        self._opened: set[str] = set()  # opened by the user before their post-call data arrived
        self._details: dict[str, datetime] = {}  # call id -> start: one detail read wanted

    def track(self, calls: Iterable[Call], now: datetime, *, opened: bool = False) -> None:
        """Note what these (new or changed) calls still need; ``opened``: the user has their detail open."""
        for call in calls:
            self._pending.pop(call.id, None)
            self.live.pop(call.id, None)
            start = call.start_time or now
            if post_call_arrived(call):
                if call.id in self._opened and not _has_transcript(call):
                    self._details[call.id] = start
                self._opened.discard(call.id)
            elif opened and now - start < STALE_LIVE_AFTER:
                self._opened.add(call.id)
            if call.is_live:
                if now - start < STALE_LIVE_AFTER:
                    self.live[call.id] = start
                else:
                    self._pending[call.id] = _Followup(start=start, due=now, ends_at=None)
                continue
            if post_call_arrived(call) or call.status not in _RECORDED or not call.duration:
                continue
            ended = start + timedelta(seconds=call.duration)
            if now - ended < ENRICH_GIVE_UP:
                self._pending[call.id] = _Followup(
                    start=start, due=self._next_due(ended, now), ends_at=ended + ENRICH_GIVE_UP
                )

    @staticmethod
    def _next_due(ended: datetime, now: datetime) -> datetime:
        for gap in ENRICH_AFTER:
            if ended + gap > now:
                return ended + gap
        return ended + ENRICH_GIVE_UP

    def _expire(self, now: datetime) -> None:
        for call_id, followup in list(self._pending.items()):
            if followup.ends_at is not None and now >= followup.ends_at:
                del self._pending[call_id]

    def window_start(self, now: datetime, not_before: datetime) -> datetime | None:
        """The oldest start of a watched call (in progress, or waiting for its post-call data) that
        started at or after ``not_before``: how far back the calls list should reach."""
        self._expire(now)
        starts = [start for start in self.live.values() if start >= not_before]
        starts += [f.start for f in self._pending.values() if f.ends_at is not None and f.start >= not_before]
        return min(starts, default=None)

    def covered(self, since: datetime, now: datetime) -> None:
        """The calls list just read every call that started at or after ``since``."""
        for call_id, followup in self._pending.items():
            if followup.start >= since and followup.ends_at is not None:
                self.fetched(call_id, now)

    def due(self, now: datetime) -> list[str]:
        """Calls to re-read on their own now (those past their give-up time are dropped)."""
        self._expire(now)
        return [call_id for call_id, followup in self._pending.items() if followup.due <= now]

    def fetched(self, call_id: str, now: datetime) -> None:
        """A read happened and brought nothing new: wait for the next gap."""
        followup = self._pending.get(call_id)
        if followup is None:
            return
        if followup.ends_at is None:
            followup.due = now + STALE_LIVE_EVERY
        else:
            ended = followup.ends_at - ENRICH_GIVE_UP
            followup.due = self._next_due(ended, now)

    def details(self) -> list[str]:
        """Calls due their one detail read (their transcript is ready; the user has looked at them)."""
        return list(self._details)

    def detail_fetched(self, call_id: str) -> None:
        self._details.pop(call_id, None)

    def forget(self, call_id: str) -> None:
        self._pending.pop(call_id, None)
        self.live.pop(call_id, None)
        self._details.pop(call_id, None)
        self._opened.discard(call_id)

    def start_of(self, call_id: str) -> datetime:
        followup = self._pending.get(call_id)
        return followup.start if followup is not None else self._details[call_id]

    def oldest_live_start(self) -> datetime | None:
        return min(self.live.values(), default=None)

    def __len__(self) -> int:
        return len(self._pending)
