"""One HTTP exchange with CallRail: budget first, an overall deadline, retries where they are safe.

httpx timeouts are per operation, so the deadline is enforced around the attempts and the pauses between
them (not around waits for the budget). Reads are retried on connection failures and 5xx; a PUT only when
the connection never opened; a POST never.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from .budget import Bucket
from .clock import Clock
from .coerce import to_int
from .error_mapping import connect_failed, no_answer, status_error, transport_error
from .errors import MalformedResponse
from .sends import Send

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO; keep the app's log quiet.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

BACKOFF = 0.25


class Budget(Protocol):
    """What the transport needs of ``tui.callrail.budget.RateBudget``."""

    async def acquire(self, bucket: str, *, background: bool = False) -> None: ...

    def on_response(self, bucket: str, status: int, headers: Mapping[str, str]) -> None: ...


@dataclass(frozen=True)
class Reply:
    data: Any  # the decoded JSON body; None for an empty body (204)
    headers: httpx.Headers
    url: httpx.URL  # of the request, for resolving relative links


class Transport:
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        transport: httpx.AsyncBaseTransport | None,
        budget: Budget | None,
        clock: Clock,
        deadline: float,
        connect_timeout: float,
        retries: int,
        background_deadline: float | None = None,
    ) -> None:
        self._api_key = api_key.strip()
        self._budget = budget
        self._clock = clock
        self._deadline = deadline
        self._background_deadline = min(deadline, background_deadline or deadline)
        self._retries = retries
        self._base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.rate_limit_headers: dict[str, int] = {}
        self._transport = transport
        self._timeouts = (deadline, min(connect_timeout, deadline))
        # made at the first request: importing httpx and building the client (it loads the
        # certificates) take tens of ms each, which would otherwise hold up the app's first frame
        self._http: httpx.AsyncClient | None = None
        self._closed = False

    @cached_property
    def base_url(self) -> httpx.URL:
        import httpx

        return httpx.URL(self._base_url)

    @property
    def masked_key(self) -> str:
        key = self._api_key
        return f"…{key[-4:]}" if len(key) >= 16 else "***"

    @property
    def is_closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        self._closed = True
        if self._http is not None:
            await self._http.aclose()

    def _client(self) -> httpx.AsyncClient:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        if self._http is None:
            import httpx

            deadline, connect = self._timeouts
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                transport=self._transport,
                timeout=httpx.Timeout(deadline, connect=connect),
                headers={"Authorization": f'Token token="{self._api_key}"', "Accept": "application/json"},
            )
        return self._http

    def owns(self, url: str) -> bool:
        """Whether ``url`` is on our server, the only one that may see the API key."""
        target = self.base_url.join(url)
        return (target.scheme, target.host, target.port) == (
            self.base_url.scheme,
            self.base_url.host,
            self.base_url.port,
        )

    def follow(self, url: str) -> httpx.URL:
        """A link from the server, used verbatim, but only on our own server."""
        if not self.owns(url):
            host = self.base_url.join(url).host
            raise MalformedResponse(f"CallRail's next page link points to another server ({host}).")
        return self.base_url.join(url)

    async def request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        background: bool = False,
        send: Send | None = None,
    ) -> Reply:
        import httpx  # loaded by now (``_client``); bound here for the except clauses

        bucket = send.bucket if send else Bucket.GENERAL
        loop = asyncio.get_running_loop()
        limit = self._background_deadline if background else self._deadline
        remaining = limit
        attempt = 0
        while True:
            if self._budget is not None:
                await self._budget.acquire(bucket, background=background)
            started = loop.time()
            try:
                async with asyncio.timeout(remaining):
                    response = await self._client().request(method, url, params=params, json=json)
            except TimeoutError:
                raise no_answer(limit, send) from None
            except (httpx.TransportError, OSError) as exc:
                never_connected = connect_failed(exc)
                failure = transport_error(
                    exc,
                    lost_send=None if never_connected else send,
                    host=str(self.base_url.host),
                    reason=self._scrub(str(exc)) or type(exc).__name__,
                )
                retryable = method == "GET" or (method == "PUT" and never_connected)
            except httpx.DecodingError:
                raise MalformedResponse("CallRail's answer could not be decoded; try again later.") from None
            else:
                self._note_response(bucket, response)
                if response.status_code < 500 or method != "GET":
                    return Reply(self._decode(response, send), response.headers, response.request.url)
                failure = self._status_error(response, send)
                retryable = True
            remaining -= loop.time() - started
            delay = BACKOFF * 2**attempt
            if not retryable or attempt >= self._retries or delay >= remaining:
                raise failure
            await self._clock.sleep(delay)
            remaining -= delay
            attempt += 1

    def _note_response(self, bucket: Bucket, response: httpx.Response) -> None:
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

    def _decode(self, response: httpx.Response, send: Send | None) -> Any:
        status = response.status_code
        if status >= 300:
            raise self._status_error(response, send)
        if status == 204 or not response.content:
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            kind = response.headers.get("content-type", "unknown type")
            raise MalformedResponse(
                f"CallRail answered {status} with something that is not JSON ({kind}); try again later."
            ) from None

    def _status_error(self, response: httpx.Response, send: Send | None) -> Exception:
        return status_error(response, send=send, now=self._clock.now(), scrub=self._scrub)

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text
