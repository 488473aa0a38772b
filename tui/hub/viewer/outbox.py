"""``HubOutbox``: a viewer's texts, handed to the hub's outbox (the only one that sends) exactly once.

Each text is kept in the viewer's store first and handed over with an idempotency key (this store's
instance and the item's id): a retry after a dropped connection, or after a restart, is answered with the
text the hub already took, never sent again. From then on the hub's outbox events say how it went. The
team's other texts arrive the same way and are shown with who sent them.

A hub that answers 409 (a colleague texted this caller minutes ago) holds the text for the user
(``HELD``), who decides as on a text of unknown fate: send it anyway (it goes again with ``confirm``) or
leave it to the colleague.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace

from tui.callrail.clock import Clock
from tui.callrail.errors import CallRailError, InvalidRequest, NetworkError, NotFound, ServerError
from tui.hub import wire
from tui.hub.viewer.link import HubError, HubLink
from tui.live.events import LiveEvent, OutboxChanged, OutboxHealth, OutboxItem, OutboxState
from tui.live.outbox import NothingToDecide
from tui.live.store import Store

log = logging.getLogger(__name__)

INSTANCE_META = "hub_outbox_instance"
RETRY_MIN_S = 1.0
RETRY_MAX_S = 30.0
DROPPED = "Not sent: you left it to your colleague."


class HubOutbox:
    def __init__(
        self, *, link: HubLink, store: Store, clock: Clock, emit: Callable[[LiveEvent], None]
    ) -> None:
        self._link = link
        self._store = store
        self._clock = clock
        self._emit = emit
        self._instance = store.get_meta(INSTANCE_META) or secrets.token_hex(8)
        store.set_meta(INSTANCE_META, self._instance)
        self._wake = asyncio.Event()
        self._handed: set[int] = set()  # taken by the hub: its events tell the rest
        self._confirm: set[int] = set()  # the user chose to send despite a colleague's reply
        self._team: dict[int, OutboxItem] = {}  # colleagues' texts by the hub's id (shown with negative ids)
        self.problem = ""

    def key(self, item_id: int) -> str:
        return f"{self._instance}-{item_id}"

    # -- what the session calls -----------------------------------------------------------------------

    def enqueue(
        self,
        *,
        company_id: str,
        customer_phone_number: str,
        content: str,
        tracking_number: str | None = None,
        request: str | None = None,
    ) -> OutboxItem:
        item = self._store.add_outbox_item(
            company_id=company_id,
            customer_phone_number=customer_phone_number,
            tracking_number=tracking_number,
            content=content,
            now=self._clock.now(),
            request=request,
        )
        self._emit(OutboxChanged(item))
        self._wake.set()
        return item

    def resolve_unknown(self, item_id: int, *, sent: bool) -> OutboxItem:
        item = self._store.outbox_item(item_id)
        if item.state not in (OutboxState.UNKNOWN, OutboxState.HELD):
            raise NothingToDecide("This text is not waiting for your decision.")
        if item.state is OutboxState.HELD:
            if sent:  # "it was sent" here means: leave it, a colleague has answered
                return self._set(item, OutboxState.FAILED, DROPPED)
            self._confirm.add(item_id)
            item = self._set(item, OutboxState.QUEUED, "Sending anyway, as you chose.")
            self._wake.set()
            return item
        asyncio.get_running_loop().create_task(self._decide(item, sent))
        return self._set(item, OutboxState.CHECKING, "Telling the hub your decision…")

    def items(self, customer_phone_number: str | None = None) -> list[OutboxItem]:
        own = self._store.outbox_items(customer_phone_number=customer_phone_number)
        team = [
            item
            for item in self._team.values()
            if customer_phone_number is None or item.customer_phone_number == customer_phone_number
        ]
        return sorted([*own, *team], key=lambda item: item.created_at)

    def wake(self) -> None:
        self._wake.set()

    def set_problem(self, problem: str) -> None:
        if problem != self.problem:
            self.problem = problem
            self._emit(OutboxHealth(problem=problem))

    def hub_text(self, item: OutboxItem, key: str | None) -> None:
        """The hub's outbox changed one of its texts (ours under ``key``, or a colleague's)."""
        own_id = self._own_id(key)
        if own_id is None:
            shown = replace(item, id=-item.id)
            self._team[item.id] = shown
            self._emit(OutboxChanged(shown))
            return
        self._handed.add(own_id)
        try:
            mine = self._store.outbox_item(own_id)
        except KeyError:
            return
        self._set(mine, item.state, item.error, item.conversation_id)

    def _own_id(self, key: str | None) -> int | None:
        instance, _, number = (key or "").rpartition("-")
        return int(number) if instance == self._instance and number.isdigit() else None

    # -- handing texts over ---------------------------------------------------------------------------

    async def run(self) -> None:
        failures = 0
        while True:
            delay = None
            for item in self._store.outbox_items(states=(OutboxState.QUEUED,)):
                if item.id in self._handed:
                    continue
                if not await self._hand_over(item):
                    failures += 1
                    delay = min(RETRY_MAX_S, RETRY_MIN_S * 2 ** (failures - 1))
                    break
                failures = 0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            self._wake.clear()

    async def _hand_over(self, item: OutboxItem) -> bool:
        """Give the hub one text; False when it could not be reached (the text stays queued)."""
        body = {
            "key": self.key(item.id),
            "company_id": item.company_id,
            "customer_phone_number": item.customer_phone_number,
            "tracking_number": item.tracking_number,
            "content": item.content,
            "confirm": item.id in self._confirm,
        }
        try:
            answer = await self._link.request("POST", "/api/texts", body)
        except HubError as conflict:  # 409: a colleague has just texted this caller
            self._set(item, OutboxState.HELD, conflict.message)
            return True
        except (NetworkError, ServerError) as error:
            self._set(item, OutboxState.QUEUED, f"Not handed to the hub yet: {error.message}")
            return False
        except (InvalidRequest, NotFound) as error:
            self._set(item, OutboxState.FAILED, error.message)
            return True
        except CallRailError as error:  # refused token, rate limited: try again later
            self._set(item, OutboxState.QUEUED, f"Not handed to the hub yet: {error.message}")
            return False
        self._handed.add(item.id)
        hub_item = wire.read_outbox_item(answer["item"])
        self._set(item, hub_item.state, hub_item.error, hub_item.conversation_id)
        return True

    async def _decide(self, item: OutboxItem, sent: bool) -> None:
        try:
            answer = await self._link.request(
                "POST", f"/api/texts/{self.key(item.id)}/resolve", {"sent": sent}
            )
        except CallRailError as error:
            self._set(item, OutboxState.UNKNOWN, f"The hub did not take your decision: {error.message}")
            return
        hub_item = wire.read_outbox_item(answer["item"])
        self._set(item, hub_item.state, hub_item.error, hub_item.conversation_id)

    def _set(
        self, item: OutboxItem, state: OutboxState, error: str = "", conversation_id: str | None = None
    ) -> OutboxItem:
        if item.state is state and item.error == error and conversation_id is None:
            return item
        updated = self._store.set_outbox_state(
            item.id, state, now=self._clock.now(), error=error, conversation_id=conversation_id
        )
        self._emit(OutboxChanged(updated))
        return updated
