"""The simulator: scenario, state, rate limits, faults, webhooks and the ASGI app, on one clock."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tui.sim.api import build_app
from tui.sim.clock import Clock, SimClock
from tui.sim.config import SimConfig
from tui.sim.events import ScenarioEvent, SimEvent
from tui.sim.external import ExternalTraffic
from tui.sim.faults import FaultInjector, Faults
from tui.sim.ratelimit import RateLimiter
from tui.sim.requests import RequestRecord
from tui.sim.scenario import Engine
from tui.sim.state import Account
from tui.sim.webhooks.integrations import Integrations
from tui.sim.webhooks.router import post_webhooks
from tui.sim.webhooks.sender import WebhookSender
from tui.sim.webhooks.signature import company_signing_key
from tui.sim.writes import ApiWrites


class Simulator:
    def __init__(
        self,
        config: SimConfig | None = None,
        clock: Clock | None = None,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config or SimConfig()
        self.clock = clock or SimClock()
        self.events: list[SimEvent] = []
        self.request_log: list[RequestRecord] = []
        self.faults = Faults(self.clock, seed=self.config.seed)
        self.limiter = RateLimiter(self.config)
        self.engine = Engine(self.config, self.clock.now(), self._on_event)
        self.writes = ApiWrites(self.engine, self.config)
        self.integrations = Integrations()
        # Webhook deliveries: start them in the running loop (``webhooks.start()`` or ``webhooks.running()``).
        self.webhooks = WebhookSender(self.clock, self.config, self.advance, transport=webhook_transport)
        for account in self.accounts:
            account.signing_keys = {c: company_signing_key(self.config.seed, c) for c in account.companies}
        if self.config.webhook_url:
            self.add_webhook_receiver(self.config.webhook_url)
        self._external = ExternalTraffic(self.config, self.limiter, self.account_id, self.clock.now())
        # The ASGI app: serve it with uvicorn or use it through ``httpx.ASGITransport``.
        self.app = _AdvanceFirst(self.advance, FaultInjector(build_app(self), self.faults, self.log_request))
        self.advance()

    @property
    def accounts(self) -> list[Account]:
        return self.engine.accounts

    @property
    def account(self) -> Account:
        return self.engine.accounts[0]

    @property
    def account_id(self) -> str:
        return self.account.id

    @property
    def api_key(self) -> str:
        return self.config.api_key

    def accounts_for_key(self, key: str) -> list[Account]:
        """The accounts a key sees: its own, or every one for the agency's key."""
        if self.config.agency_api_key and key == self.config.agency_api_key:
            return list(self.accounts)
        return [a for a in self.accounts if a.api_key == key]

    def add_webhook_receiver(self, url: str) -> dict[str, str]:
        """Post every webhook event of every company of the main account to ``url`` (added to a Webhooks
        integration, created if need be); returns each company's signing key by company id."""
        return self.integrations.add_receiver(self.account, url, self.clock.now())

    def advance(self) -> None:
        """Bring the scenario (calls, texts, other integrations' requests) up to the clock."""
        now = self.clock.now()
        self.request_log.extend(self._external.advance(now))
        self.engine.advance(now)

    def _on_event(self, event: ScenarioEvent) -> None:
        self.events.append(event.recorded())
        post_webhooks(event, self.webhooks)

    def log_request(self, method: str, path: str, status: int, bucket: str, external: bool = False) -> None:
        self.request_log.append(RequestRecord(self.clock.now(), method, path, status, bucket, external))


class _AdvanceFirst:
    """ASGI layer bringing the scenario up to the clock before a request is handled or logged, so the
    request log stays in time order."""

    def __init__(self, advance: Callable[[], None], app) -> None:
        self._advance = advance
        self._app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self._advance()
        await self._app(scope, receive, send)
