"""What a failed request says about the connection to CallRail, as the status shows it."""

from __future__ import annotations

from tui.callrail.errors import AuthError, BudgetExhausted, CallRailError, PermissionDenied, RateLimited
from tui.live.events import PollState


def failure_state(error: CallRailError) -> PollState:
    if isinstance(error, AuthError | PermissionDenied):
        return PollState.AUTH_FAILED
    if isinstance(error, RateLimited | BudgetExhausted):
        return PollState.RATE_LIMITED
    return PollState.OFFLINE
