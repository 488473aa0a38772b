"""Viewer tokens: ``hub viewer add NAME`` makes one and prints it once; the hub keeps only its hash.

The tokens live in ``viewers.json`` in the hub's state folder, written 0600 by a rename (a crash leaves
the old file or the new one). The hub re-reads the file when it changes, so ``viewer revoke`` in another
process takes effect at once (``ViewerTokens.refresh``). Tokens are 256 random bits: a plain SHA-256
is enough to keep them, and comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

TOKENS_FILE = "viewers.json"
TOKEN_PREFIX = "crh_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._'-]{0,39}$")


class TokenError(Exception):
    """A viewer cannot be added or revoked; the message says why."""


@dataclass(frozen=True)
class Viewer:
    name: str
    added_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenBook:
    """The viewers' tokens, whatever keeps them: ``refresh`` reads them again when they changed,
    ``_insert``/``_remove`` change what is kept (``ViewerTokens``: a file; on Redis, a hash shared by
    the replicas)."""

    _entries: dict[str, dict[str, str]]

    def refresh(self) -> bool:
        raise NotImplementedError

    def _insert(self, name: str, entry: dict[str, str]) -> bool:
        """Keep ``entry`` under ``name`` unless the name is taken; whether it was kept."""
        raise NotImplementedError

    def _remove(self, name: str) -> bool:
        """Forget ``name``; whether it was there."""
        raise NotImplementedError

    def add(self, name: str) -> str:
        """A new token for ``name`` (shown once: only its hash is kept)."""
        name = name.strip()
        if not NAME.match(name):
            raise TokenError(f"{name!r} is not a viewer name: 1-40 letters, digits, spaces, . _ ' -")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        entry = {"sha256": _digest(token), "added_at": datetime.now(UTC).isoformat()}
        if not self._insert(name, entry):
            raise TokenError(f"There is already a viewer named {name}; revoke it first to make a new token.")
        return token

    def revoke(self, name: str) -> None:
        if not self._remove(name):
            raise TokenError(f"There is no viewer named {name}.")

    def viewers(self) -> list[Viewer]:
        self.refresh()
        return [
            Viewer(name, datetime.fromisoformat(entry["added_at"]))
            for name, entry in sorted(self._entries.items())
        ]

    def viewer_for(self, token: str | None) -> str | None:
        """The name the token belongs to, or None (missing, wrong or revoked)."""
        if not token:
            return None
        digest = _digest(token)
        found = None
        for name, entry in self._entries.items():
            if hmac.compare_digest(entry["sha256"], digest):
                found = name
        return found

    def is_current(self, name: str) -> bool:
        return name in self._entries


class ViewerTokens(TokenBook):
    """The tokens in ``viewers.json`` in the hub's folder."""

    def __init__(self, state_dir: Path | str) -> None:
        self.path = Path(state_dir) / TOKENS_FILE
        self._seen: tuple[int, int] | None = None
        self._entries: dict[str, dict[str, str]] = {}
        self.refresh()

    def refresh(self) -> bool:
        """Read the file again if it changed since the last read; whether it did."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            changed, self._seen, self._entries = self._seen is not None, None, {}
            return changed
        mark = (info.st_mtime_ns, info.st_size)
        if mark == self._seen:
            return False
        self._entries = json.loads(self.path.read_text(encoding="utf-8"))
        self._seen = mark
        return True

    def _insert(self, name: str, entry: dict[str, str]) -> bool:
        self.refresh()
        if name in self._entries:
            return False
        self._entries[name] = entry
        self._write()
        return True

    def _remove(self, name: str) -> bool:
        self.refresh()
        if self._entries.pop(name, None) is None:
            return False
        self._write()
        return True

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp_name = tempfile.mkstemp(prefix=".viewers-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(self._entries, file, indent=1, sort_keys=True)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp_name, self.path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        self._seen = None
        self.refresh()
