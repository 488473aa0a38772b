"""Date filters (calls and conversations): ``date_range``, ``start_date``/``end_date``, ``time_zone``.

A filter becomes a half-open UTC window ``[start, end)``; ``None`` for an open end.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RETENTION_DAYS = 25 * 30 + 10  # CallRail keeps 25 months of data
RANGES = (
    "recent",
    "today",
    "yesterday",
    "last_7_days",
    "last_30_days",
    "this_month",
    "last_month",
    "this_year",
    "last_year",
    "all_time",
)

Window = tuple[datetime | None, datetime | None]


class DateFilterError(ValueError):
    pass


def zone(name: str | None, default: str) -> tzinfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DateFilterError(f"Invalid time_zone: {name}") from error


def window(params, local: tzinfo, now: datetime) -> Window:
    """The UTC window a request asks for; ``recent`` (the last 7 days including today) by default."""
    start_text, end_text = params.get("start_date"), params.get("end_date")
    if start_text or end_text:
        start = _parse(start_text, local, "start_date", end=False) if start_text else None
        end = _parse(end_text, local, "end_date", end=True) if end_text else None
        if start and end and start >= end:
            raise DateFilterError("start_date must be before end_date")
        result = (start, end)
    else:
        result = _named(params.get("date_range") or "recent", local, now)
    if result[0] is not None and result[0] < now - timedelta(days=RETENTION_DAYS):
        raise DateFilterError(
            "The requested date range is outside the 25 month data retention period; please narrow the range"
        )
    return result


def _midnight(day: date, local: tzinfo) -> datetime:
    return datetime.combine(day, time(), local)


def _named(name: str, local: tzinfo, now: datetime) -> Window:
    today = now.astimezone(local).date()
    month_start = today.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    next_month_start = (month_start + timedelta(days=32)).replace(day=1)
    windows = {
        "recent": (today - timedelta(days=6), today + timedelta(days=1)),
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "last_7_days": (today - timedelta(days=7), today),
        "last_30_days": (today - timedelta(days=30), today),
        "this_month": (month_start, next_month_start),
        "last_month": (last_month_start, month_start),
        "this_year": (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        "last_year": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
    }
    if name == "all_time":
        return (None, None)
    if name not in windows:
        raise DateFilterError(f"Invalid date_range: {name}. Valid values are: {', '.join(RANGES)}")
    first, after = windows[name]
    return (_midnight(first, local), _midnight(after, local))


def _parse(text: str, local: tzinfo, name: str, end: bool) -> datetime:
    """A date or a date-time; inclusive at the precision given (a bare end date runs through 23:59:59)."""
    text = text.strip().replace(" ", "+") if "T" in text else text.strip()
    try:
        if "T" not in text:
            day = date.fromisoformat(text)
            return _midnight(day + timedelta(days=1) if end else day, local)
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise DateFilterError(f"Invalid {name}: {text}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local)
    if not end:
        return parsed
    clock_part = re.split(r"[+\-Z]", text.split("T", 1)[1])[0]
    return parsed + (timedelta(minutes=1) if clock_part.count(":") < 2 else timedelta(seconds=1))
