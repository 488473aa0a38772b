"""A lease per account with a fencing token: exactly one replica polls and sends texts at a time.

The lease is one key holding ``<replica>:<token>`` with a time to live; the token comes from a counter
that only grows, so a newer holder always has a larger one. The holder renews it every third of its life
and stops polling and sending the moment a renewal fails (Redis unreachable, or the key is no longer its
own); the others try to take it as often. A holder that died is replaced within the time to live. The
token goes with each send's claim (``RedisOutboxRecords``), which is how a holder that stalled past its
lease is kept from sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import redis

from tui.hub.replicas.down import SharedStateDown
from tui.hub.replicas.shared import Shared, answer
from tui.live.session import LiveSession

log = logging.getLogger(__name__)

LEASE_TTL_S = 10.0

_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local holder = ARGV[1] .. ':' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], holder, 'PX', ARGV[2])
return holder
"""
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease:
    def __init__(self, shared: Shared, replica: str, *, ttl_s: float = LEASE_TTL_S) -> None:
        self.shared = shared
        self.replica = replica
        self.ttl_s = ttl_s
        self.holder: str | None = None  # "<replica>:<token>" while this replica holds it
        self._keys = [shared.key("lease"), shared.key("lease", "fence")]
        self._acquire = shared.aio.register_script(_ACQUIRE)
        self._renew = shared.aio.register_script(_RENEW)
        self._release = shared.aio.register_script(_RELEASE)

    @property
    def token(self) -> int | None:
        return int(self.holder.rpartition(":")[2]) if self.holder else None

    async def acquire(self) -> bool:
        self.holder = await self._step(self._acquire, keys=self._keys, args=[self.replica, self._ttl_ms])
        return self.holder is not None

    async def renew(self) -> bool:
        if self.holder is None:
            return False
        if not await self._step(self._renew, keys=self._keys[:1], args=[self.holder, self._ttl_ms]):
            self.holder = None
        return self.holder is not None

    async def release(self) -> None:
        holder, self.holder = self.holder, None
        if holder is not None:
            await self._step(self._release, keys=self._keys[:1], args=[holder])

    @property
    def _ttl_ms(self) -> int:
        return max(1, round(self.ttl_s * 1000))

    async def _step(self, script, **kwargs) -> Any:
        try:
            return await answer(script(**kwargs))
        except redis.RedisError as error:
            raise self.shared.down(error) from None


class LeaseLeadership:
    """``Leadership`` under a lease: the session runs while this replica holds it. ``wakers``: what to
    nudge when another replica queues a text or keeps a webhook delivery (their names on ``channel``)."""

    def __init__(self, lease: Lease, *, channel: str, wakers: dict[str, Callable[[], None]]) -> None:
        self.lease = lease
        self._channel = channel
        self._wakers = wakers
        self.leading = False

    def describe(self) -> dict[str, Any]:
        return {"leading": self.leading, "replica": self.lease.replica, "fencing_token": self.lease.token}

    async def step_down(self) -> None:
        with contextlib.suppress(SharedStateDown):
            await self.lease.release()

    async def run(self, session: LiveSession) -> None:
        every = self.lease.ttl_s / 3
        while True:
            try:
                if await self.lease.acquire():
                    await self._lead(session, every)
            except SharedStateDown as down:
                log.warning("%s: this replica neither polls nor sends texts until it is back", down)
            await asyncio.sleep(every)

    async def _lead(self, session: LiveSession, every: float) -> None:
        log.info("this replica holds the lease (token %s): it polls and sends texts", self.lease.token)
        running = waking = None
        try:
            self.leading = True
            session.outbox.recover()  # texts the last holder left sending are checked, never resent
            running = asyncio.create_task(session.run())
            waking = asyncio.create_task(self._wake_on_notice())
            while True:
                await asyncio.wait({running}, timeout=every)
                if running.done():
                    break
                if not await self.lease.renew():
                    log.warning("this replica lost the lease: it stops polling and sending texts")
                    break
        finally:
            self.leading = False
            started = [task for task in (running, waking) if task is not None]
            for task in started:
                task.cancel()
            for task in started:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if running.done() and not running.cancelled() and running.exception() is not None:
            log.warning("the session stopped (%s); another replica may take over", running.exception())
            await self.lease.release()

    async def _wake_on_notice(self) -> None:
        for wake in self._wakers.values():
            wake()
        pubsub = self.lease.shared.aio.pubsub()
        try:
            await pubsub.subscribe(self._channel)
            while True:
                # waits at most a second each time: under the client's timeout for a silent socket
                message = await answer(pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0))
                wake = self._wakers.get(message["data"]) if message else None
                if wake is not None:
                    wake()
        except redis.RedisError as error:
            raise self.lease.shared.down(error) from None
        finally:
            with contextlib.suppress(redis.RedisError):
                await pubsub.aclose()
