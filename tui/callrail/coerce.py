"""Coercions for the API's drifting types (numbers as strings, ids as integers in some places, ``""``
for null): each takes any value and gives the type or ``None``. Plain Python: the models' lenient types
(``lenient.py``) and the first frame's stored rows (``call_row.py``) both use them."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def to_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = to_float(value)
    return None if number is None else int(number)


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "t", "yes", "1"):
            return True
        if lowered in ("false", "f", "no", "0"):
            return False
    return None


def to_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_id(value: Any) -> str:
    text = to_str(value)
    if not text:
        raise ValueError("record has no id")
    return text


def parse_datetime(value: Any) -> datetime | None:
    """Any ISO 8601 form the API uses (``Z``, ``-05:00``, ``-0500``, a space separator) as aware UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset
        return None


def to_str_list(value: Any) -> list[str]:
    """Tags and similar: a list of strings or of ``{"name": ...}`` objects, or one comma string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        return []
    names = []
    for item in value:
        name = to_str(item.get("name")) if isinstance(item, dict) else to_str(item)
        if name:
            names.append(name)
    return names


def to_text(value: Any) -> str | None:
    """A string, or a list of strings joined (``call_summary`` is documented as both)."""
    if isinstance(value, list):
        parts = [to_str(item) for item in value]
        return "\n".join(part for part in parts if part) or None
    return to_str(value)


def to_dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def list_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
