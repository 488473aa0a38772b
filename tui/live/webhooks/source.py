"""``WebhookSource``: the deliveries the receiver kept, as batches for the session.

On start it replays what is still pending in the inbox (kept, not yet merged: the app stopped in
between), then waits for the receiver's word. A delivery is marked merged only after the session took
its batch; if the app dies first it is merged again on the next start, which changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

from tui.callrail.clock import Clock
from tui.live.sources import Batch
from tui.live.webhooks.inbox import Inbox
from tui.live.webhooks.translate import translate

PAGE = 200  # deliveries read from the inbox at a time
KEEP_MERGED = timedelta(days=2)  # merged deliveries stay this long, to tell a replayed one


class WebhookSource:
    def __init__(self, inbox: Inbox, clock: Clock) -> None:
        self._inbox = inbox
        self._clock = clock
        self._wake = asyncio.Event()
        self._wake.set()  # what is pending from before
        self.merged = 0
        self.unusable = 0  # verified, but nothing in it the monitor can key

    def delivered(self) -> None:
        """The receiver kept a new delivery (its ``on_delivery``)."""
        self._wake.set()

    async def batches(self) -> AsyncIterator[Batch]:
        self._inbox.prune(self._clock.now() - KEEP_MERGED)
        while True:
            await self._wake.wait()
            self._wake.clear()
            while deliveries := self._inbox.pending(PAGE):
                done: list[int] = []
                try:
                    for delivery in deliveries:
                        records = translate(delivery.event, delivery.body, delivery.company_id)
                        if records is None:
                            self.unusable += 1
                        else:
                            yield Batch(
                                calls=records.calls,
                                conversations=records.conversations,
                                forms=records.forms,
                                observed_at=records.observed_at or delivery.received_at,
                                pushed=True,
                            )
                            self.merged += 1
                        done.append(delivery.seq)
                finally:
                    self._inbox.mark_applied(done, self._clock.now())

    def refresh_now(self) -> None:
        """Nothing to fetch: deliveries come when CallRail sends them."""

    def texting_happened(self) -> None:
        """Replies come as deliveries like anything else."""
