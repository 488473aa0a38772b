"""The feed's calls in display order, under one sort and one filter, kept by call id.

The order is a list of sort keys (``_all`` for every call, ``_view`` for those that pass the filter),
kept sorted with ``bisect`` as calls arrive or change, so a poll that brings 250 calls costs 250
binary searches, not a re-sort of 10,000. Nothing here draws: the call table reads rows from it.
It lives outside ``tui/widgets`` because it imports no textual and the tests use it without an app.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from tui import display
from tui.callrail.call_row import CallRow, CallStatus
from tui.safe_text import clean

SortKey = tuple[Any, ...]
CompanyName = Callable[[CallRow], str]

_STATUS_ORDER = {status: rank for rank, status in enumerate(CallStatus)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _text_key(value: str) -> tuple[int, str]:
    # Empty values sort after real ones in ascending order.
    return (0, value.strip().casefold()) if value.strip() else (1, "")


def _start(call: CallRow) -> float:
    return (call.start_time or _EPOCH).timestamp()


# What each column sorts by; the feed's column keys are these.
SORT_VALUES: dict[str, Callable[[CallRow, CompanyName], Any]] = {
    "time": lambda call, company_name: _start(call),
    "company": lambda call, company_name: _text_key(company_name(call)),
    "caller": lambda call, _: _text_key(call.customer_name or call.formatted_customer_name or ""),
    "location": lambda call, _: _text_key(call.formatted_customer_location or call.customer_city or ""),
    "source": lambda call, _: _text_key(call.source_name or call.source or ""),
    "tracking": lambda call, _: _text_key(call.tracking_phone_number or ""),
    "status": lambda call, _: _STATUS_ORDER[call.status],
    "duration": lambda call, _: call.duration or 0,
    "first": lambda call, _: 1 if call.first_call else 0,
    "lead": lambda call, _: _text_key(call.lead_status or ""),
    "tags": lambda call, _: _text_key(", ".join(call.tags)),
}


def _safe(text: str) -> str:
    # Nearly all text is plain; str.isprintable() (C speed) is False for every character clean() removes.
    return text if text.isprintable() else clean(text)


class FeedIndex:
    """Calls by id, and the rows that pass the filter in sort order (row 0 is the top of the feed)."""

    def __init__(self, *, company_name: CompanyName = lambda call: call.company_name or "") -> None:
        self.company_name = company_name
        self._calls: dict[str, CallRow] = {}
        self._version: dict[str, int] = {}
        self._haystack: dict[str, str] = {}
        self._keys: dict[str, SortKey] = {}
        self._all: list[SortKey] = []
        self._view: list[SortKey] = []
        self._live: set[str] = set()
        self._words: list[str] = []
        self._predicate: Callable[[CallRow], bool] | None = None
        self._mask = False
        self.sort_column = "time"
        self.sort_descending = True

    # -- reading ------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Rows shown: the calls that pass the filter."""
        return len(self._view)

    @property
    def call_count(self) -> int:
        """Calls held, shown or filtered out."""
        return len(self._calls)

    def call_at(self, row: int) -> CallRow | None:
        if 0 <= row < len(self._view):
            return self._calls[self._key_at(row)[-1]]
        return None

    def row_of(self, call_id: str) -> int | None:
        """The row the call is shown on, or ``None`` if it is unknown or filtered out."""
        key = self._keys.get(call_id)
        if key is None:
            return None
        index = bisect.bisect_left(self._view, key)
        if index == len(self._view) or self._view[index] != key:
            return None
        return len(self._view) - 1 - index if self.sort_descending else index

    def visible_calls(self) -> list[CallRow]:
        """Every call that passes the filters, in display order."""
        ordered = reversed(self._view) if self.sort_descending else self._view
        return [self._calls[key[-1]] for key in ordered]

    def version(self, call_id: str) -> int:
        """Goes up each time the call is replaced (what a cache of drawn rows keys on)."""
        return self._version.get(call_id, 0)

    def is_live(self, call_id: str) -> bool:
        return call_id in self._live

    @property
    def has_live_calls(self) -> bool:
        return bool(self._live)

    def _key_at(self, row: int) -> SortKey:
        return self._view[len(self._view) - 1 - row if self.sort_descending else row]

    # -- changing -----------------------------------------------------------------------------------

    def upsert(self, calls: Iterable[CallRow]) -> None:
        """Add new calls and put changed ones where their new values sort."""
        for call in calls:
            self._unlist(call.id)
            self._calls[call.id] = call
            self._version[call.id] = self._version.get(call.id, 0) + 1
            self._haystack.pop(call.id, None)
            if call.is_live:
                self._live.add(call.id)
            else:
                self._live.discard(call.id)
            key = self._sort_key(call)
            self._keys[call.id] = key
            bisect.insort(self._all, key)
            if self._matches(call):
                bisect.insort(self._view, key)

    def remove(self, call_ids: Iterable[str]) -> bool:
        """Forget these calls; ``True`` if any was held."""
        removed = False
        for call_id in call_ids:
            if self._calls.pop(call_id, None) is None:
                continue
            removed = True
            self._unlist(call_id)
            self._version.pop(call_id, None)
            self._haystack.pop(call_id, None)
            self._live.discard(call_id)
        return removed

    def recheck(self, call_ids: Iterable[str]) -> None:
        """Re-apply the filter to these calls (their standing changed because of other records)."""
        for call_id in call_ids:
            call = self._calls.get(call_id)
            if call is None:
                continue
            key = self._keys[call_id]
            index = bisect.bisect_left(self._view, key)
            present = index < len(self._view) and self._view[index] == key
            wanted = self._matches(call)
            if present and not wanted:
                del self._view[index]
            elif wanted and not present:
                self._view.insert(index, key)

    def set_filter(self, text: str) -> bool:
        """Show only calls whose visible fields contain every word of ``text``; ``True`` if it changed."""
        words = clean(text, single_line=True).casefold().split()
        if words == self._words:
            return False
        # Typing narrows: when every old word is still part of a new one, only the shown rows can match.
        narrowing = all(any(old in new for new in words) for old in self._words)
        self._words = words
        self._refilter(narrowing=narrowing)
        return True

    def set_predicate(self, predicate: Callable[[CallRow], bool] | None) -> None:
        """An extra condition (company, needs a callback); ``None`` shows all."""
        self._predicate = predicate
        self._refilter()

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Sort by ``column``; by default time sorts newest first, other columns keep the direction
        they had, or go ascending when newly chosen."""
        if column not in SORT_VALUES:
            raise ValueError(f"unknown column {column!r}")
        if descending is None:
            descending = self.sort_descending if column == self.sort_column else column == "time"
        self.sort_column, self.sort_descending = column, descending
        self._keys = {call_id: self._sort_key(call) for call_id, call in self._calls.items()}
        self._all = sorted(self._keys.values())
        self._refilter()

    @property
    def mask(self) -> bool:
        """Masked, names and numbers are hidden, so a filter word no longer matches them."""
        return self._mask

    @mask.setter
    def mask(self, value: bool) -> None:
        self._mask = value
        self._haystack.clear()
        self._refilter()

    def _unlist(self, call_id: str) -> None:
        key = self._keys.pop(call_id, None)
        if key is None:
            return
        for ordered in (self._all, self._view):
            index = bisect.bisect_left(ordered, key)
            if index < len(ordered) and ordered[index] == key:
                del ordered[index]

    def _refilter(self, *, narrowing: bool = False) -> None:
        calls = self._calls
        source = self._view if narrowing else self._all
        self._view = [key for key in source if self._matches(calls[key[-1]])]

    def _matches(self, call: CallRow) -> bool:
        if self._predicate is not None and not self._predicate(call):
            return False
        if not self._words:
            return True
        haystack = self._haystack.get(call.id)
        if haystack is None:
            haystack = self._haystack[call.id] = self._search_text(call)
        return all(word in haystack for word in self._words)

    def _sort_key(self, call: CallRow) -> SortKey:
        start = _start(call)
        primary = SORT_VALUES[self.sort_column](call, self.company_name)
        # Within equal values the newest call comes first, whichever way the column is sorted.
        return (primary, start if self.sort_descending else -start, call.id)

    def _search_text(self, call: CallRow) -> str:
        """What a filter word may match: the visible fields, names and numbers only when unmasked."""
        parts = [
            self.company_name(call),
            call.formatted_customer_location or f"{call.customer_city or ''} {call.customer_state or ''}",
            call.source_name or call.source or "",
            display.STATUS_LABELS[call.status],
            call.lead_status or "",
            *call.tags,
        ]
        if not self._mask:
            parts += [
                call.customer_name or call.formatted_customer_name or "",
                call.customer_phone_number or "",
                call.formatted_customer_phone_number or "",
                call.tracking_phone_number or "",
                call.formatted_tracking_phone_number or "",
            ]
        return _safe(" ".join(parts)).casefold()
