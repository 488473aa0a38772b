"""Fan-out: every change the hub's session makes, numbered in the event log and queued for every viewer
connected; a joining viewer gets a snapshot of today, or only what it missed.

The session's listener runs synchronously as each batch is merged, and ``join`` builds a viewer's start
and registers it without awaiting in between: nothing can fall between a snapshot (or the missed events)
and the first live event, and nothing comes twice. A viewer whose queue overflows (it stopped reading) is
cut; it resumes from its last number when it comes back, the others never wait for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from tui.hub import wire
from tui.hub.eventlog import EventLog
from tui.hub.marks import HandledMarks, StoredMarks
from tui.hub.replicas.down import SharedStateDown
from tui.live.events import (
    CallsChanged,
    ConversationsChanged,
    LiveEvent,
    OutboxChanged,
    OutboxHealth,
    OutboxItem,
    PollStatus,
)
from tui.live.first_rows import LOOKBACK
from tui.live.session import LiveSession
from tui.live.sources import Batch

if TYPE_CHECKING:  # a hub on SQLite alone never loads the Redis client
    from tui.hub.replicas.presence import RedisPresence

log = logging.getLogger(__name__)

QUEUE_MAX = 5_000  # messages a viewer may fall behind before it is cut (it resumes by number)
SNAPSHOT_CHUNK = 250  # records in each message of a snapshot
FOLLOW_RETRY_S = 1.0


@dataclass
class Presence:
    open: str | None = None  # "call:<id>" or "thread:<customer number>"
    composing: bool = False
    reading: str | None = None  # the conversation id of an open thread (``tui.hub.threads``)


class Attendee:
    """One viewer's connection: what the hub has queued for it, and what it has open."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUE_MAX)
        self.presence = Presence()
        self.cut_code: int | None = None
        self.cut_reason = ""
        self.cut_event = asyncio.Event()

    def push(self, text: str) -> None:
        if self.cut_code is not None:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.cut(wire.CUT_OVERFLOW, "too far behind; reconnect to resume")

    def cut(self, code: int, reason: str) -> None:
        if self.cut_code is None:
            self.cut_code, self.cut_reason = code, reason
            self.cut_event.set()


class Fanout:
    def __init__(
        self,
        session: LiveSession,
        events: EventLog,
        *,
        scrub: Callable[[str], str],
        marks: HandledMarks | None = None,
        presence: RedisPresence | None = None,
    ) -> None:
        """``presence``: the viewers of the other replicas (``tui.hub.replicas``), shown beside this one's."""
        self.session = session
        self.events = events
        self._elsewhere = presence
        self.marks: HandledMarks = marks or StoredMarks(session.store)  # the team inbox's handled marks
        self._scrub = scrub
        self._attendees: list[Attendee] = []
        self._acting: tuple[str, str] | None = None  # (viewer, key) of a text being queued right now
        self._companies_sent: dict | None = None
        # the last event handed to the viewers; those after it that another replica appended are taken
        # into this replica's session first (``_absorb``), so its snapshots and its polls know them
        self._delivered = events.replay_from()
        self._mine: set[int] = set()  # numbers this replica appended that are not handed out yet
        self._absorbing = False
        self.presence_listeners: list[Callable[[], None]] = []  # told after every change of presence
        session.subscribe(self._on_event)

    # -- viewers --------------------------------------------------------------------------------------

    @property
    def attendees(self) -> list[Attendee]:
        return list(self._attendees)

    def join(self, attendee: Attendee, since: int | None, log_id: str | None = None) -> None:
        """Queue the viewer's start (what it missed since ``since`` in log ``log_id``, else a snapshot)
        and register it."""
        same_log = log_id is None or log_id == self.events.log_id
        missed = self.events.since(since) if since is not None and same_log else None
        if missed is None:
            for message in self.snapshot(attendee.name):
                attendee.push(self._dumps(message))
        else:
            for seq, event in missed:
                if seq <= self._delivered:  # the rest reach it with everyone's (``catch_up``)
                    attendee.push(self._dumps({"seq": seq, **event}))
        attendee.push(self._dumps({"type": "caught_up", "seq": self._delivered}))
        self._attendees.append(attendee)
        self._broadcast_presence()

    def leave(self, attendee: Attendee) -> None:
        if attendee in self._attendees:
            self._attendees.remove(attendee)
            self._broadcast_presence()

    def cut_viewer(self, name: str, code: int, reason: str) -> None:
        for attendee in self._attendees:
            if attendee.name == name:
                attendee.cut(code, reason)

    def set_presence(self, attendee: Attendee, presence: Presence) -> None:
        if presence != attendee.presence:
            attendee.presence = presence
            self._broadcast_presence()

    def presence(self) -> list[dict[str, Any]]:
        """Every viewer's presence, this replica's and the others'."""
        return [
            {"name": viewer["name"], "open": viewer["open"], "composing": viewer["composing"]}
            for viewer in self._here() + self._there()
        ]

    def reading(self) -> set[str]:
        """The conversations viewers have open in a thread screen, on any replica."""
        return {viewer["reading"] for viewer in self._here() + self._there() if viewer["reading"]}

    def _here(self) -> list[dict[str, Any]]:
        return [{"name": a.name, **asdict(a.presence)} for a in self._attendees]

    def _there(self) -> list[dict[str, Any]]:
        return self._elsewhere.elsewhere if self._elsewhere is not None else []

    async def follow_presence(self) -> None:
        """Tell this replica's viewers when the other replicas' viewers change (none without replicas)."""
        if self._elsewhere is None:
            return
        while True:
            try:
                await self._elsewhere.follow(self._tell_presence)
            except SharedStateDown as down:
                log.warning("%s; colleagues on other replicas are shown when it is back", down)
                await asyncio.sleep(FOLLOW_RETRY_S)

    def _broadcast_presence(self) -> None:
        if self._elsewhere is not None:
            try:
                self._elsewhere.share(self._here())
            except SharedStateDown as down:
                log.warning("%s; other replicas do not see this one's viewers until it is back", down)
        self._tell_presence()

    def _tell_presence(self) -> None:
        text = self._dumps({"type": "presence", "viewers": self.presence()})
        for attendee in self._attendees:
            attendee.push(text)
        for listener in self.presence_listeners:
            listener()

    # -- what viewers are told ------------------------------------------------------------------------

    def snapshot(self, name: str) -> list[dict[str, Any]]:
        """Today as the hub holds it: the account, the status and the team's texts with the first calls,
        then the rest of the calls and the conversations ``SNAPSHOT_CHUNK`` at a time (a viewer merges a
        day's thousands of calls in pieces, never holding them all as JSON at once)."""
        session = self.session
        since = session.clock.now() - LOOKBACK
        calls = session.state.calls_newest_first()
        conversations = session.state.conversations_newest_first()
        first = {
            "type": "snapshot",
            "seq": self._delivered,
            "log": self.events.log_id,
            "you": name,
            **self.account(),
            "calls": [wire.record(call) for call in calls[:SNAPSHOT_CHUNK]],
            "conversations": [],
            "status": wire.status(session.status),
            "texting_enabled": session.texting_enabled,
            "texts_problem": session.texts_problem,
            "texts": [self._text(item) for item in session.outbox_items() if item.updated_at >= since],
            "presence": self.presence(),
            "handled": [wire.handled_mark(*mark) for mark in self.marks.all()],
        }
        rest: list[dict[str, Any]] = [
            {"type": "snapshot_more", "calls": [wire.record(c) for c in calls[at : at + SNAPSHOT_CHUNK]]}
            for at in range(SNAPSHOT_CHUNK, len(calls), SNAPSHOT_CHUNK)
        ]
        rest += [
            {
                "type": "snapshot_more",
                "conversations": [wire.record(c) for c in conversations[at : at + SNAPSHOT_CHUNK]],
            }
            for at in range(0, len(conversations), SNAPSHOT_CHUNK)
        ]
        return [first, *rest]

    def account(self) -> dict[str, Any]:
        session = self.session
        return {
            "account_id": session.account_id,
            "account_name": session.account_name,
            "companies": [wire.record(company) for company in session.companies.values()],
        }

    def publish(self, event: dict[str, Any]) -> int:
        """Number ``event``, keep it, and queue it for every viewer (after any event another replica
        appended before it)."""
        seq = self.events.append(event)
        if seq == self._delivered + 1:
            self._deliver(seq, event)
        else:
            self._mine.add(seq)
            self.catch_up()
        return seq

    def catch_up(self) -> None:
        """Hand out, in order, every event after the last one handed out."""
        missed = self.events.since(self._delivered)
        if missed is None:  # this replica fell behind what the log keeps: its viewers start afresh
            log.warning("the event log moved past this replica; its viewers resume from a snapshot")
            for attendee in self._attendees:
                attendee.cut(wire.CUT_OVERFLOW, "the hub fell behind; reconnect to resume")
            self._delivered = self.events.last_seq
            return
        for seq, event in missed:
            if seq not in self._mine:
                self._absorb(event)
            self._mine.discard(seq)
            self._deliver(seq, event)

    async def follow(self) -> None:
        """Hand out what other replicas append, as they do (a log of one process has none)."""
        while True:
            try:
                await self.events.wait_beyond(self._delivered)
                self.catch_up()
            except SharedStateDown as down:
                log.warning("%s; viewers get new events when it is back", down)
                await asyncio.sleep(FOLLOW_RETRY_S)

    def _deliver(self, seq: int, event: dict[str, Any]) -> None:
        self._delivered = seq
        text = self._dumps({"seq": seq, **event})
        for attendee in self._attendees:
            attendee.push(text)

    def _absorb(self, event: dict[str, Any]) -> None:
        """What another replica told its viewers, merged into this one's session without telling anyone
        again."""
        kind = event.get("type")
        batch = None
        if kind == "calls":
            batch = Batch(calls=wire.calls(event["calls"]))
        elif kind == "conversations":
            batch = Batch(conversations=wire.conversations(event["conversations"]))
        elif kind == "status":
            batch = Batch(status=wire.read_status(event["status"]))
        if batch is None:
            return
        self._absorbing = True
        try:
            self.session.apply(batch)
        except Exception:
            log.exception("taking in another replica's event failed")
        finally:
            self._absorbing = False

    @contextmanager
    def acting(self, viewer: str, key: str) -> Iterator[None]:
        """The texts queued inside the block are ``viewer``'s, under ``key``."""
        self._acting = (viewer, key)
        try:
            yield
        finally:
            self._acting = None

    def _text(self, item: OutboxItem) -> dict[str, Any]:
        """A hub text as viewers see it: with who sent it, and under which of their keys."""
        send = self.events.sender_of(item.id)
        viewer, key = (send.viewer, send.key) if send is not None else self._acting or ("", None)
        return {"item": wire.outbox_item(replace(item, sent_by=viewer)), "key": key}

    def _on_event(self, event: LiveEvent) -> None:
        if self._absorbing:
            return
        try:
            message = self._message(event)
            if message is not None:
                self.publish(message)
            if isinstance(event, PollStatus) and self.session.companies is not self._companies_sent:
                self._companies_sent = self.session.companies
                self.publish({"type": "account", **self.account()})
        except SharedStateDown as down:
            log.warning("%s; this change is not told to the viewers", down)
        except Exception:
            log.exception("telling the viewers failed")

    def _message(self, event: LiveEvent) -> dict[str, Any] | None:
        if isinstance(event, CallsChanged):
            changed = [*event.new, *event.changed]
            return {"type": "calls", "calls": [wire.record(c) for c in changed]} if changed else None
        if isinstance(event, ConversationsChanged):
            changed = [*event.new, *event.changed]
            if not changed:
                return None
            return {"type": "conversations", "conversations": [wire.record(c) for c in changed]}
        if isinstance(event, PollStatus):
            return {
                "type": "status",
                "status": wire.status(event),
                "texting_enabled": self.session.texting_enabled,
            }
        if isinstance(event, OutboxChanged):
            return {"type": "text", **self._text(event.item)}
        if isinstance(event, OutboxHealth):
            return {"type": "texts_health", "problem": event.problem, "setback": event.setback}
        return None  # inbound alerts: each viewer's session tells them from what it merges

    def _dumps(self, message: dict[str, Any]) -> str:
        return self._scrub(json.dumps(message, separators=(",", ":")))
