"""The poller's read of form submissions: today's, for the whole account, every ``FORMS_EVERY`` at most.

Forms come a few an hour and barely change once sent (webhooks bring them at once where they are set up),
so they are read seldom: every five minutes in a busy hour (12 requests an hour, which the poller takes
off the calls list's pace like any other read; every two minutes cost the ten-hour day's calls 0.4 s of
their p50), and never more than ``FORMS_SHARE`` of what the budget sustains, so an hour that expects no
calls (polled every four minutes) reads them every few hours, and the day's budget is not spent on them.
Each read goes back to the last one less an overlap (a catch-up after a restart or an outage reads the
day), page by page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from tui.callrail.budget import RateBudget
from tui.callrail.paging import PAGE_MAX
from tui.live.account_meta import AccountMeta
from tui.live.pacing import planned_rate, sustainable_rate
from tui.live.profile import ArrivalProfile
from tui.live.sources import Batch

FORMS_EVERY = timedelta(minutes=5)
FORMS_SHARE = 0.02  # of the requests per second the budget sustains now
FORMS_LOOKBACK = timedelta(hours=24)  # the most a read goes back: "today" in every time zone
FORMS_OVERLAP = timedelta(minutes=10)
FORM_PAGES = 4  # 1,000 submissions in one read at most
FORMS_SYNCED = "forms_synced_at"


class FormReads:
    def __init__(
        self,
        client,
        account_id: str,
        marks: AccountMeta,
        *,
        budget: RateBudget,
        profile: Callable[[datetime], ArrivalProfile],
        note_sent: Callable[[], None],
    ) -> None:
        self._client = client
        self._budget = budget
        self._profile = profile  # when calls are expected (the poller's, learned from the store)
        self._account_id = account_id
        self._marks = marks
        self._note_sent = note_sent  # the poller counts each request towards its pace
        self._synced: datetime | None = marks.get_time(FORMS_SYNCED)
        self._read_at: datetime | None = None

    def every(self, now: datetime) -> timedelta:
        snapshot = self._budget.snapshot()
        sustained = sustainable_rate(snapshot, planned_rate(snapshot, self._profile(now), now))
        if sustained <= 0:
            return timedelta(days=1)
        return max(FORMS_EVERY, timedelta(seconds=1 / (FORMS_SHARE * sustained)))

    def due(self, now: datetime) -> bool:
        return self._read_at is None or now - self._read_at >= self.every(now)

    async def read(self, started: datetime, batch: Batch) -> AsyncIterator[None]:
        """A poller step: when due, the forms sent since the last read into ``batch``, then yield."""
        if not self.due(started):
            return
        synced = min(self._synced or started - FORMS_LOOKBACK, started)
        since = max(started - FORMS_LOOKBACK, synced - FORMS_OVERLAP)
        found: set[str] = set()
        for page_number in range(1, FORM_PAGES + 1):
            self._note_sent()
            page = await self._client.list_form_submissions(
                self._account_id, page=page_number, per_page=PAGE_MAX, start_date=since, background=True
            )
            for form in page.items:
                if form.id not in found:
                    found.add(form.id)
                    batch.forms.append(form)
            if len(page.items) < PAGE_MAX:
                break
        self._read_at = self._synced = started
        self._marks.set_time(FORMS_SYNCED, started)
        yield
