"""Presence across replicas: who has a thread or a call open, whoever's replica they are connected to.

Each replica keeps its own viewers' presence in one key with a time to live (refreshed while it runs, so a
replica that died drops out within ``PRESENCE_TTL_S``) and names itself in a set; on every change it
publishes a notice, and each replica re-reads the others' keys on a notice (and every ``REFRESH_S``) and
tells its viewers when what it read changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import redis

from tui.hub.replicas.shared import Shared, answer, guarded

PRESENCE_TTL_S = 15.0
REFRESH_S = PRESENCE_TTL_S / 3


class RedisPresence:
    def __init__(self, shared: Shared, replica: str) -> None:
        self.shared = shared
        self._replica = replica
        self._names = shared.key("presence")
        self._channel = shared.key("presence", "changed")
        self._mine: list[dict[str, Any]] = []
        self.elsewhere: list[dict[str, Any]] = []  # the other replicas' viewers, as last read

    def _key(self, replica: str) -> str:
        return self.shared.key("presence", "of", replica)

    @guarded
    def share(self, viewers: list[dict[str, Any]]) -> None:
        """This replica's viewers now; the others are told."""
        self._mine = viewers
        self._store()
        self.shared.sync.publish(self._channel, self._replica)

    @guarded
    def _store(self) -> None:
        with self.shared.sync.pipeline(transaction=True) as step:
            step.set(self._key(self._replica), json.dumps(self._mine), px=int(PRESENCE_TTL_S * 1000))
            step.sadd(self._names, self._replica)
            step.execute()

    @guarded
    def _read_elsewhere(self) -> bool:
        """Re-read the other replicas' viewers; whether anything changed."""
        others = sorted(name for name in self.shared.sync.smembers(self._names) if name != self._replica)
        found = self.shared.sync.mget([self._key(name) for name in others]) if others else []
        gone = [name for name, text in zip(others, found, strict=True) if text is None]
        if gone:
            self.shared.sync.srem(self._names, *gone)
        viewers = [viewer for text in found if text is not None for viewer in json.loads(text)]
        changed = viewers != self.elsewhere
        self.elsewhere = viewers
        return changed

    async def follow(self, changed: Callable[[], None]) -> None:
        """Keep this replica's presence alive and the others' read, calling ``changed`` when they
        change, until cancelled."""
        pubsub = self.shared.aio.pubsub()
        try:
            await pubsub.subscribe(self._channel)
            refresh_at = 0.0
            loop = asyncio.get_running_loop()
            while True:
                notice = await answer(pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0))
                due = loop.time() >= refresh_at
                if due:
                    self._store()
                    refresh_at = loop.time() + REFRESH_S
                if (due or (notice and notice["data"] != self._replica)) and self._read_elsewhere():
                    changed()
        except redis.RedisError as error:
            raise self.shared.down(error) from None
        finally:
            with contextlib.suppress(redis.RedisError):
                await pubsub.aclose()
