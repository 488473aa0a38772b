"""The feed's first screenful, read from the local store before the live session exists.

The app's first frame shows the newest stored calls as ``StoredCall`` rows, read here with ``sqlite3``
alone; the session (the client, the models, pydantic) is built after that frame and its calls replace
these rows by id. The query is the store's own (``Store.load_calls_page`` runs it too).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from tui.callrail.call_row import StoredCall

FIRST_CALLS = 100  # a few screens of the feed: what the session also reads first
LOOKBACK = timedelta(hours=24)  # the day the feed shows, the most a catch-up reads back: "today" anywhere

PageCursor = tuple[float, str]  # (start_time, id) of the last row of a page


def newest_call_rows(
    db: sqlite3.Connection, since: datetime, *, limit: int, after: PageCursor | None = None
) -> list[tuple[float, str, str]]:
    """Up to ``limit`` (start_time, id, json) rows of calls that started at or after ``since``, newest
    first, continuing after the call ``after`` names. Reads only the rows it returns (the start_time
    index), so the newest page costs the same at 10,000 calls."""
    if after is None:
        return db.execute(
            "SELECT start_time, id, json FROM calls WHERE start_time >= ? "
            "ORDER BY start_time DESC, id DESC LIMIT ?",
            (since.timestamp(), limit),
        ).fetchall()
    start, call_id = after
    return db.execute(
        "SELECT start_time, id, json FROM calls WHERE start_time >= ? AND (start_time, id) < (?, ?) "
        "ORDER BY start_time DESC, id DESC LIMIT ?",
        (since.timestamp(), start, call_id, limit),
    ).fetchall()


def store_path(data_dir: Path) -> Path:
    """Where an account's session keeps its store (a hub viewer's is named after the hub's address as
    its link normalises it: ``tui.wiring.session_for_hub``)."""
    return Path(data_dir) / "callrail.sqlite3"


def first_calls(path: Path, now: datetime) -> list[StoredCall]:
    """The newest stored calls of the last day; none when there is no store yet or it cannot be read
    (the session then says why)."""
    try:
        if not path.is_file():
            return []
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = newest_call_rows(db, now - LOOKBACK, limit=FIRST_CALLS)
        finally:
            db.close()
    except (OSError, sqlite3.Error):  # a folder it cannot read, a name too long, not a database
        return []
    return [call for _, _, text in rows if (call := StoredCall.from_json(text)) is not None]
