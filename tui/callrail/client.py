"""Async client for the CallRail REST API v3.

One ``httpx.AsyncClient`` per ``CallRailClient``. Every request asks the rate budget first, has an
overall deadline (httpx timeouts are per operation), and fails with a ``CallRailError`` whose message
a user can act on. Reads are retried on connection failures and 5xx; sending a text never is.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from .clock import Clock, SystemClock
from .coerce import to_int
from .errors import (
    AuthError,
    CallRailError,
    InvalidRequest,
    MalformedResponse,
    NetworkError,
    NotFound,
    OptedOut,
    PermissionDenied,
    RateLimited,
    SendOutcomeUnknown,
    ServerError,
    TextingNotEnabled,
)
from .models import Account, Call, Company, Conversation, Page, Tag, Tracker, User
from .params import UNSET, body, date_filters, join_fields, query

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO; keep the app's log quiet.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

DEFAULT_BASE_URL = "https://api.callrail.com/v3/"
TEXT_MAX_CHARS = 140
PAGE_MAX = 250
_BACKOFF = 0.25

LIST_CALL_FIELDS = (
    "call_type",
    "formatted_call_type",
    "company_id",
    "company_name",
    "company_time_zone",
    "created_at",
    "source",
    "source_name",
    "medium",
    "campaign",
    "tracker_id",
    "first_call",
    "prior_calls",
    "total_calls",
    "lead_status",
    "tags",
    "note",
    "value",
    "formatted_customer_location",
    "formatted_tracking_source",
    "formatted_customer_name",
    "formatted_customer_name_or_phone_number",
    "formatted_customer_phone_number",
    "formatted_duration",
    "formatted_value",
    "agent_email",
    # Short post-call indicators: with ``recording`` and ``recording_duration`` (default fields) they show
    # in the list poll when a call's post-call data has arrived, so no call needs a read of its own for
    # that. The bulky transcript stays in DETAIL_CALL_FIELDS, read when the call is opened.
    "call_summary",
    "sentiment",
)
DETAIL_CALL_FIELDS = (
    *LIST_CALL_FIELDS,
    "transcription",
    "conversational_transcript",
    "call_summary",
    "sentiment",
    "keywords_spotted",
    "call_highlights",
    "landing_page_url",
    "referring_url",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "speaker_percent",
    "milestones",
)

_OPTED_OUT = re.compile(r"(?i:opted[ -]?out|unsubscribed|\bblocked\b|do not contact)|\bSTOP\b")
_TEXTING = re.compile(r"texting|text messag|\bsms\b|\bmms\b|10dlc|\ba2p\b", re.IGNORECASE)
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

M = TypeVar("M", bound=BaseModel)


class Budget(Protocol):
    """What the client needs of ``tui.callrail.budget.RateBudget``."""

    async def acquire(self, bucket: str, *, background: bool = False) -> None: ...

    def on_response(self, bucket: str, status: int, headers: Mapping[str, str]) -> None: ...


def _path(*parts: str) -> str:
    """A path under the base URL; ids are quoted so a strange id cannot escape its segment."""
    return "/".join(quote(str(part), safe="") for part in parts) + ".json"


class CallRailClient:
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: Budget | None = None,
        clock: Clock | None = None,
        deadline: float = 30.0,
        connect_timeout: float = 10.0,
        retries: int = 2,
    ) -> None:
        self._api_key = api_key.strip()
        self._budget = budget
        self._clock = clock or SystemClock()
        self._deadline = deadline
        self._retries = retries
        self.base_url = httpx.URL(base_url if base_url.endswith("/") else base_url + "/")
        self.rate_limit_headers: dict[str, int] = {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(deadline, connect=min(connect_timeout, deadline)),
            headers={
                "Authorization": f'Token token="{self._api_key}"',
                "Accept": "application/json",
            },
        )

    def __repr__(self) -> str:
        key = self._api_key
        masked = f"…{key[-4:]}" if len(key) >= 16 else "***"
        return f"CallRailClient(base_url={str(self.base_url)!r}, api_key={masked!r})"

    async def __aenter__(self) -> CallRailClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # accounts and companies

    async def list_accounts(self, *, background: bool = False) -> list[Account]:
        return await self._collect("a.json", "accounts", Account, {}, background)

    async def get_account(self, account_id: str, *, background: bool = False) -> Account:
        data = await self._request("GET", _path("a", account_id), background=background)
        return self._one(Account, data)

    async def list_companies(
        self, account_id: str, status: str | None = None, *, background: bool = False
    ) -> list[Company]:
        params = query(status=status)
        return await self._collect(
            _path("a", account_id, "companies"), "companies", Company, params, background
        )

    async def get_company(self, account_id: str, company_id: str, *, background: bool = False) -> Company:
        data = await self._request(
            "GET", _path("a", account_id, "companies", company_id), background=background
        )
        return self._one(Company, data)

    # calls

    async def list_calls(
        self,
        account_id: str,
        *,
        page: int = 1,
        per_page: int = 100,
        fields: str | Iterable[str] | None = LIST_CALL_FIELDS,
        company_id: str | None = None,
        tracker_id: str | None = None,
        date_range: str | None = None,
        start_date: str | date | datetime | None = None,
        end_date: str | date | datetime | None = None,
        time_zone: str | None = None,
        direction: str | None = None,
        answer_status: str | None = None,
        lead_status: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        relative: bool = False,
        offset: int | None = None,
        background: bool = False,
    ) -> Page[Call]:
        """One page of calls. ``relative=True`` uses relative pagination (``offset``, ``next_page``)."""
        params = query(
            per_page=per_page,
            fields=join_fields(fields),
            company_id=company_id,
            tracker_id=tracker_id,
            direction=direction,
            answer_status=answer_status,
            lead_status=lead_status,
            search=search,
            sort=sort,
            order=order,
            **date_filters(
                date_range=date_range, start_date=start_date, end_date=end_date, time_zone=time_zone
            ),
        )
        if relative:
            params |= query(relative_pagination=True, offset=offset)
        else:
            params |= query(page=page)
        data = await self._request(
            "GET", _path("a", account_id, "calls"), params=params, background=background
        )
        return self._page(data, "calls", Call)

    async def iter_calls(
        self,
        account_id: str,
        *,
        relative: bool = True,
        per_page: int = PAGE_MAX,
        max_pages: int | None = None,
        background: bool = False,
        **filters: Any,
    ) -> AsyncIterator[Call]:
        """Every call matching ``filters`` (the keyword arguments of ``list_calls``), page by page."""
        if not relative:
            fetch = partial(self.list_calls, account_id, per_page=per_page, background=background, **filters)
            async for call in self._walk_offset(fetch, max_pages):
                yield call
            return
        result = await self.list_calls(
            account_id, relative=True, per_page=per_page, background=background, **filters
        )
        pages = 1
        while True:
            for call in result.items:
                yield call
            if result.has_next_page is False or not (result.next_page and result.items):
                return
            if max_pages is not None and pages >= max_pages:
                return
            data = await self._request("GET", self._follow(result.next_page), background=background)
            result = self._page(data, "calls", Call)
            pages += 1

    async def get_call(
        self,
        account_id: str,
        call_id: str,
        fields: str | Iterable[str] | None = DETAIL_CALL_FIELDS,
        *,
        background: bool = False,
    ) -> Call:
        data = await self._request(
            "GET",
            _path("a", account_id, "calls", call_id),
            params=query(fields=join_fields(fields)),
            background=background,
        )
        return self._one(Call, data)

    async def update_call(
        self,
        account_id: str,
        call_id: str,
        *,
        tags: list[str] | None = UNSET,
        append_tags: bool | None = UNSET,
        note: str | None = UNSET,
        lead_status: str | None = UNSET,
        value: str | None = UNSET,
        customer_name: str | None = UNSET,
        spam: bool | None = UNSET,
        background: bool = False,
    ) -> Call:
        """PUT semantics: arguments not given are left unchanged; ``None`` clears the field."""
        changes = body(
            tags=tags,
            append_tags=append_tags,
            note=note,
            lead_status=lead_status,
            value=value,
            customer_name=customer_name,
            spam=spam,
        )
        if not changes:
            raise InvalidRequest("Nothing to update: give at least one field to change.")
        data = await self._request(
            "PUT", _path("a", account_id, "calls", call_id), json=changes, background=background
        )
        return self._one(Call, data)

    # text conversations

    async def list_conversations(
        self,
        account_id: str,
        *,
        page: int = 1,
        per_page: int = 100,
        company_id: str | None = None,
        date_range: str | None = None,
        start_date: str | date | datetime | None = None,
        end_date: str | date | datetime | None = None,
        time_zone: str | None = None,
        search: str | None = None,
        fields: str | Iterable[str] | None = None,
        background: bool = False,
    ) -> Page[Conversation]:
        params = query(
            page=page,
            per_page=per_page,
            company_id=company_id,
            search=search,
            fields=join_fields(fields),
            **date_filters(
                date_range=date_range, start_date=start_date, end_date=end_date, time_zone=time_zone
            ),
        )
        data = await self._request(
            "GET", _path("a", account_id, "text-messages"), params=params, background=background
        )
        return self._page(data, "conversations", Conversation)

    async def iter_conversations(
        self,
        account_id: str,
        *,
        per_page: int = PAGE_MAX,
        max_pages: int | None = None,
        background: bool = False,
        **filters: Any,
    ) -> AsyncIterator[Conversation]:
        fetch = partial(
            self.list_conversations, account_id, per_page=per_page, background=background, **filters
        )
        async for conversation in self._walk_offset(fetch, max_pages):
            yield conversation

    async def get_conversation(
        self,
        account_id: str,
        conversation_id: str,
        page: int = 1,
        per_page: int = 100,
        *,
        background: bool = False,
    ) -> Conversation:
        """The conversation with one page of its ``messages``, newest first."""
        data = await self._request(
            "GET",
            _path("a", account_id, "text-messages", conversation_id),
            params=query(page=page, per_page=per_page),
            background=background,
        )
        return self._one(Conversation, data)

    async def send_text(
        self,
        account_id: str,
        *,
        company_id: str,
        customer_phone_number: str,
        content: str,
        tracking_number: str | None = None,
        background: bool = False,
    ) -> Conversation:
        """Send one SMS. Never retried: on ``SendOutcomeUnknown`` the text may or may not have gone out."""
        if not content or not content.strip():
            raise InvalidRequest("The message is empty.")
        if len(content) > TEXT_MAX_CHARS:
            raise InvalidRequest(
                f"The message is {len(content)} characters; CallRail accepts at most {TEXT_MAX_CHARS}."
            )
        if not company_id or not customer_phone_number:
            raise InvalidRequest("A text needs a company and the customer's phone number.")
        payload = {
            "company_id": company_id,
            "customer_phone_number": customer_phone_number,
            "content": content,
        }
        if tracking_number:
            payload["tracking_number"] = tracking_number
        try:
            data = await self._request(
                "POST",
                _path("a", account_id, "text-messages"),
                json=payload,
                background=background,
                is_send=True,
            )
            return self._one(Conversation, data)
        except MalformedResponse as exc:
            # A 2xx came back, so the text probably went out: failing it would invite a duplicate.
            raise SendOutcomeUnknown(
                f"CallRail accepted the text but its answer could not be read ({exc.message}). "
                "Check the conversation before sending again."
            ) from None

    # trackers, users, tags

    async def list_trackers(
        self, account_id: str, company_id: str | None = None, *, background: bool = False
    ) -> list[Tracker]:
        params = query(company_id=company_id)
        return await self._collect(
            _path("a", account_id, "trackers"), "trackers", Tracker, params, background
        )

    async def list_users(
        self, account_id: str, company_id: str | None = None, *, background: bool = False
    ) -> list[User]:
        params = query(company_id=company_id)
        return await self._collect(_path("a", account_id, "users"), "users", User, params, background)

    async def list_tags(
        self, account_id: str, company_id: str | None = None, *, background: bool = False
    ) -> list[Tag]:
        params = query(company_id=company_id)
        return await self._collect(_path("a", account_id, "tags"), "tags", Tag, params, background)

    # pagination

    @staticmethod
    async def _walk_offset(
        fetch: Callable[..., Awaitable[Page[M]]], max_pages: int | None
    ) -> AsyncIterator[M]:
        page = 1
        while True:
            result = await fetch(page=page)
            for item in result.items:
                yield item
            last = result.total_pages if result.total_pages is not None else page
            if not result.items or page >= last or (max_pages is not None and page >= max_pages):
                return
            page += 1

    async def _collect(
        self, path: str, key: str, model: type[M], params: dict[str, str], background: bool
    ) -> list[M]:
        """Every record of a small collection (companies, trackers, ...), walking all pages."""

        async def fetch(page: int) -> Page[M]:
            data = await self._request(
                "GET", path, params=params | query(page=page, per_page=PAGE_MAX), background=background
            )
            return self._page(data, key, model)

        return [item async for item in self._walk_offset(fetch, None)]

    def _follow(self, next_page: str) -> httpx.URL:
        """``next_page`` is used verbatim, but only on our own server: it gets the API key."""
        url = self.base_url.join(next_page)
        if (url.scheme, url.host, url.port) != (self.base_url.scheme, self.base_url.host, self.base_url.port):
            raise MalformedResponse(f"CallRail's next page link points to another server ({url.host}).")
        return url

    # parsing

    @staticmethod
    def _page(data: Any, key: str, model: type[M]) -> Page[M]:
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            raise MalformedResponse(f"CallRail's answer has no list of {key}.")
        items: list[M] = []
        rejected: list[str] = []
        for index, record in enumerate(data[key]):
            if not isinstance(record, dict):
                rejected.append(f"{key}[{index}]: not an object ({type(record).__name__})")
                continue
            try:
                items.append(model.model_validate(record))
            except ValidationError as exc:
                reason = exc.errors()[0]
                where = ".".join(str(part) for part in reason["loc"]) or "record"
                rejected.append(f"{key}[{index}]: {where}: {reason['msg']}")
        if rejected:
            log.warning("skipped %d unreadable %s: %s", len(rejected), key, "; ".join(rejected))
        next_page = data.get("next_page")
        has_next_page = data.get("has_next_page")
        return Page(
            items=items,
            page=to_int(data.get("page")),
            per_page=to_int(data.get("per_page")),
            total_pages=to_int(data.get("total_pages")),
            total_records=to_int(data.get("total_records")),
            next_page=next_page if isinstance(next_page, str) else None,
            has_next_page=has_next_page if isinstance(has_next_page, bool) else None,
            rejected=rejected,
        )

    @staticmethod
    def _one(model: type[M], data: Any) -> M:
        if not isinstance(data, dict):
            raise MalformedResponse(f"CallRail's answer is not a {model.__name__.lower()} object.")
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise MalformedResponse(
                f"CallRail's {model.__name__.lower()} could not be read: {exc.errors()[0]['msg']}"
            ) from None

    # transport

    async def _request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        background: bool = False,
        is_send: bool = False,
    ) -> Any:
        bucket = _bucket(method, url, is_send)
        loop = asyncio.get_running_loop()
        # The deadline covers the attempts and the pauses between them, not waits for the budget.
        remaining = self._deadline
        attempt = 0
        while True:
            if self._budget is not None:
                await self._budget.acquire(bucket, background=background)
            started = loop.time()
            try:
                async with asyncio.timeout(remaining):
                    response = await self._http.request(method, url, params=params, json=json)
            except TimeoutError:
                raise (SendOutcomeUnknown if is_send else NetworkError)(self._no_answer(is_send)) from None
            except (httpx.TransportError, OSError) as exc:
                connect_failed = isinstance(exc, _CONNECT_ERRORS)
                failure = self._transport_error(exc, is_send and not connect_failed)
                retryable = method == "GET" or (method == "PUT" and connect_failed)
            except httpx.DecodingError:
                raise MalformedResponse("CallRail's answer could not be decoded; try again later.") from None
            else:
                self._note_response(bucket, response)
                if response.status_code < 500 or method != "GET":
                    return self._decode(response, is_send)
                failure = self._status_error(response, is_send)
                retryable = True
            remaining -= loop.time() - started
            delay = _BACKOFF * 2**attempt
            if not retryable or attempt >= self._retries or delay >= remaining:
                raise failure
            await self._clock.sleep(delay)
            remaining -= delay
            attempt += 1

    def _note_response(self, bucket: str, response: httpx.Response) -> None:
        log.debug("%s %s -> %s", response.request.method, response.request.url.path, response.status_code)
        limits = {
            name.lower(): number
            for name, value in response.headers.items()
            if name.lower().startswith("x-rate-limit-") and (number := to_int(value)) is not None
        }
        if limits:
            self.rate_limit_headers = limits
        if self._budget is not None:
            self._budget.on_response(bucket, response.status_code, response.headers)

    def _decode(self, response: httpx.Response, is_send: bool) -> Any:
        status = response.status_code
        if status < 300:
            if status == 204 or not response.content:
                return None
            try:
                return json.loads(response.content)
            except ValueError:
                kind = response.headers.get("content-type", "unknown type")
                raise MalformedResponse(
                    f"CallRail answered {status} with something that is not JSON ({kind}); try again later."
                ) from None
        raise self._status_error(response, is_send)

    def _status_error(self, response: httpx.Response, is_send: bool) -> CallRailError:
        status = response.status_code
        detail = self._scrub(_server_message(response))
        said = f": {detail.rstrip('.')}." if detail else "."
        if status == 401:
            return AuthError(
                "The API key was rejected (401). Check the key in the settings; a new one can be made in "
                "CallRail under your profile → API Keys."
            )
        if is_send and 400 <= status < 500 and status != 429 and _OPTED_OUT.search(detail):
            return OptedOut(
                f"This number has opted out of texts and cannot be texted ({status}){said}", status=status
            )
        if status == 403:
            if is_send or _TEXTING.search(detail):
                return TextingNotEnabled(
                    f"Texting is not enabled for this CallRail account (403){said} "
                    "It needs CallRail's texting (10DLC) registration."
                )
            return PermissionDenied(f"This API key is not allowed to do that (403){said}")
        if status == 404:
            return NotFound(f"Not found (404){said} It may have been deleted or marked as spam.")
        if status in (400, 405, 406, 422):
            return InvalidRequest(f"CallRail refused the request ({status}){said}", status=status)
        if status == 429:
            return RateLimited(
                "CallRail's rate limit for this account was reached (429); requests resume after a pause.",
                retry_after=_retry_after(response.headers.get("retry-after"), self._clock.now()),
            )
        if status >= 500:
            advice = "check the conversation before sending again" if is_send else "try again in a moment"
            return ServerError(f"CallRail had a server error ({status}); {advice}.", status=status)
        return CallRailError(f"CallRail answered {status}{said}", status=status)

    def _transport_error(self, exc: Exception, outcome_unknown: bool) -> CallRailError:
        reason = self._scrub(str(exc)) or type(exc).__name__
        if outcome_unknown:
            return SendOutcomeUnknown(
                f"The connection failed while sending the text ({reason}); it may or may not have gone out. "
                "Check the conversation before sending again."
            )
        if isinstance(exc, _CONNECT_ERRORS):
            return NetworkError(
                f"Could not connect to CallRail at {self.base_url.host} ({reason}). Check the network."
            )
        if isinstance(exc, httpx.TimeoutException):
            return NetworkError(f"CallRail stopped answering ({type(exc).__name__}); try again later.")
        return NetworkError(f"The connection to CallRail failed ({reason}); try again later.")

    def _no_answer(self, is_send: bool) -> str:
        if is_send:
            return (
                f"CallRail did not confirm the text within {self._deadline:g} s; it may or may not have gone "
                "out. Check the conversation before sending again."
            )
        return f"CallRail did not answer within {self._deadline:g} s; try again later."

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text


def _bucket(method: str, url: str | httpx.URL, is_send: bool) -> str:
    """The rate-limit bucket (``tui.callrail.budget.Bucket`` values) a request counts against."""
    if is_send:
        return "sms"
    if method == "POST" and str(url).endswith("calls.json"):
        return "outbound"
    return "general"


def _flatten(value: Any) -> str:
    """A readable line from an ``error``/``errors`` value: a string, a list, or Rails' field → messages."""
    if isinstance(value, dict):
        return "; ".join(f"{name} {_flatten(messages)}" for name, messages in value.items())
    if isinstance(value, list):
        return "; ".join(_flatten(item) for item in value)
    return str(value)


def _server_message(response: httpx.Response, limit: int = 300) -> str:
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    text = ""
    if isinstance(data, dict):
        text = next((_flatten(data[key]) for key in ("error", "errors", "message") if data.get(key)), "")
    if not text:
        text = response.text
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
