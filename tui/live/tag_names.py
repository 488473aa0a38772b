"""The account's tags, for offering them when the user tags a call: one read of the account's tag list
at most every ``FRESH_FOR``, shared by every company (a call can take its company's tags and the
account's)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.callrail.client import CallRailClient
from tui.callrail.clock import Clock
from tui.callrail.models import Tag

FRESH_FOR = timedelta(minutes=10)


class TagNames:
    def __init__(self, client: CallRailClient, account_id: str, clock: Clock) -> None:
        self._client = client
        self._account_id = account_id
        self._clock = clock
        self._tags: list[Tag] = []
        self._read_at: datetime | None = None

    async def for_company(self, company_id: str | None) -> list[str]:
        """Enabled tag names a call of this company can take, by name; ``CallRailError`` if they cannot
        be read."""
        now = self._clock.now()
        if self._read_at is None or now - self._read_at >= FRESH_FOR:
            self._tags = await self._client.list_tags(self._account_id)
            self._read_at = now
        names = {
            tag.name
            for tag in self._tags
            if tag.name and tag.status != "disabled" and tag.company_id in (None, company_id)
        }
        return sorted(names, key=str.casefold)
