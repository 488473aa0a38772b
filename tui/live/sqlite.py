"""What the app's SQLite files share: a write transaction taken at once, and schema migrations by
``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager


@contextmanager
def write_transaction(db: sqlite3.Connection, lock: AbstractContextManager) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error (the connection is in autocommit)."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def migrate(
    db: sqlite3.Connection, lock: AbstractContextManager, migrations: Sequence[str], version: int
) -> None:
    """Apply ``migrations[version:]``, each in its own transaction with the version it reaches."""
    for number in range(version, len(migrations)):
        with write_transaction(db, lock):
            for statement in migrations[number].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
