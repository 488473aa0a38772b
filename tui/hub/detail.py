"""Opening a call for every viewer with one API read: the detail the hub read last is served while the
call is unchanged in the state, and viewers who open it at the same time wait for the same read."""

from __future__ import annotations

import asyncio

from tui.callrail.models import Call
from tui.live.session import LiveSession


class DetailCache:
    def __init__(self, session: LiveSession) -> None:
        self._session = session
        self._read_as: dict[str, Call] = {}  # call id -> the state's call right after its detail was read
        self._reading: dict[str, asyncio.Task[Call]] = {}
        self.reads = 0  # API reads made (for the tests and the benchmark)

    async def open(self, call_id: str) -> Call:
        current = self._session.state.calls.get(call_id)
        if current is not None and self._read_as.get(call_id) is current:
            return current
        task = self._reading.get(call_id)
        if task is None:
            task = asyncio.create_task(self._read(call_id))
            self._reading[call_id] = task
            task.add_done_callback(lambda _: self._reading.pop(call_id, None))
        return await asyncio.shield(task)

    async def _read(self, call_id: str) -> Call:
        self.reads += 1
        call = await self._session.open_call(call_id)
        self._read_as[call_id] = self._session.state.calls.get(call_id, call)
        return call
