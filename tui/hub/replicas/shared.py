"""One connection to the team's Redis, as the replicas share it: a blocking client for the hub's
synchronous steps (each one a round trip on the local network, like the SQLite writes they replace) and an
asyncio client for waiting (stream reads, pub/sub, the lease).

Keys live under ``callrail-hub:``; what belongs to an account under ``callrail-hub:<scope>:`` where the
scope is a hash of the account id. The URL may hold a password: only its host and port are ever shown.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

import redis
import redis.asyncio as aioredis

from tui.hub.replicas.down import SharedStateDown

PREFIX = "callrail-hub"
TIMEOUT_S = 2.0  # a step that waits longer than this on Redis fails (and says Redis is unreachable)

P = ParamSpec("P")
R = TypeVar("R")


def where(url: str) -> str:
    """``host:port`` of a Redis URL, never its password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def scope_of(account_id: str) -> str:
    return hashlib.sha256(account_id.encode()).hexdigest()[:16]


@dataclass
class Shared:
    url: str
    sync: redis.Redis
    aio: aioredis.Redis
    scope: str  # the account's part of the keys

    @property
    def where(self) -> str:
        return where(self.url)

    def key(self, *parts: str) -> str:
        """An account's key: ``callrail-hub:<scope>:<parts…>``."""
        return ":".join((PREFIX, self.scope, *parts))

    def team_key(self, *parts: str) -> str:
        """A key of the whole team (the viewers' tokens): ``callrail-hub:<parts…>``."""
        return ":".join((PREFIX, *parts))

    def down(self, error: Exception) -> SharedStateDown:
        return SharedStateDown(f"Redis at {self.where} is unreachable ({type(error).__name__})")

    async def aclose(self) -> None:
        self.sync.close()
        await self.aio.aclose()


def connect(url: str, account_id: str = "") -> Shared:
    """Clients for ``url`` (``redis://`` or ``rediss://``); ``ValueError`` for a URL that is not one.
    Nothing is sent until the first step (``check`` proves the server answers)."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("--redis takes a redis://HOST:PORT (or rediss://) URL")
    options = {"socket_timeout": TIMEOUT_S, "socket_connect_timeout": TIMEOUT_S, "decode_responses": True}
    return Shared(
        url,
        redis.Redis.from_url(url, **options),
        aioredis.Redis.from_url(url, **options),
        scope_of(account_id) if account_id else "",
    )


async def answer(step: Awaitable[R]) -> R:
    """An asyncio client's step, given up at once when the task awaiting it is cancelled (the client
    finishes its read, at most a blocking read's timeout, in the background; how that ends is nobody's
    concern then, so its failure is taken here rather than reported as never retrieved)."""
    future = asyncio.ensure_future(step)
    future.add_done_callback(_taken)
    return await asyncio.shield(future)


def _taken(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()


def check(shared: Shared) -> None:
    """``SharedStateDown`` unless Redis answers."""
    try:
        shared.sync.ping()
    except redis.RedisError as error:
        raise shared.down(error) from None


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """A step on Redis whose failure is ``SharedStateDown`` (said plainly upstream), never a traceback
    from inside the client."""

    @functools.wraps(method)
    def step(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except redis.RedisError as error:
            raise args[0].shared.down(error) from None  # type: ignore[attr-defined]

    return step
