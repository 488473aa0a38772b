"""The event log on Redis: one stream per account, numbered by a counter in the same Lua step as the
append, so every replica hands out the same numbers in the same order and a viewer resumes on any of them.
Who sent which text under which key is kept beside it (``EventLog``'s sends, shared).
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

import redis

from tui.hub.eventlog import KEEP, Send
from tui.hub.replicas.shared import Shared, answer, guarded

BLOCK_MS = 1_000  # a follower's stream read returns at least this often (under the client's timeout)
CLAIM_MS = 30_000  # a claim on a text outlives its queueing by far; a replica that died holding one frees it

_APPEND = """
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', ARGV[1])
return seq
"""
_RELEASE_CLAIM = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _seq(entry_id: str) -> int:
    return int(entry_id.partition("-")[0])


class RedisEventLog:
    def __init__(self, shared: Shared, *, keep: int = KEEP) -> None:
        self.shared = shared
        self._keep = keep
        self._stream = shared.key("events")
        self._counter = shared.key("events", "seq")
        self._sends = shared.key("sends")
        self._by_outbox = shared.key("sends", "outbox")
        self._append = shared.sync.register_script(_APPEND)
        self._release_claim = shared.sync.register_script(_RELEASE_CLAIM)
        self._claims: dict[tuple[str, str], str] = {}  # this replica's claims on texts it is queueing
        self.log_id = self._log_id()

    @guarded
    def _log_id(self) -> str:
        key = self.shared.key("events", "log_id")
        self.shared.sync.set(key, secrets.token_hex(8), nx=True)
        return self.shared.sync.get(key)

    # -- events ---------------------------------------------------------------------------------------

    @guarded
    def append(self, event: dict[str, Any]) -> int:
        return int(self._append(keys=[self._stream, self._counter], args=[json.dumps(event), self._keep]))

    @property
    @guarded
    def last_seq(self) -> int:
        return int(self.shared.sync.get(self._counter) or 0)

    @guarded
    def since(self, seq: int) -> list[tuple[int, dict[str, Any]]] | None:
        last = self.last_seq
        if seq > last or seq < 0:
            return None
        entries = self.shared.sync.xrange(self._stream, min=f"({seq}-0", max="+")
        if seq < last and (not entries or _seq(entries[0][0]) > seq + 1):
            return None
        return [(_seq(entry_id), json.loads(fields["e"])) for entry_id, fields in entries]

    @guarded
    def replay_from(self) -> int:
        """Other replicas append here too: a replica starting takes in what the log keeps."""
        first = self.shared.sync.xrange(self._stream, count=1)
        return _seq(first[0][0]) - 1 if first else self.last_seq

    async def wait_beyond(self, seq: int) -> None:
        """Until the log has an event after ``seq`` (appended by any replica)."""
        while True:
            try:
                found = await answer(
                    self.shared.aio.xread({self._stream: f"{seq}-0"}, count=1, block=BLOCK_MS)
                )
            except redis.RedisError as error:
                raise self.shared.down(error) from None
            if found:
                return

    # -- sends ----------------------------------------------------------------------------------------

    @guarded
    def send_for(self, viewer: str, key: str) -> Send | None:
        return _send(self.shared.sync.hget(self._sends, f"{viewer}\n{key}"))

    @guarded
    def sender_of(self, outbox_id: int) -> Send | None:
        return _send(self.shared.sync.hget(self._by_outbox, str(outbox_id)))

    @guarded
    def claim_send(self, viewer: str, key: str) -> bool:
        """Whether this replica may queue ``viewer``'s text under ``key``: ``SET NX`` on the pair, so a
        retry that reaches another replica while this one queues the text finds it taken."""
        token = secrets.token_hex(8)
        if not self.shared.sync.set(self._claim(viewer, key), token, nx=True, px=CLAIM_MS):
            return False
        self._claims[(viewer, key)] = token
        return True

    @guarded
    def release_send(self, viewer: str, key: str) -> None:
        token = self._claims.pop((viewer, key), None)
        if token is not None:
            self._release_claim(keys=[self._claim(viewer, key)], args=[token])

    def _claim(self, viewer: str, key: str) -> str:
        return self.shared.key("sends", "claim", f"{viewer}\n{key}")

    @guarded
    def record_send(self, send: Send) -> None:
        """The text is queued: its record answers every retry from now on, and the claim goes."""
        text = json.dumps(send.__dict__)
        self._claims.pop((send.viewer, send.key), None)
        with self.shared.sync.pipeline(transaction=True) as step:
            step.hset(self._sends, f"{send.viewer}\n{send.key}", text)
            step.delete(self._claim(send.viewer, send.key))
            step.hset(self._by_outbox, str(send.outbox_id), text)
            step.zadd(self._replies(send.customer_phone_number), {text: send.sent_at})
            step.execute()

    @guarded
    def last_reply(self, customer_phone_number: str, *, other_than: str, since: datetime) -> Send | None:
        newest_first = self.shared.sync.zrevrangebyscore(
            self._replies(customer_phone_number), "+inf", since.timestamp()
        )
        for text in newest_first:
            send = _send(text)
            if send is not None and send.viewer != other_than:
                return send
        return None

    def _replies(self, customer_phone_number: str) -> str:
        return self.shared.key("replies", customer_phone_number)

    def close(self) -> None:
        """The connection is the replica's (closed with it)."""


def _send(text: str | None) -> Send | None:
    return Send(**json.loads(text)) if text else None
