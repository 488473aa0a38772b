"""The local SQLite store: calls, conversations and forms the app has seen, drafts, the text outbox, meta.

Models are stored as their JSON (``model_dump(mode="json", exclude_unset=True)``) and read back with the
lenient models, so a field the API adds later survives a round trip. The schema is versioned with
``PRAGMA user_version``; a file that is not a database, fails its integrity check or was written by a
newer version is renamed aside (``<name>.corrupt-<timestamp>``) and a fresh store is created, with the
reason in ``recovered_from``.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.callrail.models import Call, Conversation
from tui.live.events import OutboxItem, OutboxState
from tui.live.first_rows import PageCursor, newest_call_rows
from tui.live.form_store import FORMS_TABLE, FormRows
from tui.live.sqlite import migrate, write_transaction

MEMORY = ":memory:"

# Each entry upgrades the schema by one version; ``user_version`` is the number applied.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        company_id TEXT,
        start_time REAL,
        json TEXT NOT NULL,
        seen_at REAL NOT NULL
    );
    CREATE INDEX calls_start_time ON calls (start_time);
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        last_message_at REAL,
        json TEXT NOT NULL
    );
    CREATE INDEX conversations_last_message_at ON conversations (last_message_at);
    CREATE TABLE drafts (
        key TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        company_id TEXT NOT NULL,
        customer_phone_number TEXT NOT NULL,
        tracking_number TEXT,
        content TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        conversation_id TEXT,
        error TEXT NOT NULL DEFAULT '',
        sent_at REAL
    );
    CREATE INDEX outbox_state ON outbox (state, id);
    CREATE INDEX calls_company_start_time ON calls (company_id, start_time);
    """,
    # the newest-first pages of load_calls_page walk this index (and stop after a page)
    """
    CREATE INDEX calls_start_time_id ON calls (start_time, id);
    DROP INDEX calls_start_time;
    """,
    # items the user marked handled in the needs-attention inbox (tui.live.handled)
    """
    CREATE TABLE handled (
        key TEXT PRIMARY KEY,
        marked_at REAL NOT NULL
    );
    """,
    FORMS_TABLE,
    # who marked an item handled: a viewer of the team hub (empty: this app's own user)
    """
    ALTER TABLE handled ADD COLUMN by TEXT NOT NULL DEFAULT '';
    """,
    # the request a text was queued for (a hub viewer's text and its key): a retry finds it here
    """
    ALTER TABLE outbox ADD COLUMN request TEXT;
    CREATE UNIQUE INDEX outbox_request ON outbox (request) WHERE request IS NOT NULL;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class CallsPage:
    calls: list[Call]
    next: PageCursor | None  # None: this was the last page


class StoreUnusable(Exception):
    """The file cannot serve as this version's store (the message says why)."""


def _epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def _moment(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


class Store(FormRows):
    """One SQLite file (or ``":memory:"``). Safe to call from the event loop and from worker threads."""

    def __init__(self, path: Path | str, *, now: datetime | None = None) -> None:
        self.path = path if path == MEMORY else Path(path)
        self.recovered_from: str | None = None
        self._lock = threading.RLock()
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, StoreUnusable) as error:
            if self.path == MEMORY:
                raise
            moved = self._set_aside(now or datetime.now(UTC))
            self.recovered_from = (
                f"The local store could not be used ({error}); it was moved to {moved.name}."
            )
            self._db = self._open()

    # -- opening --------------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreUnusable(f"written by a newer version (schema {version})")
            if version > 0:
                check = db.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise StoreUnusable(f"integrity check failed: {check}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db, self._lock, MIGRATIONS, version)
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self, now: datetime) -> Path:
        assert isinstance(self.path, Path)
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            sidecar = self.path.with_name(self.path.name + suffix)
            if sidecar.exists():
                sidecar.rename(target.with_name(target.name + suffix))
        return target

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- calls and conversations ----------------------------------------------------------------------

    def upsert_calls(self, calls: Iterable[Call], *, seen_at: datetime) -> None:
        rows = [
            (
                call.id,
                call.company_id,
                _epoch(call.start_time),
                call.model_dump_json(exclude_unset=True),
                seen_at.timestamp(),
            )
            for call in calls
        ]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO calls (id, company_id, start_time, json, seen_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET company_id = excluded.company_id, "
                "start_time = excluded.start_time, json = excluded.json",
                rows,
            )

    def load_calls(
        self, since: datetime, until: datetime | None = None, *, limit: int | None = None
    ) -> list[Call]:
        """Calls that started at or after ``since`` (and before ``until``), oldest first; a row that no
        longer parses is skipped. With ``limit``: only the newest ``limit`` since ``since``, newest first
        (``load_calls_page`` goes on)."""
        if limit is not None:
            return self.load_calls_page(since, limit=limit).calls
        rows = self._query(
            "SELECT json FROM calls WHERE start_time >= ? AND start_time < ? ORDER BY start_time",
            (since.timestamp(), until.timestamp() if until else math.inf),
        )
        return _parse_all(Call, rows)

    def load_calls_page(self, since: datetime, *, limit: int, after: PageCursor | None = None) -> CallsPage:
        """Up to ``limit`` calls that started at or after ``since``, newest first, continuing after the
        call ``after`` names (the ``next`` of the page before; ``None`` for the newest)."""
        with self._lock:
            rows = newest_call_rows(self._db, since, limit=limit, after=after)
        calls = _parse_all(Call, [(text,) for _, _, text in rows])
        following = (rows[-1][0], rows[-1][1]) if len(rows) == limit else None
        return CallsPage(calls, following)

    def oldest_call_start(self) -> datetime | None:
        return _moment(self._query("SELECT MIN(start_time) FROM calls")[0][0])

    def calls_per_hour(self, since: datetime) -> list[int]:
        """How many stored calls started at or after ``since`` in each hour of the day (UTC, 0-23)."""
        counts = [0] * 24
        rows = self._query(
            "SELECT CAST(start_time / 3600 AS INTEGER) % 24, COUNT(*) FROM calls WHERE start_time >= ? "
            "GROUP BY 1",
            (since.timestamp(),),
        )
        for hour, count in rows:
            counts[hour] = count
        return counts

    def prune(self, before: datetime) -> int:
        """Delete calls that started, conversations last active and forms sent before ``before``, and
        older handled marks (never drafts or the outbox: what the user wrote stays); how many calls,
        conversations and forms went."""
        cutoff = before.timestamp()
        with self._transaction() as db:
            calls = db.execute("DELETE FROM calls WHERE start_time < ?", (cutoff,)).rowcount
            conversations = db.execute(
                "DELETE FROM conversations WHERE last_message_at < ?", (cutoff,)
            ).rowcount
            forms = db.execute("DELETE FROM forms WHERE submitted_at < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM handled WHERE marked_at < ?", (cutoff,))
        return calls + conversations + forms

    def upsert_conversations(self, conversations: Iterable[Conversation]) -> None:
        rows = [
            (
                conversation.id,
                _epoch(conversation.last_message_at),
                conversation.model_dump_json(exclude_unset=True),
            )
            for conversation in conversations
        ]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO conversations (id, last_message_at, json) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET last_message_at = excluded.last_message_at, "
                "json = excluded.json",
                rows,
            )

    def load_conversations(self, since: datetime, until: datetime | None = None) -> list[Conversation]:
        """Conversations with a message at or after ``since`` (and none since ``until``), oldest first."""
        rows = self._query(
            "SELECT json FROM conversations WHERE last_message_at >= ? AND last_message_at < ? "
            "ORDER BY last_message_at",
            (since.timestamp(), until.timestamp() if until else math.inf),
        )
        return _parse_all(Conversation, rows)

    def load_by_id(self, model: type[Call] | type[Conversation], ids: Iterable[str]) -> list:
        """These calls or conversations (as ``model`` says), those the store still has; read a few hundred
        at a time (SQLite's limit on a query's parameters can be 999)."""
        table = "calls" if model is Call else "conversations"
        wanted = list(ids)
        rows: list[tuple] = []
        for at in range(0, len(wanted), 500):
            batch = wanted[at : at + 500]
            marks = ",".join("?" * len(batch))
            rows += self._query(f"SELECT json FROM {table} WHERE id IN ({marks})", tuple(batch))
        return _parse_all(model, rows)

    # -- handled marks (the needs-attention inbox) -----------------------------------------------------

    def handled_keys(self) -> set[str]:
        return {key for (key,) in self._query("SELECT key FROM handled")}

    def handled_marks(self) -> list[tuple[str, str, datetime]]:
        """Every mark as (key, who marked it, when), oldest first."""
        rows = self._query("SELECT key, by, marked_at FROM handled ORDER BY marked_at, key")
        return [(key, by, datetime.fromtimestamp(at, UTC)) for key, by, at in rows]

    def mark_handled(self, key: str, *, now: datetime, by: str = "") -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO handled (key, marked_at, by) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET marked_at = excluded.marked_at, by = excluded.by",
                (key, now.timestamp(), by),
            )

    def unmark_handled(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM handled WHERE key = ?", (key,))

    # -- drafts ---------------------------------------------------------------------------------------

    def save_draft(self, key: str, text: str, *, now: datetime) -> None:
        if not text:
            self.clear_draft(key)
            return
        with self._transaction() as db:
            db.execute(
                "INSERT INTO drafts (key, text, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                (key, text, now.timestamp()),
            )

    def load_draft(self, key: str) -> str:
        rows = self._query("SELECT text FROM drafts WHERE key = ?", (key,))
        return rows[0][0] if rows else ""

    def clear_draft(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM drafts WHERE key = ?", (key,))

    # -- outbox ---------------------------------------------------------------------------------------

    def add_outbox_item(
        self,
        *,
        company_id: str,
        customer_phone_number: str,
        tracking_number: str | None,
        content: str,
        now: datetime,
        request: str | None = None,
    ) -> OutboxItem:
        """A queued text; given ``request``, the one queued for it before, if any (never two)."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO outbox (company_id, customer_phone_number, tracking_number, content, state, "
                "created_at, updated_at, request) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (request) WHERE request IS NOT NULL DO NOTHING",
                (
                    company_id,
                    customer_phone_number,
                    tracking_number,
                    content,
                    OutboxState.QUEUED.value,
                    now.timestamp(),
                    now.timestamp(),
                    request,
                ),
            )
            item_id = cursor.lastrowid if cursor.rowcount else None
        if item_id is None:
            earlier = self.outbox_item_for_request(request or "")
            assert earlier is not None
            return earlier
        return self.outbox_item(item_id)

    def outbox_item_for_request(self, request: str) -> OutboxItem | None:
        """The text queued for ``request`` (``add_outbox_item``), if one was."""
        rows = self._query(f"SELECT {self._OUTBOX_COLUMNS} FROM outbox WHERE request = ?", (request,))
        return _outbox_item(rows[0]) if rows else None

    def set_outbox_state(
        self,
        item_id: int,
        state: OutboxState,
        *,
        now: datetime,
        error: str = "",
        conversation_id: str | None = None,
    ) -> OutboxItem:
        sent_at = now.timestamp() if state is OutboxState.SENT else None
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET state = ?, updated_at = ?, error = ?, "
                "conversation_id = COALESCE(?, conversation_id), sent_at = COALESCE(?, sent_at) "
                "WHERE id = ?",
                (state.value, now.timestamp(), error, conversation_id, sent_at, item_id),
            )
        return self.outbox_item(item_id)

    _OUTBOX_COLUMNS = (
        "id, company_id, customer_phone_number, tracking_number, content, state, created_at, updated_at, "
        "conversation_id, error"
    )

    def outbox_item(self, item_id: int) -> OutboxItem:
        rows = self._query(f"SELECT {self._OUTBOX_COLUMNS} FROM outbox WHERE id = ?", (item_id,))
        if not rows:
            raise KeyError(item_id)
        return _outbox_item(rows[0])

    def outbox_items(
        self, *, customer_phone_number: str | None = None, states: Iterable[OutboxState] | None = None
    ) -> list[OutboxItem]:
        """Items oldest first, optionally only to one number and/or in some states."""
        clauses, params = [], []
        if customer_phone_number is not None:
            clauses.append("customer_phone_number = ?")
            params.append(customer_phone_number)
        if states is not None:
            wanted = [state.value for state in states]
            clauses.append(f"state IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(f"SELECT {self._OUTBOX_COLUMNS} FROM outbox{where} ORDER BY id", tuple(params))
        return [_outbox_item(row) for row in rows]

    # -- meta -----------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def get_time(self, key: str) -> datetime | None:
        value = self.get_meta(key)
        try:
            return datetime.fromisoformat(value) if value else None
        except ValueError:
            return None

    def set_time(self, key: str, moment: datetime) -> None:
        self.set_meta(key, moment.isoformat())


def _parse_all(model: type[Call] | type[Conversation], rows: list[tuple]) -> list:
    parsed = []
    for (text,) in rows:
        try:
            parsed.append(model.model_validate_json(text))
        except ValueError:
            continue
    return parsed


def _outbox_item(row: tuple) -> OutboxItem:
    (
        item_id,
        company_id,
        number,
        tracking_number,
        content,
        state,
        created_at,
        updated_at,
        conversation_id,
        error,
    ) = row
    return OutboxItem(
        id=item_id,
        company_id=company_id,
        customer_phone_number=number,
        tracking_number=tracking_number,
        content=content,
        state=OutboxState(state),
        created_at=_moment(created_at),
        updated_at=_moment(updated_at),
        conversation_id=conversation_id,
        error=error,
    )
