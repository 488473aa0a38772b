"""The hub's memory on disk (``hub.sqlite3``): the numbered events viewers resume from, and which viewer
sent which text under which idempotency key.

The log is bounded: the newest ``KEEP`` events stay; a viewer that asks for an older number gets a fresh
snapshot instead (``since`` returns None). Sequence numbers only grow, across restarts too.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.live.sqlite import migrate, write_transaction

LOG_FILE = "hub.sqlite3"
KEEP = 20_000
TRIM_EVERY = 500

MIGRATIONS = (
    """
    CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL);
    CREATE TABLE sends (
        viewer TEXT NOT NULL,
        key TEXT NOT NULL,
        outbox_id INTEGER NOT NULL,
        customer_phone_number TEXT NOT NULL,
        sent_at REAL NOT NULL,
        PRIMARY KEY (viewer, key)
    );
    CREATE INDEX sends_outbox ON sends (outbox_id);
    CREATE INDEX sends_number ON sends (customer_phone_number, sent_at);
    """,
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)


@dataclass(frozen=True)
class Send:
    viewer: str
    key: str
    outbox_id: int
    customer_phone_number: str
    sent_at: float


class EventLog:
    def __init__(self, path: Path | str, *, keep: int = KEEP) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        migrate(self._db, self._lock, MIGRATIONS, self._db.execute("PRAGMA user_version").fetchone()[0])
        self._keep = keep
        self._appended = 0
        self.log_id = self._log_id()

    def _log_id(self) -> str:
        """This log's name: numbers from another log (another hub, a hub started afresh) mean nothing."""
        with write_transaction(self._db, self._lock) as db:
            db.execute("INSERT OR IGNORE INTO meta VALUES ('log_id', ?)", (secrets.token_hex(8),))
            return db.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()[0]

    # -- events ---------------------------------------------------------------------------------------

    def append(self, event: dict[str, Any]) -> int:
        """Keep ``event``; its sequence number."""
        with write_transaction(self._db, self._lock) as db:
            seq = db.execute("INSERT INTO events (json) VALUES (?)", (json.dumps(event),)).lastrowid
            self._appended += 1
            if self._appended % TRIM_EVERY == 0:
                db.execute("DELETE FROM events WHERE seq <= ?", (seq - self._keep,))
        assert seq is not None
        return seq

    @property
    def last_seq(self) -> int:
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
        return row[0] if row else 0

    def replay_from(self) -> int:
        """The number after which the log may hold events this process has not seen: none, every event
        of this log is appended here."""
        return self.last_seq

    async def wait_beyond(self, seq: int) -> None:
        """Never returns: this process appends every event and hands each out as it does."""
        await asyncio.Future()

    def since(self, seq: int) -> list[tuple[int, dict[str, Any]]] | None:
        """The events after ``seq``, oldest first; None when some of them are no longer kept (or ``seq``
        is from another log)."""
        last = self.last_seq
        if seq > last or seq < 0:
            return None
        first = self._db.execute("SELECT MIN(seq) FROM events").fetchone()[0]
        if seq < last and (first is None or first > seq + 1):
            return None
        rows = self._db.execute("SELECT seq, json FROM events WHERE seq > ? ORDER BY seq", (seq,))
        return [(number, json.loads(text)) for number, text in rows]

    # -- sends ----------------------------------------------------------------------------------------

    def send_for(self, viewer: str, key: str) -> Send | None:
        row = self._db.execute("SELECT * FROM sends WHERE viewer = ? AND key = ?", (viewer, key)).fetchone()
        return Send(*row) if row else None

    def sender_of(self, outbox_id: int) -> Send | None:
        row = self._db.execute("SELECT * FROM sends WHERE outbox_id = ?", (outbox_id,)).fetchone()
        return Send(*row) if row else None

    def claim_send(self, viewer: str, key: str) -> bool:
        """Whether this hub may queue ``viewer``'s text under ``key`` (one not recorded yet). Always: one
        process checks, queues and records a text with no await in between, so no retry comes between."""
        return True

    def release_send(self, viewer: str, key: str) -> None:
        """The claimed text was not queued after all: nothing was held (``claim_send``)."""

    def record_send(self, send: Send) -> None:
        with write_transaction(self._db, self._lock) as db:
            db.execute(
                "INSERT INTO sends VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",  # the first record holds
                (send.viewer, send.key, send.outbox_id, send.customer_phone_number, send.sent_at),
            )

    def last_reply(self, customer_phone_number: str, *, other_than: str, since: datetime) -> Send | None:
        """The newest text another viewer sent this number since ``since``."""
        row = self._db.execute(
            "SELECT * FROM sends WHERE customer_phone_number = ? AND viewer != ? AND sent_at >= ? "
            "ORDER BY sent_at DESC LIMIT 1",
            (customer_phone_number, other_than, since.timestamp()),
        ).fetchone()
        return Send(*row) if row else None

    def close(self) -> None:
        self._db.close()
