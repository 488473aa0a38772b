"""Who may open a tab behind a hub (``callrail-tui hub --web``): each viewer signs in with their own
viewer token, as often as they like, and their tabs run as that viewer of the hub. A session ends when
it expires or the viewer is revoked; each viewer's tabs keep their store and drafts in a folder of
their own. The API key stays with the hub: a tab gets only its viewer's token, in its environment."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from tui.hub.tokens import ViewerTokens
from tui.web.sign_in import SESSION_HOURS


class ViewerSignIn:
    token = None  # no link to print: each viewer has their own token

    def __init__(
        self,
        tokens: ViewerTokens,
        home: Path,
        *,
        session_seconds: float = SESSION_HOURS * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.session_seconds = session_seconds
        self._tokens = tokens
        self._home = home
        self._clock = clock
        self._sessions: dict[str, tuple[str, str, float]] = {}  # session id -> viewer, token, expiry

    def exchange(self, token: str) -> str | None:
        """A new session for a current viewer's token; otherwise None."""
        self._tokens.refresh()  # viewers added or revoked by ``hub viewer`` in another process
        name = self._tokens.viewer_for(token)
        if name is None:
            return None
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = (name, token, self._clock() + self.session_seconds)
        return session_id

    def signed_in(self, session_id: str | None) -> bool:
        return self._viewer(session_id) is not None

    def env_for(self, session_id: str | None) -> dict[str, str | None]:
        """The environment of a tab opened in this session: the viewer's token and folders, and not the
        account's key or id (the hub may have been started with them in its environment)."""
        viewer = self._viewer(session_id)
        if viewer is None:
            return {}
        name, token = viewer
        folder = self._home / "web-viewers" / hashlib.sha256(name.encode()).hexdigest()[:16]
        return {
            "CALLRAIL_API_KEY": None,
            "CALLRAIL_ACCOUNT_ID": None,
            "CALLRAIL_HUB_TOKEN": token,
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_STATE_HOME": str(folder / "state"),
        }

    def _viewer(self, session_id: str | None) -> tuple[str, str] | None:
        if not session_id:
            return None
        self._tokens.refresh()
        now = self._clock()
        found = None
        for known, (name, token, expires) in list(self._sessions.items()):
            if expires <= now or not self._tokens.is_current(name):
                del self._sessions[known]
            elif secrets.compare_digest(session_id.encode(), known.encode()):
                found = (name, token)
        return found
