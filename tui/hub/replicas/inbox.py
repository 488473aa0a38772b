"""Webhook deliveries shared by the replicas: any replica behind the load balancer takes a delivery, and
one Lua step keeps it only if no replica kept the same one (``SET NX`` on its company+body digest, which
lives as long as a replay window) and appends it to the account's delivery stream. The replica holding
the lease merges the stream in order and moves a cursor past what it merged; the next holder starts
from that cursor, so a delivery enters the event log once (merging one again changes nothing).

The companies' signing keys and which webhooks are turned on stay in each replica's own file.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.hub.replicas.shared import Shared, guarded
from tui.live.webhooks.inbox import Delivery, Inbox, _digest

WAKE_DELIVERIES = "deliveries"
KEEP_DIGESTS = timedelta(days=2)
KEEP_DELIVERIES = 100_000

_ADD = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local seq = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0',
           'c', ARGV[3], 'e', ARGV[4], 'b', ARGV[5], 'r', ARGV[6])
return seq
"""
_MERGED_UP_TO = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""


class RedisInbox(Inbox):
    def __init__(self, shared: Shared, path: Path | str, *, wake_channel: str) -> None:
        super().__init__(path)
        self.shared = shared
        self._stream = shared.key("deliveries")
        self._counter = shared.key("deliveries", "seq")
        self._cursor = shared.key("deliveries", "merged")
        self._wake_channel = wake_channel
        self._add = shared.sync.register_script(_ADD)
        self._merged_up_to = shared.sync.register_script(_MERGED_UP_TO)

    @guarded
    def add_many(self, deliveries: Iterable[tuple[str, str, bytes, datetime]]) -> list[bool]:
        added = [
            bool(
                self._add(
                    keys=[
                        self.shared.key("delivery", _digest(company_id, body)),
                        self._stream,
                        self._counter,
                    ],
                    args=[
                        int(KEEP_DIGESTS.total_seconds() * 1000),
                        KEEP_DELIVERIES,
                        company_id,
                        event,
                        base64.b64encode(body).decode("ascii"),
                        received_at.timestamp(),
                    ],
                )
            )
            for company_id, event, body, received_at in deliveries
        ]
        if any(added):
            self.shared.sync.publish(self._wake_channel, WAKE_DELIVERIES)
        return added

    @guarded
    def pending(self, limit: int = 500) -> list[Delivery]:
        merged = int(self.shared.sync.get(self._cursor) or 0)
        entries = self.shared.sync.xrange(self._stream, min=f"({merged}-0", max="+", count=limit)
        return [
            Delivery(
                int(entry_id.partition("-")[0]),
                fields["c"],
                fields["e"],
                base64.b64decode(fields["b"]),
                datetime.fromtimestamp(float(fields["r"]), UTC),
            )
            for entry_id, fields in entries
        ]

    @guarded
    def mark_applied(self, seqs: Iterable[int], at: datetime) -> None:
        done = list(seqs)
        if done:
            self._merged_up_to(keys=[self._cursor], args=[max(done)])

    def prune(self, before: datetime) -> int:
        """The stream keeps its newest ``KEEP_DELIVERIES`` and each digest expires by itself."""
        return 0
