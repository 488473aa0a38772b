"""``HubSource``: the hub's WebSocket as a ``Source`` (in the part the poller plays for a session on the
key): a snapshot or the missed events, then the events as they come, as batches; offline from the hub,
it says so and reconnects with backoff, resuming from the last number it merged.

Besides calls, conversations and the status, a hub's batches carry what only a hub has (``HubBatch``):
the account and its companies, the team's texts, presence. The status a viewer shows is the hub's, with
the connection to the hub laid over it: catching up, offline (since when, retrying when), refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from tui.callrail.clock import Clock
from tui.hub import wire
from tui.hub.viewer.handled import HubMark, read_mark
from tui.hub.viewer.link import HubLink
from tui.hub.viewer.websocket import Closed, HandshakeRefused, WebSocket, WebSocketError, connect
from tui.hub.wire import CUT_REVOKED
from tui.live.events import OutboxItem, PollState, PollStatus
from tui.live.sources import Batch

log = logging.getLogger(__name__)

BACKOFF_MIN_S = 0.5
BACKOFF_MAX_S = 30.0
OPEN_TIMEOUT_S = 10.0


@dataclass
class HubBatch(Batch):
    account: dict[str, Any] | None = None  # account_id, account_name, companies
    texts: list[tuple[OutboxItem, str | None]] = field(default_factory=list)  # the hub's, with their keys
    texts_problem: str | None = None
    texting_enabled: bool | None = None
    presence: list[dict[str, Any]] | None = None
    you: str = ""  # the name the hub knows this viewer by
    handled: list[HubMark] | None = None  # inbox marks (all of them in a snapshot: ``handled_all``)
    handled_all: bool = False

    def __bool__(self) -> bool:
        extras = (
            self.account,
            self.handled,
            self.texts,
            self.texts_problem,
            self.texting_enabled,
            self.presence,
            self.you or None,
        )
        return super().__bool__() or any(extra is not None and extra != [] for extra in extras)


class HubSource:
    def __init__(self, link: HubLink, clock: Clock) -> None:
        self._link = link
        self._clock = clock
        self._wake = asyncio.Event()
        self._socket: WebSocket | None = None
        self._presence: dict[str, Any] | None = None  # the last presence sent
        self.seq: int | None = None  # the last event merged
        self._log: str | None = None  # the hub's log the numbers are from
        self._hub_status = PollStatus(PollState.STARTING)
        self._link_state = "connecting"
        self._last_heard = None
        self._retry_at = None
        self.status = self._status()

    # -- the poller's part ----------------------------------------------------------------------------

    def refresh_now(self) -> None:
        """Reconnect now (offline or refused: the token may have been fixed)."""
        self._wake.set()

    def texting_happened(self) -> None:
        """The hub reads conversations sooner on its own when texts go out."""

    def set_time_zones(self, time_zones: list[str | None]) -> None:
        """The hub paces the polls."""

    def set_paused(self, paused: bool) -> PollStatus:
        """The hub polls for the whole team: a viewer does not pause it."""
        self.status = replace(
            self._status(), message="The hub polls for the team; it is not paused from here."
        )
        return self.status

    async def send_presence(self, opened: str | None, composing: bool, reading: str | None = None) -> None:
        """What the user has open (``reading``: the open thread's conversation); told again after a
        reconnect."""
        self._presence = {"type": "presence", "open": opened, "composing": composing, "reading": reading}
        socket = self._socket
        if socket is not None:
            with contextlib.suppress(OSError, WebSocketError):
                await socket.send(json.dumps(self._presence))

    # -- batches --------------------------------------------------------------------------------------

    async def batches(self) -> AsyncIterator[Batch]:
        backoff = BACKOFF_MIN_S
        while True:
            try:
                async with connect(self._link.ws_url, self._link.headers, OPEN_TIMEOUT_S) as socket:
                    self._socket = socket
                    await socket.send(json.dumps({"type": "hello", "since": self.seq, "log": self._log}))
                    if self._presence is not None:
                        await socket.send(json.dumps(self._presence))
                    self._link_state = "catching up"
                    yield Batch(status=self._status())
                    async for raw in socket:
                        backoff = BACKOFF_MIN_S
                        batch = self._read(json.loads(raw))
                        if batch:
                            yield batch
            except HandshakeRefused as error:
                refused = error.status in (401, 403)
                self._link_state = "refused" if refused else "offline"
            except Closed as closed:
                self._link_state = "refused" if closed.code == CUT_REVOKED else "offline"
            except (OSError, TimeoutError, WebSocketError, ValueError, KeyError, TypeError) as error:
                # a message the viewer cannot read counts as a dropped connection: it reconnects
                log.info("the hub connection dropped: %s", type(error).__name__)
                self._link_state = "offline"
            else:
                self._link_state = "offline"
            finally:
                self._socket = None
            wait = None if self._link_state == "refused" else backoff
            self._retry_at = self._clock.now() + timedelta(seconds=wait) if wait is not None else None
            yield Batch(status=self._status())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            self._wake.clear()
            backoff = min(BACKOFF_MAX_S, backoff * 2)
            self._link_state = "connecting"

    def _read(self, message: dict[str, Any]) -> HubBatch | None:
        self._last_heard = self._clock.now()
        kind = message.get("type")
        if kind == "snapshot":
            self.seq, self._log = message["seq"], message.get("log")
            self._hub_status = wire.read_status(message["status"])
            return HubBatch(
                calls=wire.calls(message["calls"]),
                conversations=wire.conversations(message["conversations"]),
                status=self._status(),
                account=_account(message),
                texts=[_text(raw) for raw in message["texts"]],
                texts_problem=message.get("texts_problem") or "",
                texting_enabled=message.get("texting_enabled"),
                presence=message.get("presence"),
                you=str(message.get("you") or ""),
                handled=[read_mark(raw) for raw in message.get("handled", [])],
                handled_all=True,
            )
        if kind == "snapshot_more":
            return HubBatch(
                calls=wire.calls(message.get("calls", [])),
                conversations=wire.conversations(message.get("conversations", [])),
            )
        if kind == "caught_up":
            self._link_state = "connected"
            return HubBatch(status=self._status())
        if kind == "presence":
            return HubBatch(presence=message["viewers"])
        seq = message.get("seq")
        if not isinstance(seq, int) or (self.seq is not None and seq <= self.seq):
            return None  # had it already
        self.seq = seq
        return self._event(kind, message)

    def _event(self, kind: str | None, message: dict[str, Any]) -> HubBatch | None:
        if kind == "calls":
            return HubBatch(calls=wire.calls(message["calls"]))
        if kind == "conversations":
            return HubBatch(conversations=wire.conversations(message["conversations"]))
        if kind == "status":
            self._hub_status = wire.read_status(message["status"])
            return HubBatch(status=self._status(), texting_enabled=message.get("texting_enabled"))
        if kind == "account":
            return HubBatch(account=_account(message))
        if kind == "text":
            return HubBatch(texts=[_text(message)])
        if kind == "texts_health":
            return HubBatch(texts_problem=message.get("problem") or "")
        if kind == "handled":
            return HubBatch(handled=[read_mark(message)])
        return None  # "action": who did what, already seen in what changed

    def _status(self) -> PollStatus:
        hub = self._hub_status
        where = f"hub {self._link.host}"
        if self._link_state == "connected":
            status = replace(hub, message=f"{where} · {hub.message}" if hub.message else where)
        elif self._link_state in ("connecting", "catching up"):
            status = replace(hub, message=f"{where}: {self._link_state}…")
        elif self._link_state == "refused":
            status = replace(
                hub,
                state=PollState.AUTH_FAILED,
                last_success=self._last_heard,
                message=f"{where} refused this viewer's token (wrong or revoked); R tries again",
            )
        else:
            status = replace(
                hub,
                state=PollState.OFFLINE,
                last_success=self._last_heard,
                next_poll_at=self._retry_at,
                message=f"{where} cannot be reached; showing what it sent, reconnecting",
            )
        self.status = status
        return status


def _account(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "account_id": message.get("account_id") or "",
        "account_name": message.get("account_name") or "",
        "companies": wire.companies(message.get("companies") or []),
    }


def _text(message: dict[str, Any]) -> tuple[OutboxItem, str | None]:
    return wire.read_outbox_item(message["item"]), message.get("key")
