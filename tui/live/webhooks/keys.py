"""The companies' signing keys: read through the API once per company and kept in the inbox file.

A delivery that does not verify may have been signed with a key CallRail has since changed, so the
receiver may ask for the company's key again, at most once a minute per company and only for companies
of the account: a stranger's requests cannot make us spend the request budget.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable

from tui.callrail.client import CallRailClient
from tui.callrail.clock import Clock
from tui.callrail.errors import CallRailError
from tui.callrail.models import Integration
from tui.live.webhooks.inbox import Inbox
from tui.live.webhooks.signature import masked

log = logging.getLogger(__name__)

RELOAD_EVERY = 60.0  # seconds, per company

Fetch = Callable[[str], Awaitable[str | None]]  # company id -> its signing key, None if it has none


def webhooks_integration(integrations: Iterable[Integration]) -> Integration | None:
    """The company's Webhooks integration (an active one first)."""
    webhooks = [i for i in integrations if (i.type or "").lower() == "webhooks"]
    return next((i for i in webhooks if i.state == "active"), webhooks[0] if webhooks else None)


def key_fetcher(client: CallRailClient, account_id: str) -> Fetch:
    """Reads a company's key from its Webhooks integration (``fields=signing_key``, reference §4.8)."""

    async def fetch(company_id: str) -> str | None:
        integration = webhooks_integration(
            await client.list_integrations(account_id, company_id, background=True)
        )
        if integration is None:
            return None
        if integration.signing_key:
            return integration.signing_key
        detailed = await client.get_integration(
            account_id, integration.id, fields=("signing_key",), background=True
        )
        return detailed.signing_key or None

    return fetch


class SigningKeys:
    def __init__(
        self,
        inbox: Inbox,
        clock: Clock,
        fetch: Fetch | None = None,
        companies: Callable[[], Collection[str]] = frozenset,
    ) -> None:
        """``companies``: the account's company ids, the only ones whose key may be fetched."""
        self._inbox = inbox
        self._clock = clock
        self._fetch = fetch
        self._companies = companies
        self._keys = inbox.signing_keys()
        self._asked: dict[str, float] = {}  # company id -> monotonic time of the last fetch
        self._reading: dict[str, asyncio.Future[bool]] = {}  # reads under way

    def get(self, company_id: str) -> str | None:
        return self._keys.get(company_id)

    def known(self) -> dict[str, str]:
        return dict(self._keys)

    def put(self, company_id: str, signing_key: str) -> None:
        """A key known another way (printed by ``callrail-tui sim``, or the create response)."""
        self._keys[company_id] = signing_key
        self._inbox.set_signing_key(company_id, signing_key, self._clock.now())

    async def ensure(self, company_ids: Iterable[str] | None = None) -> None:
        """Fetch the keys of the companies (default: the account's) that have none yet. This start-up
        read does not count against the minute: the first delivery after webhooks are enabled may fetch
        the key at once."""
        if self._fetch is None:
            return
        for company_id in self._companies() if company_ids is None else company_ids:
            if company_id not in self._keys:
                await self._read(company_id)

    async def reload(self, company_id: str) -> bool:
        """Ask CallRail for the company's key again, unless asked within the last minute or the company
        is not the account's; whether the key is new. Deliveries that fail together share one read."""
        running = self._reading.get(company_id)
        if running is not None:
            return await asyncio.shield(running)
        if self._fetch is None or (company_id not in self._keys and company_id not in self._companies()):
            return False
        now = self._clock.monotonic()
        last = self._asked.get(company_id)
        if last is not None and now - last < RELOAD_EVERY:
            return False
        self._asked[company_id] = now
        read = asyncio.ensure_future(self._read(company_id))
        self._reading[company_id] = read
        read.add_done_callback(lambda _: self._reading.pop(company_id, None))
        return await asyncio.shield(read)

    async def _read(self, company_id: str) -> bool:
        assert self._fetch is not None
        try:
            key = await self._fetch(company_id)
        except CallRailError as error:
            log.warning("could not read the signing key of %s: %s", company_id, error.message)
            return False
        if not key or key == self._keys.get(company_id):
            return False
        log.info("signing key of %s loaded: %s", company_id, masked(key))
        self.put(company_id, key)
        return True
