"""Async client for the CallRail REST API v3.

``CallRailClient`` combines the endpoint groups of ``endpoints/`` over one ``Transport`` (one
``httpx.AsyncClient``): every request asks the rate budget first, has an overall deadline, and fails with
a ``CallRailError`` whose message a user can act on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .clock import Clock, SystemClock
from .endpoints.accounts import AccountEndpoints
from .endpoints.calls import CallEndpoints
from .endpoints.forms import FormEndpoints
from .endpoints.integrations import IntegrationEndpoints
from .endpoints.texts import TEXT_MAX_CHARS, TextEndpoints
from .fields import DETAIL_CALL_FIELDS, LIST_CALL_FIELDS
from .paging import PAGE_MAX
from .transport import Budget, Transport

if TYPE_CHECKING:  # the transport imports httpx with the first request
    import httpx

__all__ = [
    "DEFAULT_BASE_URL",
    "DETAIL_CALL_FIELDS",
    "LIST_CALL_FIELDS",
    "PAGE_MAX",
    "TEXT_MAX_CHARS",
    "CallRailClient",
]

DEFAULT_BASE_URL = "https://api.callrail.com/v3/"


class CallRailClient(AccountEndpoints, CallEndpoints, TextEndpoints, IntegrationEndpoints, FormEndpoints):
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: Budget | None = None,
        clock: Clock | None = None,
        deadline: float = 30.0,
        background_deadline: float = 12.0,
        connect_timeout: float = 10.0,
        retries: int = 2,
    ) -> None:
        """``deadline``: the most a request (with its retries) may take; a poll's (``background=True``)
        gives up after ``background_deadline``, so an outage shows within seconds, not half a minute."""
        self._transport = Transport(
            api_key,
            base_url=base_url,
            transport=transport,
            budget=budget,
            clock=clock or SystemClock(),
            deadline=deadline,
            background_deadline=background_deadline,
            connect_timeout=connect_timeout,
            retries=retries,
        )

    @property
    def base_url(self) -> httpx.URL:
        return self._transport.base_url

    @property
    def rate_limit_headers(self) -> dict[str, int]:
        """The latest ``x-rate-limit-*`` response headers, as numbers."""
        return self._transport.rate_limit_headers

    def __repr__(self) -> str:
        return f"CallRailClient(base_url={str(self.base_url)!r}, api_key={self._transport.masked_key!r})"

    async def __aenter__(self) -> CallRailClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()
