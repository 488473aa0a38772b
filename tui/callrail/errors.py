"""Errors a user can act on. Every failure of the API layer is one of these."""

from __future__ import annotations


class CallRailError(Exception):
    """Base class. ``message`` is safe to show the user (it never contains the API key)."""

    status: int | None = None

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class AuthError(CallRailError):
    """401: the key is missing, wrong or revoked. Polling should stop until the user fixes it."""

    status = 401


class PermissionDenied(CallRailError):
    """403: the key is valid but may not do this."""

    status = 403


class TextingNotEnabled(PermissionDenied):
    """403 on send: the account has no texting (A2P/10DLC) permission."""


class OutboundCallsNotEnabled(PermissionDenied):
    """403 on placing a call: the account or key may not make outbound calls."""


class NotFound(CallRailError):
    status = 404


class InvalidRequest(CallRailError):
    """400/406/422: the server rejected the request; ``message`` is the server's explanation."""


class OptedOut(InvalidRequest):
    """The recipient replied STOP (or is blocked): texts to them are refused."""


class RateLimited(CallRailError):
    """429 from the server. ``retry_after`` is seconds to wait if the server said so."""

    status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class BudgetExhausted(CallRailError):
    """Refused locally: sending it would overrun the rate budget. ``available_in`` is seconds."""

    def __init__(self, message: str, *, bucket: str, available_in: float) -> None:
        super().__init__(message)
        self.bucket = bucket
        self.available_in = available_in


class ServerError(CallRailError):
    """5xx from the server."""


class MalformedResponse(CallRailError):
    """The server answered with something that is not the JSON we expect (HTML page, truncated body)."""


class NetworkError(CallRailError):
    """The server could not be reached, or the request did not finish within its deadline."""


class SendOutcomeUnknown(NetworkError):
    """A POST may have reached the server but no answer came back: it must not be retried blindly."""
