"""Who polls and sends texts for the account: a hub alone always does (``Sole``); replicas over Redis
take turns under a lease (``tui.hub.replicas.lease.LeaseLeadership``). The hub runs its session through
one of them and never asks which."""

from __future__ import annotations

from typing import Any, Protocol

from tui.live.session import LiveSession


class Leadership(Protocol):
    async def run(self, session: LiveSession) -> None:
        """Run the session's poller, sources and outbox whenever this hub may, until cancelled."""

    async def step_down(self) -> None:
        """Let another hub take over at once (a clean stop; a crash leaves it to the lease's expiry)."""

    def describe(self) -> dict[str, Any]:
        """For ``/health``: whether this hub polls and sends now."""


class Sole:
    async def run(self, session: LiveSession) -> None:
        await session.run()

    async def step_down(self) -> None:
        """Nobody else to hand over to."""

    def describe(self) -> dict[str, Any]:
        return {"leading": True}
