"""Who may open a tab: a one-time sign-in token, exchanged for a session cookie that expires.

The token is printed once when the server starts (as Jupyter does) and works once; the browser gets a
random session id in its place. Neither is ever logged: the token is registered with the log's masking
filter, and the session ids live only here and in the browser's cookie jar.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

COOKIE = "callrail_tui_session"
SESSION_HOURS = 12.0


class SignIn:
    """The one-time token and the sessions it opened; ``clock`` gives seconds (injected by tests)."""

    def __init__(
        self, *, session_seconds: float = SESSION_HOURS * 3600, clock: Callable[[], float] = time.time
    ) -> None:
        self.token = secrets.token_urlsafe(32)
        self.session_seconds = session_seconds
        self._clock = clock
        self._spent = False
        self._sessions: dict[str, float] = {}  # session id -> when it expires

    def exchange(self, token: str) -> str | None:
        """A new session id for the right token, the first time it is given; otherwise None."""
        if self._spent or not secrets.compare_digest(token.encode(), self.token.encode()):
            return None
        self._spent = True
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = self._clock() + self.session_seconds
        return session_id

    def signed_in(self, session_id: str | None) -> bool:
        """Whether ``session_id`` is a session this server opened that has not expired."""
        if not session_id:
            return False
        now = self._clock()
        for known, expires in list(self._sessions.items()):
            if expires <= now:
                del self._sessions[known]
        return any(secrets.compare_digest(session_id.encode(), known.encode()) for known in self._sessions)
