"""The account's Webhooks integrations as the app manages them: what each company posts to us, turning
ours on and off (remembered in the inbox file), taking our URLs out while the receiver is down, and
noticing an integration CallRail disabled.

```python
control = WebhookControl(client, account_id, "https://monitor.example", inbox, keys)
await control.enable(["COM1"])   # our URLs on COM1's monitor events, remembered
await control.withdraw()         # the app stops (a laptop): our URLs out, still remembered
await control.restore()          # it starts again: back in
await control.disabled()         # ["COM1"] once CallRail turned the integration off
```

Every change reads the integration and writes its lists back whole (``setup``), one company at a time,
inside the budget as user actions are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from tui.callrail.client import CallRailClient
from tui.callrail.errors import CallRailError
from tui.live.backstop import Backstop
from tui.live.webhooks.events import MONITOR_EVENTS
from tui.live.webhooks.inbox import Inbox
from tui.live.webhooks.keys import SigningKeys
from tui.live.webhooks.setup import CompanyWebhooks, disable, enable, status
from tui.live.webhooks.stats import ReceiverStats

log = logging.getLogger(__name__)

WITHDRAW_WITHIN = 5.0  # seconds the app may spend taking its URLs out when it stops


class WebhookControl:
    def __init__(
        self,
        client: CallRailClient,
        account_id: str,
        base_url: str,
        inbox: Inbox,
        keys: SigningKeys | None = None,
        *,
        always_on: bool = False,
        backstop: Backstop | None = None,
        company_name: Callable[[str], str] = str,
        deliveries: ReceiverStats | None = None,
    ) -> None:
        """``base_url``: where CallRail reaches the receiver. ``always_on``: the receiver runs around the
        clock, so its URLs stay with CallRail when the app stops. ``backstop``: told when an integration
        is found disabled (polling takes over, the status bar says why) and when it is enabled again.
        ``deliveries``: what the receiver took and turned away, for the screen to show."""
        self.base_url = base_url
        self.always_on = always_on
        self._client = client
        self._account_id = account_id
        self._inbox = inbox
        self._keys = keys
        self._backstop = backstop
        self._company_name = company_name
        self.deliveries = deliveries
        self._checking: asyncio.Task | None = None

    def enabled(self) -> dict[str, tuple[str, ...]]:
        """Companies the user turned webhooks on for, and their events."""
        return self._inbox.enabled()

    async def status(self, company_ids: Iterable[str]) -> list[CompanyWebhooks]:
        return [
            await status(self._client, self._account_id, company_id, self.base_url)
            for company_id in company_ids
        ]

    async def enable(
        self, company_ids: Iterable[str], events: Iterable[str] = MONITOR_EVENTS
    ) -> list[CompanyWebhooks]:
        """Our URLs on ``events`` of each company (the integration made active), remembered."""
        events = tuple(events)
        done = []
        for company_id in company_ids:
            result = await enable(self._client, self._account_id, company_id, self.base_url, events)
            self._inbox.set_enabled(company_id, events)
            done.append(self._keep_key(result))
        if self._backstop is not None:
            self._backstop.problem("")
        return done

    def _keep_key(self, result: CompanyWebhooks) -> CompanyWebhooks:
        """A new integration's signing key comes with the create: no read needed for the first delivery."""
        if result.signing_key and self._keys is not None:
            self._keys.put(result.company_id, result.signing_key)
        return result

    async def disable(self, company_ids: Iterable[str]) -> list[CompanyWebhooks]:
        """Our URLs off each company's events, and forgotten; other consumers' URLs stay."""
        done = []
        for company_id in company_ids:
            done.append(await disable(self._client, self._account_id, company_id, self.base_url))
            self._inbox.forget_enabled(company_id)
        return done

    async def restore(self) -> list[CompanyWebhooks]:
        """Our URLs back on the companies the user turned on (the receiver is listening again). An
        integration CallRail disabled stays disabled: the user decides (``enable``)."""
        if self.always_on:
            return []
        done = []
        for company_id, events in self.enabled().items():
            try:
                result = await enable(
                    self._client, self._account_id, company_id, self.base_url, events, activate=False
                )
                done.append(self._keep_key(result))
            except CallRailError as error:
                log.warning("could not put the webhook URLs of %s back: %s", company_id, error.message)
        return done

    async def withdraw(self) -> None:
        """Our URLs out of every company that has them (remembered for ``restore``), within
        ``WITHDRAW_WITHIN`` seconds: a receiver that is down would get the integration disabled."""
        if self.always_on or not self.enabled():
            return
        try:
            async with asyncio.timeout(WITHDRAW_WITHIN):
                for company_id in self.enabled():
                    await disable(self._client, self._account_id, company_id, self.base_url)
        except (CallRailError, TimeoutError) as error:
            log.warning("could not take every webhook URL out: %s", getattr(error, "message", "timed out"))

    async def disabled(self) -> list[str]:
        """The companies turned on whose integration CallRail has disabled (after failed deliveries)."""
        try:
            found = await self.status(self.enabled())
        except CallRailError as error:
            log.warning("could not read the webhook integrations: %s", error.message)
            return []
        return [company.company_id for company in found if company.state == "disabled"]

    def check_soon(self) -> None:
        """Look (once at a time, in the background) for an integration CallRail disabled; if one is, the
        backstop polls at full pace and says so until the user enables it again."""
        if self._checking is None or self._checking.done():
            self._checking = asyncio.ensure_future(self._check())

    async def _check(self) -> None:
        found = await self.disabled()
        if found and self._backstop is not None:
            names = ", ".join(self._company_name(company_id) for company_id in found)
            self._backstop.problem(f"CallRail disabled the webhooks of {names}: enable them again (w)")
