"""The webhook receiver: a Starlette app that takes CallRail's POSTs and keeps each good one before it
answers.

URLs are per company: ``{prefix}/{company_id}/{event}`` (or ``{prefix}/{company_id}``, the event then
read from the body). The company in the path picks the signing key, so the raw bytes are verified before
anything parses them, with one HMAC per request whatever the number of companies; the body must then
name the same company. One URL for every company (``{prefix}``, as the simulator's ``--webhook-url``
posts) works too: the body is checked against each known key, so it costs one HMAC per company, and a
key is never re-read for it (which company to ask for is not known before the body is trusted).

Every answer to a bad request is a 4xx, counted in ``stats`` and logged with secrets masked; the body of
a request is never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tui.callrail.clock import Clock
from tui.callrail.coerce import parse_datetime
from tui.live.webhooks.events import EVENTS
from tui.live.webhooks.group_commit import GroupCommit
from tui.live.webhooks.inbox import Inbox
from tui.live.webhooks.keys import SigningKeys
from tui.live.webhooks.signature import fresh, masked, verified
from tui.live.webhooks.stats import Outcome, ReceiverStats

log = logging.getLogger(__name__)

MAX_BODY = 512 * 1024  # a Post-Call with a long transcript is tens of kilobytes
# A key fetched while CallRail waits for our answer must not outlast its patience (its timeout is
# undocumented; the simulator's is 10 s).
RELOAD_TIMEOUT = 5.0
PREFIX = "/webhooks"
_COMPANY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class _Rejected(Exception):
    def __init__(self, outcome: Outcome, detail: str = "") -> None:
        super().__init__(outcome.value)
        self.outcome = outcome
        self.detail = detail


class WebhookReceiver:
    """``on_delivery`` is called (in the event loop) after each new delivery is committed."""

    def __init__(
        self,
        inbox: Inbox,
        keys: SigningKeys,
        clock: Clock,
        on_delivery: Callable[[], None] = lambda: None,
        *,
        prefix: str = PREFIX,
        max_body: int = MAX_BODY,
    ) -> None:
        self.inbox = inbox
        self._keeper = GroupCommit(inbox)
        self.keys = keys
        self.stats = ReceiverStats()
        self._clock = clock
        self._on_delivery = on_delivery
        self._max_body = max_body
        prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.app = Starlette(
            routes=[
                Route(prefix + "/{company_id}/{event}", self._receive, methods=_ALL_METHODS),
                Route(prefix + "/{company_id}", self._receive, methods=_ALL_METHODS),
                Route(prefix or "/", self._receive, methods=_ALL_METHODS),
                Route("/{path:path}", self._not_found, methods=_ALL_METHODS),
            ]
        )

    async def _not_found(self, request: Request) -> Response:
        return self._answer(Outcome.NOT_FOUND, "", request)

    async def _receive(self, request: Request) -> Response:
        company_id = request.path_params.get("company_id")
        try:
            outcome = await self._take(request, company_id, request.path_params.get("event", ""))
        except _Rejected as rejected:
            return self._answer(rejected.outcome, company_id, request, rejected.detail)
        except Exception:
            # a bug must not answer 500 with a trace; the delivery is refused and the bug logged
            log.exception("a webhook could not be handled")
            return self._answer(Outcome.MALFORMED, company_id, request, "unexpected")
        return self._answer(outcome, company_id, request)

    async def _take(self, request: Request, company_id: str | None, event: str) -> Outcome:
        if event and event not in EVENTS:
            raise _Rejected(Outcome.UNKNOWN_EVENT)
        if request.method != "POST":
            raise _Rejected(Outcome.METHOD)
        if not _is_json(request.headers.get("content-type")):
            raise _Rejected(Outcome.MEDIA_TYPE)
        body = await self._body(request)
        header = request.headers.get("signature")
        if company_id is None:
            company_id = self._signer(body, header)
        elif _COMPANY_ID.fullmatch(company_id):
            await self._verify(company_id, body, header)
        else:
            raise _Rejected(Outcome.UNKNOWN_COMPANY)
        payload = _parse(body)
        named = payload.get("company_resource_id") or payload.get("company_id")
        if named not in (None, "", company_id):
            raise _Rejected(Outcome.MALFORMED, "another company's")
        now = self._clock.now()
        if not fresh(parse_datetime(payload.get("timestamp")), now):
            raise _Rejected(Outcome.STALE)
        try:
            added = await self._keeper.add(company_id, event, body, now)
        except (sqlite3.Error, OSError) as error:  # OSError: the hub replicas' Redis is unreachable
            log.error("a webhook could not be kept: %s", error)
            raise _Rejected(Outcome.UNAVAILABLE) from None
        if not added:
            return Outcome.DUPLICATE
        self._on_delivery()
        return Outcome.ACCEPTED

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self._max_body):
            raise _Rejected(Outcome.TOO_LARGE if declared.isdigit() else Outcome.MALFORMED)
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self._max_body:
                    raise _Rejected(Outcome.TOO_LARGE)
                chunks.append(chunk)
        except ClientDisconnect:
            raise _Rejected(Outcome.MALFORMED, "the sender went away") from None
        return b"".join(chunks)

    async def _verify(self, company_id: str, body: bytes, header: str | None) -> None:
        key = self.keys.get(company_id)
        if key is not None and verified(key, body, header):
            return
        # CallRail may have a new key for the company (or we never had one): ask again, rarely; the key
        # may also have come meanwhile, by another request's read
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(RELOAD_TIMEOUT):
                await self.keys.reload(company_id)
        key = self.keys.get(company_id)
        if key is not None and verified(key, body, header):
            return
        outcome = Outcome.UNKNOWN_COMPANY if key is None else Outcome.BAD_SIGNATURE
        raise _Rejected(outcome, f"signature {masked(header)}")

    def _signer(self, body: bytes, header: str | None) -> str:
        """The company whose key signed ``body`` (the shared URL)."""
        keys = self.keys.known()
        for company_id, key in keys.items():
            if verified(key, body, header):
                return company_id
        outcome = Outcome.BAD_SIGNATURE if keys else Outcome.UNKNOWN_COMPANY
        raise _Rejected(outcome, f"signature {masked(header)}")

    def _answer(
        self, outcome: Outcome, company_id: str | None, request: Request, detail: str = ""
    ) -> Response:
        self.stats.count(outcome, self._clock.now())
        if outcome.status >= 400:
            if company_id is None:
                shown = "the shared URL"
            else:
                shown = company_id if _COMPANY_ID.fullmatch(company_id) else "(not an id)"
            client = request.client.host if request.client else "?"
            log.warning(
                "webhook refused (%s, %d) from %s for %s%s",
                outcome.value,
                outcome.status,
                client,
                shown,
                f": {detail}" if detail else "",
            )
        return PlainTextResponse(outcome.value, status_code=outcome.status)


def webhook_url(base_url: str, company_id: str, event: str, prefix: str = PREFIX) -> str:
    """The URL to configure for a company's event, ``base_url`` being where the receiver is reachable."""
    return f"{company_prefix(base_url, company_id, prefix)}{event}"


def company_prefix(base_url: str, company_id: str, prefix: str = PREFIX) -> str:
    """What all of a company's URLs start with: how ours are told from other consumers' URLs."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    return f"{base_url.rstrip('/')}{prefix}/{company_id}/"


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def _parse(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise _Rejected(Outcome.MALFORMED, "not JSON") from None
    if not isinstance(payload, dict):
        raise _Rejected(Outcome.MALFORMED, "not an object")
    return payload
