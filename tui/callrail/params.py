"""Turning Python values into CallRail query parameters and request bodies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo


class _Unset:
    """Marks an argument the caller did not give, so ``None`` can mean "send null"."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


def join_fields(fields: str | Iterable[str] | None) -> str | None:
    if fields is None or isinstance(fields, str):
        return fields or None
    return ",".join(dict.fromkeys(name.strip() for name in fields if name.strip())) or None


def format_when(value: str | date | datetime, time_zone: str | None) -> tuple[str, str | None]:
    """A date filter value and the ``time_zone`` to send with it.

    CallRail reads ``start_date``/``end_date`` in the key owner's zone unless ``time_zone`` is given and
    does not reliably accept offsets, so an aware datetime is converted into ``time_zone`` (UTC when none
    was given) and sent as ``YYYY-MM-DDTHH:MM``.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            time_zone = time_zone or "Etc/UTC"
            value = value.astimezone(ZoneInfo(time_zone))
        return value.strftime("%Y-%m-%dT%H:%M"), time_zone
    if isinstance(value, date):
        return value.isoformat(), time_zone
    return value, time_zone


def query(**values: Any) -> dict[str, str]:
    """Query parameters with ``None`` left out and booleans spelled the way the API expects."""
    params: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        else:
            params[name] = str(value)
    return params


def date_filters(
    *,
    date_range: str | None,
    start_date: str | date | datetime | None,
    end_date: str | date | datetime | None,
    time_zone: str | None,
) -> dict[str, Any]:
    start = end = None
    if start_date is not None:
        start, time_zone = format_when(start_date, time_zone)
    if end_date is not None:
        end, time_zone = format_when(end_date, time_zone)
    return {"date_range": date_range, "start_date": start, "end_date": end, "time_zone": time_zone}


def body(**values: Any) -> dict[str, Any]:
    """A PUT body: arguments left ``UNSET`` are not sent; ``None`` is sent as JSON null (clears)."""
    return {name: value for name, value in values.items() if value is not UNSET}
