"""Delivering webhooks as CallRail does: a JSON POST to each URL, any 2xx is success, no retries, a
timeout, and an integration disabled after repeated failures.

Deliveries wait in a queue until the sim clock reaches them; ``dispatch`` hands the due ones, in order,
to one lane per URL, so a slow receiver holds up only its own deliveries and never the API. A background
task (``start``/``running``) dispatches every ``tick`` real seconds; tests call ``deliver_due``.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from tui.sim.clock import Clock
from tui.sim.config import SimConfig
from tui.sim.state import Integration
from tui.sim.webhooks.faults import FaultDice, FaultPlan
from tui.sim.webhooks.signature import sign

# How long a delivery picked for reordering waits for the next one to its URL before going anyway.
REORDER_WINDOW = timedelta(minutes=5)


@dataclass
class Delivery:
    seq: int
    integration: Integration
    event: str
    url: str
    body: bytes
    signature: str
    resource_id: str
    earliest: datetime  # when the event (plus any fault delay) lets it go
    due: datetime
    order: float  # ties on ``due`` go by this
    faults: FaultPlan


@dataclass(frozen=True)
class DeliveryRecord:
    seq: int  # the order deliveries were queued in
    event: str
    url: str
    resource_id: str
    integration_id: int
    due: datetime
    sent_at: datetime
    # delivered (2xx), failed (another status), unreachable (no answer in time), dropped (a fault),
    # skipped (the integration was disabled before it went)
    outcome: str
    status: int | None = None
    body: bytes = b""
    signature: str = ""
    copy: int = 1  # 2 for the second of a duplicated delivery
    faults: FaultPlan = field(default_factory=FaultPlan)


class _Lane:
    def __init__(self, deliver: Callable[[Delivery], object]) -> None:
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self.task = asyncio.create_task(self._work(deliver))

    async def _work(self, deliver) -> None:
        while True:
            delivery = await self.queue.get()
            try:
                await deliver(delivery)
            finally:
                self.queue.task_done()


class WebhookSender:
    def __init__(
        self,
        clock: Clock,
        config: SimConfig,
        advance: Callable[[], None],
        transport: httpx.AsyncBaseTransport | None = None,
        tick: float = 0.05,
    ) -> None:
        self.faults = config.webhook_faults  # mutable while running
        self.timeout = config.webhook_timeout
        self.failure_limit = config.webhook_failure_limit
        self.log: list[DeliveryRecord] = []
        self._clock = clock
        self._advance = advance
        self._transport = transport
        self._tick = tick
        self._dice = FaultDice(config.seed)
        self._seq = itertools.count()
        self._pending: list[Delivery] = []
        self._held: dict[str, Delivery] = {}  # per URL: a delivery waiting to go after the next one
        self._lanes: dict[str, _Lane] = {}
        self._in_flight = 0
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task | None = None

    @property
    def pending(self) -> int:
        """Deliveries queued and not yet handed to a lane (some may be due later)."""
        return len(self._pending)

    def idle(self) -> bool:
        """Nothing due is waiting and nothing is being sent."""
        now = self._clock.now()
        return not self._in_flight and not any(d.due <= now for d in self._pending)

    def enqueue(
        self,
        integration: Integration,
        event: str,
        url: str,
        body: bytes,
        signing_key: str,
        resource_id: str,
        due: datetime,
    ) -> None:
        plan = self._dice.roll(self.faults)
        seq = next(self._seq)
        key = signing_key[::-1] if plan.bad_signature else signing_key
        earliest = due + timedelta(seconds=plan.delay)
        delivery = Delivery(
            seq, integration, event, url, body, sign(key, body), resource_id, earliest, earliest, seq, plan
        )
        held = self._held.pop(url, None)
        if held is not None:
            held.due = max(held.earliest, delivery.due)
            held.order = seq + 0.5
        if plan.reorder:
            delivery.due = earliest + REORDER_WINDOW
            self._held[url] = delivery
        self._pending.append(delivery)

    def dispatch(self) -> None:
        """Bring the scenario up to the clock and hand every due delivery to its URL's lane, in order."""
        self._advance()
        now = self._clock.now()
        due = sorted((d for d in self._pending if d.due <= now), key=lambda d: (d.due, d.order))
        if not due:
            return
        self._pending = [d for d in self._pending if d.due > now]
        for delivery in due:
            if self._held.get(delivery.url) is delivery:
                del self._held[delivery.url]
            lane = self._lanes.get(delivery.url) or self._lanes.setdefault(delivery.url, _Lane(self._deliver))
            lane.queue.put_nowait(delivery)
            self._in_flight += 1

    async def deliver_due(self) -> None:
        """Dispatch, then wait until every lane has sent what it was given."""
        self.dispatch()
        await asyncio.gather(*(lane.queue.join() for lane in self._lanes.values()))

    def start(self) -> None:
        """Dispatch in the background, in the running event loop, until ``stop``."""
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        tasks = [lane.task for lane in self._lanes.values()] + ([self._task] if self._task else [])
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        self._lanes.clear()
        self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[WebhookSender]:
        self.start()
        try:
            yield self
        finally:
            await self.stop()

    async def _run(self) -> None:
        while True:
            self.dispatch()
            await asyncio.sleep(self._tick)

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            await self._send(delivery)
        finally:
            self._in_flight -= 1

    async def _send(self, delivery: Delivery) -> None:
        integration = delivery.integration
        if integration.state != "active":
            self._record(delivery, "skipped")
            return
        if delivery.faults.drop:
            self._record(delivery, "dropped")
            return
        for copy in range(1, 3 if delivery.faults.duplicate else 2):
            status = await self._post(delivery)
            ok = status is not None and 200 <= status < 300
            outcome = "delivered" if ok else "failed" if status is not None else "unreachable"
            self._record(delivery, outcome, status, copy)
            self._count(integration, delivery.url, ok)

    async def _post(self, delivery: Delivery) -> int | None:
        if self._client is None:
            self._client = httpx.AsyncClient(transport=self._transport)
        headers = {"Content-Type": "application/json", "Signature": delivery.signature}
        try:
            response = await self._client.post(
                delivery.url, content=delivery.body, headers=headers, timeout=self.timeout
            )
        except (httpx.HTTPError, httpx.InvalidURL, OSError):
            return None
        return response.status_code

    def _count(self, integration: Integration, url: str, ok: bool) -> None:
        # The reference says only that repeated failures can disable the integration. We count failures in
        # a row per URL, so one good URL does not hide a dead one, and disable the whole integration.
        integration.failures[url] = 0 if ok else integration.failures.get(url, 0) + 1
        if integration.failures[url] >= self.failure_limit:
            integration.state = "disabled"

    def _record(self, delivery: Delivery, outcome: str, status: int | None = None, copy: int = 1) -> None:
        self.log.append(
            DeliveryRecord(
                delivery.seq,
                delivery.event,
                delivery.url,
                delivery.resource_id,
                delivery.integration.id,
                delivery.due,
                self._clock.now(),
                outcome,
                status,
                delivery.body,
                delivery.signature,
                copy,
                delivery.faults,
            )
        )
