"""The team inbox's handled marks on Redis, shared by the replicas: one hash per account, item key →
who and when. A mark is ``HSETNX`` (the first replica's wins, the others answer with it), an undo
``HDEL``; a mark made through one replica is in every replica's snapshot."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tui.hub.marks import Mark
from tui.hub.replicas.shared import Shared, guarded

_ADD = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then return ARGV[2] end
return redis.call('HGET', KEYS[1], ARGV[1])
"""


class RedisHandledMarks:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self._hash = shared.key("handled")
        self._add = shared.sync.register_script(_ADD)

    @guarded
    def all(self) -> list[Mark]:
        marks = [_mark(key, text) for key, text in self.shared.sync.hgetall(self._hash).items()]
        return sorted(marks, key=lambda mark: (mark[2], mark[0]))

    @guarded
    def add(self, key: str, *, by: str, now: datetime) -> Mark:
        text = json.dumps({"by": by, "at": now.timestamp()})
        held = self._add(keys=[self._hash], args=[key, text])
        return (key, by, now) if held == text else _mark(key, held)

    @guarded
    def remove(self, key: str) -> bool:
        return bool(self.shared.sync.hdel(self._hash, key))


def _mark(key: str, text: str) -> Mark:
    entry = json.loads(text)
    return key, entry["by"], datetime.fromtimestamp(entry["at"], UTC)
