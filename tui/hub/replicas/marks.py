"""The team inbox's handled marks on Redis, shared by the replicas: one hash per account, item key →
who and when. A mark is ``HSETNX`` (the first replica's wins, the others answer with it), an undo
``HDEL``; a mark made through one replica is in every replica's snapshot. Marks are kept as long as the
store keeps the calls they are on (``STORE_KEEPS``): each new mark takes older ones out, as the hub's
store prunes its own on start."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tui.hub.marks import Mark
from tui.hub.replicas.shared import Shared, guarded
from tui.live.store_pruning import STORE_KEEPS

_ADD = """
local marks = redis.call('HGETALL', KEYS[1])
for i = 1, #marks, 2 do
  if cjson.decode(marks[i + 1])['at'] < tonumber(ARGV[3]) then redis.call('HDEL', KEYS[1], marks[i]) end
end
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
        kept_from = (now - STORE_KEEPS).timestamp()
        held = self._add(keys=[self._hash], args=[key, text, repr(kept_from)])
        return (key, by, now) if held == text else _mark(key, held)

    @guarded
    def remove(self, key: str) -> bool:
        return bool(self.shared.sync.hdel(self._hash, key))


def _mark(key: str, text: str) -> Mark:
    entry = json.loads(text)
    return key, entry["by"], datetime.fromtimestamp(entry["at"], UTC)
