"""The budget ledger on Redis: the same state as ``tui.callrail.budget_store`` (request times per bucket,
what the server said, the 429 backoff), shared by the replicas, so together they keep to the hour and day
limits and to their share of the account beside its other integrations.

A write holds a short lock (SET NX with a deadline) from load to save, and the save is one Lua step that
stores the state only while the lock is still this writer's: a writer that stalled past the deadline
loses its write instead of overwriting a newer one. The lock is released by the same compare.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tui.callrail.budget_store import BudgetState
from tui.hub.replicas.shared import Shared, guarded

log = logging.getLogger(__name__)

LOCK_MS = 2_000
LOCK_WAIT_S = 5.0  # longer than a lock lives: a crashed holder's lock expires first
SPIN_S = 0.002

_SAVE_IF_HELD = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LedgerBusy(Exception):
    """The ledger's lock could not be had in time (another replica holds it, stalled)."""


class RedisLedger:
    def __init__(self, shared: Shared, scope: str) -> None:
        self.shared = shared
        self._state = shared.key("budget", scope)
        self._lock = shared.key("budget", scope, "lock")
        self._save = shared.sync.register_script(_SAVE_IF_HELD)
        self._release = shared.sync.register_script(_RELEASE)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[BudgetState]:
        if not write:
            yield self._load()
            return
        holder = self._take_lock()
        saved = False
        try:
            state = self._load()
            yield state
            saved = self._store(holder, state)
        finally:
            if not saved:
                self._drop_lock(holder)

    @guarded
    def _take_lock(self) -> str:
        holder = secrets.token_hex(8)
        deadline = time.monotonic() + LOCK_WAIT_S
        while not self.shared.sync.set(self._lock, holder, nx=True, px=LOCK_MS):
            if time.monotonic() > deadline:
                raise LedgerBusy("the shared budget ledger stayed locked")
            time.sleep(SPIN_S)
        return holder

    @guarded
    def _load(self) -> BudgetState:
        text = self.shared.sync.get(self._state)
        if not text:
            return BudgetState()
        try:
            return BudgetState.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("the shared budget ledger was unreadable (%s); starting it afresh", error)
            return BudgetState()

    @guarded
    def _store(self, holder: str, state: BudgetState) -> bool:
        text = json.dumps(state.to_json(), separators=(",", ":"))
        if not self._save(keys=[self._state, self._lock], args=[holder, text]):
            log.warning("a budget write came after its lock expired; it was dropped")
            return False
        return True

    @guarded
    def _drop_lock(self, holder: str) -> None:
        self._release(keys=[self._lock], args=[holder])
