"""Where accepted deliveries wait until the session has merged them, the companies' signing keys, and
which companies' webhooks the user turned on (so a receiver that is not always on can take its URLs
out when it stops and put them back when it starts).

Its own SQLite file, next to the store: the receiver commits each delivery (``synchronous=FULL``)
before it answers 2xx, from a worker thread, without waiting on the store's transactions, and it may run
in another process than the app. The file holds secrets, so it is made readable by its owner only.
A delivery is kept once per company and body: the same body again is a duplicate.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.live.sqlite import migrate, write_transaction

INBOX_FILE = "webhooks.sqlite3"
MEMORY = ":memory:"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        digest TEXT NOT NULL UNIQUE,
        company_id TEXT NOT NULL,
        event TEXT NOT NULL,
        body BLOB NOT NULL,
        received_at REAL NOT NULL,
        applied_at REAL
    );
    CREATE INDEX deliveries_pending ON deliveries (applied_at, seq);
    CREATE TABLE signing_keys (
        company_id TEXT PRIMARY KEY,
        signing_key TEXT NOT NULL,
        fetched_at REAL NOT NULL
    );
    """,
    """
    CREATE TABLE enabled (
        company_id TEXT PRIMARY KEY,
        events TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Delivery:
    seq: int
    company_id: str
    event: str
    body: bytes
    received_at: datetime


def _digest(company_id: str, body: bytes) -> str:
    return hashlib.sha256(company_id.encode() + b"\0" + body).hexdigest()


class Inbox:
    """Safe to call from the event loop and from worker threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._lock = threading.RLock()
        if path != MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).touch(mode=0o600, exist_ok=True)
            os.chmod(path, 0o600)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._migrate()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer version (schema {version})")
        migrate(self._db, self._lock, MIGRATIONS, version)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- deliveries -----------------------------------------------------------------------------------

    def add(self, company_id: str, event: str, body: bytes, received_at: datetime) -> bool:
        """Keep a delivery, committed when this returns; False if the same one was kept before."""
        return self.add_many([(company_id, event, body, received_at)])[0]

    def add_many(self, deliveries: Iterable[tuple[str, str, bytes, datetime]]) -> list[bool]:
        """Keep several deliveries in one commit; for each, whether it is new (False: kept before, or
        earlier in this batch)."""
        with self._transaction() as db:
            return [
                db.execute(
                    "INSERT INTO deliveries (digest, company_id, event, body, received_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                    (_digest(company_id, body), company_id, event, body, received_at.timestamp()),
                ).rowcount
                == 1
                for company_id, event, body, received_at in deliveries
            ]

    def pending(self, limit: int = 500) -> list[Delivery]:
        """Deliveries not yet merged, in the order they came."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, company_id, event, body, received_at FROM deliveries "
                "WHERE applied_at IS NULL ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            Delivery(seq, company_id, event, bytes(body), datetime.fromtimestamp(received, UTC))
            for seq, company_id, event, body, received in rows
        ]

    def mark_applied(self, seqs: Iterable[int], at: datetime) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE deliveries SET applied_at = ? WHERE seq = ?", [(at.timestamp(), seq) for seq in seqs]
            )

    def prune(self, before: datetime) -> int:
        """Forget merged deliveries received before ``before`` (older than any replay window)."""
        with self._transaction() as db:
            return db.execute(
                "DELETE FROM deliveries WHERE applied_at IS NOT NULL AND received_at < ?",
                (before.timestamp(),),
            ).rowcount

    # -- signing keys ---------------------------------------------------------------------------------

    def signing_keys(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT company_id, signing_key FROM signing_keys").fetchall())

    def set_signing_key(self, company_id: str, signing_key: str, at: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO signing_keys (company_id, signing_key, fetched_at) VALUES (?, ?, ?) "
                "ON CONFLICT (company_id) DO UPDATE SET signing_key = excluded.signing_key, "
                "fetched_at = excluded.fetched_at",
                (company_id, signing_key, at.timestamp()),
            )

    # -- which companies post to us -------------------------------------------------------------------

    def enabled(self) -> dict[str, tuple[str, ...]]:
        """Company id -> the events the user turned on for it."""
        with self._lock:
            rows = self._db.execute("SELECT company_id, events FROM enabled ORDER BY company_id").fetchall()
        return {company_id: tuple(filter(None, events.split(","))) for company_id, events in rows}

    def set_enabled(self, company_id: str, events: Iterable[str]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO enabled (company_id, events) VALUES (?, ?) "
                "ON CONFLICT (company_id) DO UPDATE SET events = excluded.events",
                (company_id, ",".join(events)),
            )

    def forget_enabled(self, company_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM enabled WHERE company_id = ?", (company_id,))
