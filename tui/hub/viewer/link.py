"""``HubLink``: a viewer's way to the hub, for its actions (the session's ``Actions``: open a call,
update it, call back, read a conversation) and its texts, over HTTP with the viewer's token.

Failures come back as the API layer's errors (``tui.callrail.errors``), so the screens show them as
they show CallRail's: the hub's own words, and what to do.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from tui.callrail.errors import (
    AuthError,
    CallRailError,
    InvalidRequest,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
)
from tui.callrail.models import Call, Company, Conversation
from tui.hub import wire

DEADLINE_S = 30.0


def normalize_hub_url(url: str) -> str:
    """``hub.example.net`` or ``https://hub.example.net/`` as ``https://hub.example.net``."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the hub's address is an http(s) URL, like https://hub.example.net")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


class HubError(CallRailError):
    """The hub answered an action with an error the viewer must see (a 409 asks for confirmation)."""


class HubLink:
    def __init__(self, url: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = normalize_hub_url(url)
        self._token = token
        self._http = httpx.AsyncClient(
            base_url=self.url, headers=self.headers, timeout=DEADLINE_S, transport=transport
        )

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def ws_url(self) -> str:
        return self.url.replace("https://", "wss://", 1).replace("http://", "ws://", 1) + "/ws"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None, **params) -> Any:
        """The hub's JSON answer; a ``CallRailError`` when the action failed."""
        try:
            answer = await self._http.request(method, path, json=body, params=params or None)
        except httpx.HTTPError as error:
            raise NetworkError(
                f"The hub at {self.host} cannot be reached ({type(error).__name__})."
            ) from None
        try:
            data = answer.json()
        except ValueError:
            data = {}
        if answer.is_success:
            return data
        message = str(data.get("error") or f"The hub answered {answer.status_code}.")
        if answer.status_code == 401:
            raise AuthError("The hub refused this viewer's token (wrong or revoked).", status=401)
        if answer.status_code == 404:
            raise NotFound(message, status=404)
        if answer.status_code == 409:
            raise HubError(message, status=409)
        if answer.status_code == 429:
            raise RateLimited(message, retry_after=float(answer.headers.get("retry-after") or 0) or None)
        if answer.status_code < 500:
            raise InvalidRequest(message, status=answer.status_code)
        raise ServerError(message, status=answer.status_code)

    # -- the session's actions ------------------------------------------------------------------------

    async def open_call(self, call_id: str) -> Call:
        return wire.calls([(await self.request("POST", f"/api/calls/{call_id}/open"))["call"]])[0]

    async def update_call(self, call_id: str, **changes) -> None:
        await self.request("POST", f"/api/calls/{call_id}", changes)

    async def call_back(self, *, customer_phone_number: str, tracking_number: str, my_phone: str) -> Call:
        body = {
            "customer_phone_number": customer_phone_number,
            "tracking_number": tracking_number,
            "my_phone": my_phone,
        }
        return wire.calls([(await self.request("POST", "/api/call-back", body))["call"]])[0]

    async def get_conversation(
        self, conversation_id: str, *, page: int = 1, per_page: int = 100
    ) -> Conversation:
        answer = await self.request(
            "GET", f"/api/conversations/{conversation_id}", page=page, per_page=per_page
        )
        return wire.conversations([answer["conversation"]])[0]

    async def account(self) -> tuple[list[Company], str]:
        answer = await self.request("GET", "/api/me")
        return wire.companies(answer.get("companies", [])), str(answer.get("account_name") or "")

    async def aclose(self) -> None:
        await self._http.aclose()
