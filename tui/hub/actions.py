"""The viewers' actions over HTTP, done by the hub with its key: open a call (one read for everyone),
update it, call back, read a conversation, send a text (once per idempotency key), and decide on a
text whose fate is unknown. Each one is counted against the viewer's limit and recorded with its name.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request

from tui.callrail.errors import (
    AuthError,
    BudgetExhausted,
    CallRailError,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from tui.callrail.phones import digits
from tui.hub import wire
from tui.hub.detail import DetailCache
from tui.hub.eventlog import Send
from tui.hub.fanout import Fanout
from tui.hub.limits import ActionLimiter, HubError, read_json
from tui.live.events import OutboxItem
from tui.live.outbox import NothingToDecide

# Sending into a thread a colleague replied to this recently needs ``confirm``: no double replies.
REPLY_WINDOW = timedelta(minutes=5)
# A retry that finds its text being queued by another replica waits this long for the outcome (queueing
# takes a few Redis steps), then is asked to come back (503).
CLAIM_WAIT_S = 2.0
CLAIM_POLL_S = 0.05


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


M = TypeVar("M", bound=ActionBody)


class CallChanges(ActionBody):
    tags: list[str] | None = Field(default=None, max_length=50)
    append_tags: bool | None = None
    note: str | None = Field(default=None, max_length=4000)
    lead_status: str | None = Field(default=None, max_length=40)
    value: str | None = Field(default=None, max_length=40)


class TextToSend(ActionBody):
    key: str = Field(min_length=1, max_length=100)
    company_id: str = Field(min_length=1, max_length=64)
    customer_phone_number: str = Field(min_length=1, max_length=32)
    content: str = Field(min_length=1, max_length=1600)
    tracking_number: str | None = Field(default=None, max_length=32)
    confirm: bool = False


class CallBack(ActionBody):
    customer_phone_number: str = Field(min_length=1, max_length=32)
    tracking_number: str = Field(min_length=1, max_length=32)
    my_phone: str = Field(min_length=1, max_length=32)


class Decision(ActionBody):
    sent: bool


def parse_body(model: type[M], raw: dict[str, Any]) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}"
            for item in error.errors(include_url=False, include_input=False)
        )
        raise HubError(422, f"The request is not what this action takes: {problems}") from None


def api_failure(error: CallRailError) -> HubError:
    """A CallRail error as the viewer gets it: the hub's words, never its key."""
    if isinstance(error, NotFound):
        return HubError(404, error.message)
    if isinstance(error, AuthError):
        return HubError(502, "CallRail refused the hub's API key; the hub's owner has to fix it.")
    if isinstance(error, InvalidRequest | PermissionDenied):
        return HubError(422, error.message)
    if isinstance(error, RateLimited | BudgetExhausted):
        return HubError(503, error.message)
    return HubError(502, error.message)


class HubActions:
    def __init__(self, fanout: Fanout, limiter: ActionLimiter) -> None:
        self._fanout = fanout
        self._session = fanout.session
        self._events = fanout.events
        self._limiter = limiter
        self.detail = DetailCache(fanout.session)

    def _record(self, name: str, what: str, **about: Any) -> None:
        self._fanout.publish({"type": "action", "by": name, "what": what, **about})

    async def open_call(self, name: str, request: Request) -> dict[str, Any]:
        self._limiter.take(name)
        try:
            call = await self.detail.open(request.path_params["call_id"])
        except CallRailError as error:
            raise api_failure(error) from None
        return {"call": wire.record(call)}

    async def update_call(self, name: str, request: Request) -> dict[str, Any]:
        self._limiter.take(name)
        changes = parse_body(CallChanges, await read_json(request)).model_dump(exclude_unset=True)
        if not changes:
            raise HubError(422, "Nothing to update: give at least one field to change.")
        call_id = request.path_params["call_id"]
        try:
            call = await self._session.update_call(call_id, **changes)
        except CallRailError as error:
            raise api_failure(error) from None
        self._record(name, "update_call", call_id=call_id, fields=sorted(changes))
        return {"call": wire.record(call)}

    async def call_back(self, name: str, request: Request) -> dict[str, Any]:
        self._limiter.take(name)
        asked = parse_body(CallBack, await read_json(request))
        try:
            call = await self._session.call_back(**asked.model_dump())
        except CallRailError as error:
            raise api_failure(error) from None
        self._record(name, "call_back", call_id=call.id)
        return {"call": wire.record(call)}

    async def conversation(self, name: str, request: Request) -> dict[str, Any]:
        self._limiter.take(name)
        conversation_id = request.path_params["conversation_id"]
        try:
            page = int(request.query_params.get("page", "1"))
            per_page = int(request.query_params.get("per_page", "100"))
        except ValueError:
            raise HubError(400, "page and per_page are numbers.") from None
        if not (1 <= page <= 1000 and 1 <= per_page <= 250):
            raise HubError(400, "page is 1 to 1000, per_page 1 to 250.")
        try:
            if page == 1 and per_page == 100:
                conversation = await self._session.open_conversation(conversation_id)
            else:
                conversation = await self._session.older_messages(conversation_id, page, per_page)
        except CallRailError as error:
            raise api_failure(error) from None
        return {"conversation": wire.record(conversation)}

    async def send_text(self, name: str, request: Request) -> tuple[int, dict[str, Any]]:
        self._limiter.take(name)
        text = parse_body(TextToSend, await read_json(request))
        known = self._sent_before(name, text.key)
        if known is not None:  # a retry: the text was taken the first time
            return self._taken_before(name, known)
        number = digits(text.customer_phone_number)
        now = self._session.clock.now()
        if not text.confirm:
            colleague = self._events.last_reply(number, other_than=name, since=now - REPLY_WINDOW)
            if colleague is not None:
                minutes = max(1, round((now.timestamp() - colleague.sent_at) / 60))
                raise HubError(
                    409,
                    f"{colleague.viewer} texted this caller {minutes} min ago. Send with confirm to send "
                    "yours too.",
                    replied_by=colleague.viewer,
                )
        if not self._events.claim_send(name, text.key):  # a retry racing its first try on another replica
            return self._taken_before(name, await self._queued_elsewhere(name, text.key))
        try:
            with self._fanout.acting(name, text.key):
                item = self._session.send_text(
                    company_id=text.company_id,
                    customer_phone_number=text.customer_phone_number,
                    content=text.content,
                    tracking_number=text.tracking_number,
                    request=_request(name, text.key),
                )
        except BaseException:
            self._events.release_send(name, text.key)
            raise
        self._events.record_send(_send_of(name, text.key, item))
        self._record(name, "send_text", customer_phone_number=text.customer_phone_number)
        return 201, {"item": wire.outbox_item(replace(item, sent_by=name)), "duplicate": False}

    def _sent_before(self, name: str, key: str) -> Send | None:
        """The text queued for this viewer's ``key``: from the log of sends or, when its record was never
        written (the log failed just after the text was queued), from the outbox, and recorded now."""
        known = self._events.send_for(name, key)
        if known is not None:
            return known
        item = self._session.outbox_records.outbox_item_for_request(_request(name, key))
        if item is None:
            return None
        known = _send_of(name, key, item)
        self._events.record_send(known)
        return known

    def _taken_before(self, name: str, known: Send) -> tuple[int, dict[str, Any]]:
        item = self._session.outbox_records.outbox_item(known.outbox_id)
        return 200, {"item": wire.outbox_item(replace(item, sent_by=name)), "duplicate": True}

    async def _queued_elsewhere(self, name: str, key: str) -> Send:
        """The text another replica is queueing under ``key`` right now, once it has recorded it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLAIM_WAIT_S
        while (known := self._sent_before(name, key)) is None:
            if loop.time() >= deadline:
                raise HubError(
                    503,
                    "Another hub replica is taking this text right now; try again in a moment.",
                    retry_after=1,
                )
            await asyncio.sleep(CLAIM_POLL_S)
        return known

    async def resolve_text(self, name: str, request: Request) -> dict[str, Any]:
        self._limiter.take(name)
        decision = parse_body(Decision, await read_json(request))
        send = self._events.send_for(name, request.path_params["key"])
        if send is None:
            raise HubError(404, "No text of yours was sent with that key.")
        try:
            item = self._session.resolve_unknown(send.outbox_id, sent=decision.sent)
        except NothingToDecide as refused:
            raise HubError(409, refused.message) from None
        self._record(name, "resolve_text", sent=decision.sent)
        return {"item": wire.outbox_item(replace(item, sent_by=name))}


def _request(viewer: str, key: str) -> str:
    """What a viewer's text answers, as the outbox keeps it (``Outbox.enqueue``)."""
    return f"{viewer}\n{key}"


def _send_of(viewer: str, key: str, item: OutboxItem) -> Send:
    return Send(viewer, key, item.id, digits(item.customer_phone_number), item.created_at.timestamp())
