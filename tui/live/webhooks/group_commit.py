"""Keeping deliveries that arrive together in one commit: each one is on disk before its answer goes out,
but a burst pays for one ``fsync`` per batch instead of one per delivery.

```python
keeper = GroupCommit(inbox)
added = await keeper.add(company_id, event, body, received_at)   # committed when this returns
```
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from tui.live.webhooks.inbox import Inbox

MAX_BATCH = 256

_Item = tuple[str, str, bytes, datetime]


class GroupCommit:
    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox
        self._waiting: list[tuple[_Item, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task | None = None

    async def add(self, company_id: str, event: str, body: bytes, received_at: datetime) -> bool:
        """Keep a delivery; True once it is committed, False if the same one was kept before. The error
        of a failed commit (``sqlite3.Error``) is raised to every delivery of that batch."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append(((company_id, event, body, received_at), done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await asyncio.shield(done)  # a sender that hangs up does not undo the commit

    async def _write(self) -> None:
        """Commit what waits, batch after batch, until nothing does."""
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                added = await run_in_threadpool(self._inbox.add_many, [item for item, _ in batch])
            except Exception as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for (_, done), kept in zip(batch, added, strict=True):
                if not done.done():
                    done.set_result(kept)
