"""The store's form submissions: one row per submission, its JSON as the API (or a webhook) gave it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime

from tui.callrail.models import FormSubmission

# The migration that adds the table (``store.MIGRATIONS``).
FORMS_TABLE = """
    CREATE TABLE forms (
        id TEXT PRIMARY KEY,
        company_id TEXT,
        submitted_at REAL,
        json TEXT NOT NULL
    );
    CREATE INDEX forms_submitted_at ON forms (submitted_at);
    """


class FormRows:
    """Mixed into ``Store``, whose ``_transaction`` and ``_query`` it uses."""

    _transaction: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _query: Callable[..., list[tuple]]

    def upsert_forms(self, forms: Iterable[FormSubmission]) -> None:
        rows = [
            (
                form.id,
                form.company_id,
                form.submitted_at.timestamp() if form.submitted_at else None,
                form.model_dump_json(exclude_unset=True),
            )
            for form in forms
        ]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO forms (id, company_id, submitted_at, json) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET company_id = excluded.company_id, "
                "submitted_at = excluded.submitted_at, json = excluded.json",
                rows,
            )

    def load_forms(self, since: datetime) -> list[FormSubmission]:
        """Submissions sent at or after ``since``, oldest first; a row that no longer parses is skipped."""
        rows = self._query(
            "SELECT json FROM forms WHERE submitted_at >= ? ORDER BY submitted_at", (since.timestamp(),)
        )
        forms = []
        for (text,) in rows:
            try:
                forms.append(FormSubmission.model_validate_json(text))
            except ValueError:
                continue
        return forms
