"""Which known calls need fetching again, and when.

A call that just ended has no recording or transcript yet (CallRail adds them up to ~20 minutes later), so
it is re-read at growing gaps after its end until they arrive or 25 minutes pass. Missed and abandoned calls
have no recording to wait for. A call still in progress is normally covered by the calls list (the poller
widens its window back to the call's start); one that started too long ago for that (say, left in progress
in yesterday's store) is re-read on its own, every few minutes, until it ends.
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


@dataclass
class _Followup:
    start: datetime
    due: datetime
    ends_at: datetime | None  # when enrichment gives up; None for a stale in-progress call


class Followups:
    def __init__(self) -> None:
        self._pending: dict[str, _Followup] = {}
        self.live: dict[str, datetime] = {}  # in-progress call id -> start time

    def track(self, calls: Iterable[Call], now: datetime) -> None:
        """Note what these (new or changed) calls still need."""
        for call in calls:
            self._pending.pop(call.id, None)
            self.live.pop(call.id, None)
            start = call.start_time or now
            if call.is_live:
                if now - start < STALE_LIVE_AFTER:
                    self.live[call.id] = start
                else:
                    self._pending[call.id] = _Followup(start=start, due=now, ends_at=None)
                continue
            if call.has_post_call_data or call.status not in _RECORDED or not call.duration:
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

    def due(self, now: datetime) -> list[str]:
        """Calls to re-read now (those past their give-up time are dropped)."""
        for call_id, followup in list(self._pending.items()):
            if followup.ends_at is not None and now >= followup.ends_at:
                del self._pending[call_id]
        return [call_id for call_id, followup in self._pending.items() if followup.due <= now]

    def fetched(self, call_id: str, now: datetime) -> None:
        """A re-read happened and brought nothing new: wait for the next gap."""
        followup = self._pending.get(call_id)
        if followup is None:
            return
        if followup.ends_at is None:
            followup.due = now + STALE_LIVE_EVERY
        else:
            ended = followup.ends_at - ENRICH_GIVE_UP
            followup.due = self._next_due(ended, now)

    def forget(self, call_id: str) -> None:
        self._pending.pop(call_id, None)
        self.live.pop(call_id, None)

    def start_of(self, call_id: str) -> datetime:
        return self._pending[call_id].start

    def oldest_live_start(self) -> datetime | None:
        return min(self.live.values(), default=None)

    def next_due(self) -> datetime | None:
        return min((followup.due for followup in self._pending.values()), default=None)

    def __len__(self) -> int:
        return len(self._pending)
