"""Failed requests as the typed errors of ``errors.py``, with messages a user can act on."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from .errors import (
    AuthError,
    CallRailError,
    InvalidRequest,
    NetworkError,
    NotFound,
    OptedOut,
    PermissionDenied,
    RateLimited,
    SendOutcomeUnknown,
    ServerError,
)
from .sends import TEXT, Send

if TYPE_CHECKING:  # imported with the first request (``transport``), not with the app
    import httpx

_OPTED_OUT = re.compile(r"(?i:opted[ -]?out|unsubscribed|\bblocked\b|do not contact)|\bSTOP\b")
_TEXTING = re.compile(r"texting|text messag|\bsms\b|\bmms\b|10dlc|\ba2p\b", re.IGNORECASE)


def status_error(
    response: httpx.Response, *, send: Send | None, now: datetime, scrub: Callable[[str], str]
) -> CallRailError:
    status = response.status_code
    detail = scrub(server_message(response))
    said = f": {detail.rstrip('.')}." if detail else "."
    if status == 401:
        return AuthError(
            "The API key was rejected (401). Check the key in the settings; a new one can be made in "
            "CallRail under your profile → API Keys."
        )
    refused = 400 <= status < 500 and status != 429
    if send and send.recipient_can_opt_out and refused and _OPTED_OUT.search(detail):
        return OptedOut(
            f"This number has opted out of texts and cannot be texted ({status}){said}", status=status
        )
    if status == 403:
        if send:
            return send.forbidden(send.forbidden_message.format(said=said))
        if _TEXTING.search(detail):
            return TEXT.forbidden(TEXT.forbidden_message.format(said=said))
        return PermissionDenied(f"This API key is not allowed to do that (403){said}")
    if status == 404:
        return NotFound(f"Not found (404){said} It may have been deleted or marked as spam.")
    if status in (400, 405, 406, 422):
        return InvalidRequest(f"CallRail refused the request ({status}){said}", status=status)
    if status == 429:
        return RateLimited(
            "CallRail's rate limit for this account was reached (429); requests resume after a pause.",
            retry_after=retry_after(response.headers.get("retry-after"), now),
        )
    if status >= 500:
        advice = send.check[0].lower() + send.check[1:] if send else "try again in a moment"
        return ServerError(f"CallRail had a server error ({status}); {advice}.", status=status)
    return CallRailError(f"CallRail answered {status}{said}", status=status)


def transport_error(exc: Exception, *, lost_send: Send | None, host: str, reason: str) -> CallRailError:
    """``lost_send``: the send that may have reached the server before the connection failed."""
    if lost_send:
        return SendOutcomeUnknown(
            f"The connection failed while sending the {lost_send.noun} ({reason}); it may or may not have "
            f"{lost_send.done}. {lost_send.check}."
        )
    if connect_failed(exc):
        return NetworkError(f"Could not connect to CallRail at {host} ({reason}). Check the network.")
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(f"CallRail stopped answering ({type(exc).__name__}); try again later.")
    return NetworkError(f"The connection to CallRail failed ({reason}); try again later.")


def connect_failed(exc: Exception) -> bool:
    """The connection never opened: nothing was sent."""
    import httpx

    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def no_answer(deadline: float, send: Send | None) -> CallRailError:
    if send:
        return SendOutcomeUnknown(
            f"CallRail did not confirm the {send.noun} within {deadline:g} s; it may or may not have "
            f"{send.done}. {send.check}."
        )
    return NetworkError(f"CallRail did not answer within {deadline:g} s; try again later.")


def server_message(response: httpx.Response, limit: int = 300) -> str:
    """The server's explanation (its ``error``, ``errors`` or ``message``, else the raw body), one line."""
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


def _flatten(value: Any) -> str:
    """A readable line from an ``error``/``errors`` value: a string, a list, or Rails' field → messages."""
    if isinstance(value, dict):
        return "; ".join(f"{name} {_flatten(messages)}" for name, messages in value.items())
    if isinstance(value, list):
        return "; ".join(_flatten(item) for item in value)
    return str(value)


def retry_after(value: str | None, now: datetime) -> float | None:
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
