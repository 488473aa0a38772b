"""The viewers' tokens on Redis, shared by every replica (and by ``hub viewer … --redis URL``): a hash of
name → SHA-256 and when it was added, and a version counter that each change bumps. Every replica reads
the version at each request and every ``TOKENS_EVERY_S``, so a revoke cuts a viewer's sockets on all of
them within that.
"""

from __future__ import annotations

import json

from tui.hub.replicas.shared import Shared, guarded
from tui.hub.tokens import TokenBook


class RedisViewerTokens(TokenBook):
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self._hash = shared.team_key("viewers")
        self._version = shared.team_key("viewers", "version")
        self._seen: str | None = None
        self._entries: dict[str, dict[str, str]] = {}
        self.refresh()

    @guarded
    def refresh(self) -> bool:
        version = self.shared.sync.get(self._version) or "0"
        if version == self._seen:
            return False
        raw = self.shared.sync.hgetall(self._hash)
        self._entries = {name: json.loads(entry) for name, entry in raw.items()}
        self._seen = version
        return True

    @guarded
    def _insert(self, name: str, entry: dict[str, str]) -> bool:
        if not self.shared.sync.hsetnx(self._hash, name, json.dumps(entry)):
            return False
        self.shared.sync.incr(self._version)
        self.refresh()
        return True

    @guarded
    def _remove(self, name: str) -> bool:
        if not self.shared.sync.hdel(self._hash, name):
            return False
        self.shared.sync.incr(self._version)
        self.refresh()
        return True
