"""One replica's shared parts, built from ``--redis URL`` for an account: what ``tui.wiring`` hands the
session (budget ledger, outbox records) and the hub (tokens, event log, leadership, webhook inbox).

```python
replica = join(url, account_id)                 # SharedStateDown if Redis does not answer
session = LiveSession(..., budget=RateBudget(scope, store=replica.ledger(scope)),
                      outbox_records=replica.outbox)
hub = Hub(session, tokens=replica.tokens, events=replica.events, marks=replica.handled,
          presence=replica.presence, leadership=replica.leadership({"outbox": session.outbox.wake}))
```
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.hub.replicas.eventlog import RedisEventLog
from tui.hub.replicas.inbox import RedisInbox
from tui.hub.replicas.lease import LEASE_TTL_S, Lease, LeaseLeadership
from tui.hub.replicas.ledger import RedisLedger
from tui.hub.replicas.marks import RedisHandledMarks
from tui.hub.replicas.outbox import RedisOutboxRecords
from tui.hub.replicas.presence import RedisPresence
from tui.hub.replicas.shared import Shared, check, connect
from tui.hub.replicas.tokens import RedisViewerTokens


@dataclass
class Replica:
    shared: Shared
    lease: Lease
    tokens: RedisViewerTokens
    events: RedisEventLog
    outbox: RedisOutboxRecords
    handled: RedisHandledMarks
    presence: RedisPresence
    channel: str  # where replicas nudge the lease holder (a text queued, a delivery kept)

    def ledger(self, scope: str) -> RedisLedger:
        return RedisLedger(self.shared, scope)

    def inbox(self, path: Path | str) -> RedisInbox:
        return RedisInbox(self.shared, path, wake_channel=self.channel)

    def leadership(self, wakers: dict[str, Callable[[], None]]) -> LeaseLeadership:
        return LeaseLeadership(self.lease, channel=self.channel, wakers=wakers)

    async def aclose(self) -> None:
        await self.shared.aclose()


def replica_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def join(url: str, account_id: str, *, lease_ttl_s: float = LEASE_TTL_S, name: str | None = None) -> Replica:
    """This process as a replica for ``account_id`` on the Redis at ``url``; ``ValueError`` for a URL
    that is not Redis's, ``SharedStateDown`` when it does not answer."""
    shared = connect(url, account_id)
    check(shared)
    lease = Lease(shared, name or replica_name(), ttl_s=lease_ttl_s)
    channel = shared.key("wake")
    return Replica(
        shared,
        lease,
        RedisViewerTokens(shared),
        RedisEventLog(shared),
        RedisOutboxRecords(shared, holder=lambda: lease.holder, wake_channel=channel),
        RedisHandledMarks(shared),
        RedisPresence(shared, lease.replica),
        channel,
    )


def team_tokens(url: str) -> RedisViewerTokens:
    """The viewers' tokens alone (``hub viewer … --redis URL``)."""
    shared = connect(url)
    check(shared)
    return RedisViewerTokens(shared)
