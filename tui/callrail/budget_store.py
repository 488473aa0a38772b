"""Where a rate budget keeps its state: in memory, or in a JSON file shared by processes under a file lock.

The state is small: at most a day of request timestamps per bucket (about 10,000 for general requests),
what the server last said about its counts, and the 429 backoff.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import time
from array import array
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from filelock import FileLock

log = logging.getLogger(__name__)

_VERSION = 1


@dataclass
class ServerView:
    """What ``x-rate-limit-*`` headers said about one bucket and window at ``at`` (epoch seconds)."""

    allowed: int
    others: int  # requests the server counted that were not ours: other integrations on the account
    at: float


@dataclass
class Backoff:
    until: float | None = None  # no request before this (epoch seconds); None: not backing off
    interval: float = 0.0
    probing: bool = False  # one request was let through to test whether the 429s have stopped


@dataclass
class BudgetState:
    stamps: dict[str, list[float]] = field(default_factory=dict)  # bucket → sorted epoch seconds
    server: dict[str, ServerView] = field(default_factory=dict)  # "bucket/window" → view
    backoff: Backoff = field(default_factory=Backoff)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": _VERSION,
            "stamps": {bucket: _pack(stamps) for bucket, stamps in self.stamps.items()},
            "server": {key: [v.allowed, v.others, v.at] for key, v in self.server.items()},
            "backoff": [self.backoff.until, self.backoff.interval, self.backoff.probing],
        }

    @classmethod
    def from_json(cls, data: Any) -> BudgetState:
        """Raises ValueError, KeyError, TypeError or AttributeError on anything we did not write."""
        if data["version"] != _VERSION:
            raise ValueError(f"unknown version {data['version']!r}")
        stamps = {str(k): sorted(_unpack(v)) for k, v in data["stamps"].items()}
        server = {str(k): ServerView(int(a), int(o), float(at)) for k, (a, o, at) in data["server"].items()}
        until, interval, probing = data["backoff"]
        backoff = Backoff(None if until is None else float(until), float(interval), bool(probing))
        return cls(stamps, server, backoff)


class BudgetStore(Protocol):
    """Where the state is kept: ``transaction`` yields it loaded and, with ``write``, saves what the block
    left in it, with no other writer in between."""

    def transaction(self, write: bool = True) -> AbstractContextManager[BudgetState]: ...


class MemoryStore:
    def __init__(self) -> None:
        self._state = BudgetState()

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[BudgetState]:
        yield self._state


class FileStore:
    """One JSON file per scope; a writing transaction holds the file lock from load to save. A reading one
    takes no lock: a save replaces the file whole, so a read sees the state before or after it."""

    def __init__(self, state_dir: Path, scope: str) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / f"{_file_name(scope)}.json"
        self._file_lock: FileLock | None = None

    @property
    def _lock(self) -> FileLock:
        """Made at the first transaction: importing filelock would hold up the app's first frame."""
        if self._file_lock is None:
            from filelock import FileLock

            self._file_lock = FileLock(str(self.path) + ".lock")
        return self._file_lock

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[BudgetState]:
        if not write:
            yield self._load(set_aside=False)
            return
        with self._lock:
            state = self._load(set_aside=True)
            yield state
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(state.to_json(), separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)  # a crash mid-write leaves the old file, never half a file

    def _load(self, *, set_aside: bool) -> BudgetState:
        """The saved state, or an empty one; an unreadable file is moved aside by a writer (``set_aside``),
        which holds the lock."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return BudgetState()
        try:
            return BudgetState.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if not set_aside:
                return BudgetState()
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            os.replace(self.path, aside)
            log.warning(
                "Rate budget state %s was unreadable (%s); moved to %s, starting empty", self.path, exc, aside
            )
            return BudgetState()


# A day of timestamps as packed doubles in base64: far cheaper to (de)serialise than a JSON list
# of floats, which matters because every acquire loads and saves the file.
def _pack(stamps: list[float]) -> str:
    return base64.b64encode(array("d", stamps).tobytes()).decode("ascii")


def _unpack(text: str) -> list[float]:
    stamps = array("d")
    stamps.frombytes(base64.b64decode(text, validate=True))
    return stamps.tolist()


def _file_name(scope: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", scope):
        raise ValueError("scope must be an account id or a hash: letters, digits, '-' and '_'")
    return scope
