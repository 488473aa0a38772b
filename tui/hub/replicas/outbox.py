"""The texts to send, on Redis (``OutboxRecords``): queued on any replica, sent by the one that holds the
lease. A send's claim (queued → sending) is one Lua step that checks the lease still holds this
replica's fencing token and that the text is still queued, so a replica that lost the lease, however
late it wakes, cannot send; a text left ``sending`` by a replica that died is checked by the next holder,
never sent again (``Outbox.recover``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from tui.hub import wire
from tui.hub.replicas.shared import Shared, guarded
from tui.live.events import OutboxItem, OutboxState
from tui.live.outbox_records import OutboxTaken

WAKE_OUTBOX = "outbox"

_SET = """
if ARGV[4] == '1' then
  if ARGV[3] == '' or redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end
  local current = redis.call('HGET', KEYS[1], ARGV[1])
  if not current or cjson.decode(current).state ~= 'queued' then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


# a text is added with the request it answers in one step: a retry of the request finds it, never adds two
_ADD = """
if ARGV[3] ~= '' then
  local earlier = redis.call('HGET', KEYS[2], ARGV[3])
  if earlier then return redis.call('HGET', KEYS[1], earlier) end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
"""


class RedisOutboxRecords:
    def __init__(self, shared: Shared, *, holder: Callable[[], str | None], wake_channel: str) -> None:
        """``holder``: this replica's lease value while it holds the lease (its fencing token in it)."""
        self.shared = shared
        self._items = shared.key("outbox")
        self._ids = shared.key("outbox", "id")
        self._requests = shared.key("outbox", "requests")
        self._lease = shared.key("lease")
        self._holder = holder
        self._wake_channel = wake_channel
        self._set = shared.sync.register_script(_SET)
        self._add = shared.sync.register_script(_ADD)

    @guarded
    def add_outbox_item(
        self,
        *,
        company_id: str,
        customer_phone_number: str,
        tracking_number: str | None,
        content: str,
        now: datetime,
        request: str | None = None,
    ) -> OutboxItem:
        item = OutboxItem(
            id=int(self.shared.sync.incr(self._ids)),
            company_id=company_id,
            customer_phone_number=customer_phone_number,
            tracking_number=tracking_number,
            content=content,
            state=OutboxState.QUEUED,
            created_at=now,
            updated_at=now,
        )
        text = json.dumps(wire.outbox_item(item))
        held = self._add(keys=[self._items, self._requests], args=[str(item.id), text, request or ""])
        if held != text:  # queued for this request before
            return wire.read_outbox_item(json.loads(held))
        self.shared.sync.publish(self._wake_channel, WAKE_OUTBOX)
        return item

    @guarded
    def set_outbox_state(
        self,
        item_id: int,
        state: OutboxState,
        *,
        now: datetime,
        error: str = "",
        conversation_id: str | None = None,
    ) -> OutboxItem:
        current = self.outbox_item(item_id)
        item = replace(
            current,
            state=state,
            updated_at=now,
            error=error,
            conversation_id=conversation_id or current.conversation_id,
        )
        claim = state is OutboxState.SENDING
        written = self._set(
            keys=[self._items, self._lease],
            args=[
                str(item_id),
                json.dumps(wire.outbox_item(item)),
                self._holder() or "",
                "1" if claim else "0",
            ],
        )
        if not written:
            raise OutboxTaken(f"text {item_id}: this replica no longer holds the lease")
        if state is OutboxState.QUEUED and self._holder() is None:
            # queued again on another replica (the user's decision): the holder's outbox is woken; the
            # holder's own retries wait out their delay (its own notice would wake it at once)
            self.shared.sync.publish(self._wake_channel, WAKE_OUTBOX)
        return item

    @guarded
    def outbox_item(self, item_id: int) -> OutboxItem:
        text = self.shared.sync.hget(self._items, str(item_id))
        if text is None:
            raise KeyError(item_id)
        return wire.read_outbox_item(json.loads(text))

    @guarded
    def outbox_item_for_request(self, request: str) -> OutboxItem | None:
        item_id = self.shared.sync.hget(self._requests, request)
        return None if item_id is None else self.outbox_item(int(item_id))

    @guarded
    def outbox_items(
        self, *, customer_phone_number: str | None = None, states: Iterable[OutboxState] | None = None
    ) -> list[OutboxItem]:
        wanted = set(states) if states is not None else None
        items = [wire.read_outbox_item(json.loads(text)) for text in self.shared.sync.hvals(self._items)]
        return sorted(
            (
                item
                for item in items
                if (wanted is None or item.state in wanted)
                and (customer_phone_number is None or item.customer_phone_number == customer_phone_number)
            ),
            key=lambda item: item.id,
        )
