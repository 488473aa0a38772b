"""The poller's read of form submissions: today's, for the whole account, every ``FORMS_EVERY``.

Forms come a few an hour and barely change once sent, so they are read seldom (two minutes keeps a
new one as fresh as a callback needs, for about 30 requests an hour, which the poller takes off the
calls list's pace like any other read). Each read goes back to the last one less an overlap (a catch-up
after a restart or an outage reads the day), page by page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from tui.callrail.paging import PAGE_MAX
from tui.live.sources import Batch
from tui.live.store import Store

FORMS_EVERY = timedelta(seconds=120)
FORMS_LOOKBACK = timedelta(hours=24)  # the most a read goes back: "today" in every time zone
FORMS_OVERLAP = timedelta(minutes=10)
FORM_PAGES = 4  # 1,000 submissions in one read at most
FORMS_SYNCED = "forms_synced_at"


class FormReads:
    def __init__(self, client, account_id: str, store: Store, *, note_sent: Callable[[], None]) -> None:
        self._client = client
        self._account_id = account_id
        self._store = store
        self._note_sent = note_sent  # the poller counts each request towards its pace
        self._synced: datetime | None = store.get_time(FORMS_SYNCED)
        self._read_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self._read_at is None or now - self._read_at >= FORMS_EVERY

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
        self._store.set_time(FORMS_SYNCED, started)
        yield
