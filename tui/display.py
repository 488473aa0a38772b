"""How calls and their fields read on screen: status words, times, durations, masked callers.

Plain strings only; widgets wrap them with ``safe_text.literal`` and style them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.callrail.call_row import CallRow, CallStatus
from tui.safe_text import clean, mask_name, mask_phone

STATUS_LABELS: dict[CallStatus, str] = {
    CallStatus.IN_PROGRESS: "● on call",
    CallStatus.ANSWERED: "answered",
    CallStatus.MISSED: "✗ missed",
    CallStatus.VOICEMAIL: "✉ voicemail",
    CallStatus.ABANDONED: "✗ abandoned",
    CallStatus.OUTBOUND: "↗ outbound",
}


@lru_cache(maxsize=256)
def zone(name: str | None) -> tzinfo:
    """The IANA zone, or UTC for a missing or unknown name."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def format_time(moment: datetime | None, where: tzinfo, now: datetime) -> str:
    """``14:05`` for today (in that zone), ``Nov 26 14:05`` for an earlier day."""
    if moment is None:
        return ""
    local = moment.astimezone(where)
    if local.date() == now.astimezone(where).date():
        return local.strftime("%H:%M")
    return local.strftime("%b %d %H:%M")


def short_time(
    moment: datetime | None, where: tzinfo, now: datetime, *, zone_name: bool = True, with_age: bool = False
) -> str:
    """For a narrow column: ``12:40 CST`` (or with its age, ``12:40 3m``) today, ``Wed 23:32`` this week,
    ``Nov 19`` before that."""
    if moment is None:
        return ""
    local = moment.astimezone(where)
    days = (now.astimezone(where).date() - local.date()).days
    if days == 0 and with_age:
        return f"{local:%H:%M} {age(moment, now)}"
    if days == 0:
        return local.strftime("%H:%M %Z" if zone_name else "%H:%M")
    if 0 < days < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%b %d")


def age(moment: datetime, now: datetime) -> str:
    """How long ago, in at most three characters: ``now``, ``42m``, ``5h``."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds // 3600)}h"


def format_clock(moment: datetime | None, where: tzinfo | None = UTC) -> str:
    return moment.astimezone(where).strftime("%H:%M:%S") if moment else "never"


def format_duration(seconds: float | None) -> str:
    """``0:42``, ``12:05``, ``1h05``; from two days (a wait in the inbox) ``3d04h``."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    minutes, secs = divmod(seconds, 60)
    hours = minutes // 60
    if hours >= 48:
        return f"{hours // 24}d{hours % 24:02d}h"
    if hours:
        return f"{hours}h{minutes % 60:02d}"
    return f"{minutes}:{secs:02d}"


def format_countdown(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    return f"{seconds // 60}m{seconds % 60:02d}s"


def phone_number(raw: str | None, formatted: str | None = None, *, mask: bool = False) -> str:
    if mask:
        return mask_phone(raw or formatted) if (raw or formatted) else ""
    return clean(formatted or raw or "", single_line=True)


def caller_name(call: CallRow, *, mask: bool = False) -> str:
    """The caller's name, or their number when no name is known."""
    name = call.customer_name or call.formatted_customer_name
    if name and clean(name, single_line=True):
        return mask_name(name) if mask else clean(name, single_line=True)
    number = compact_phone(call.customer_phone_number, call.formatted_customer_phone_number, mask=mask)
    return number or "Unknown caller"


def location(call: CallRow) -> str:
    if call.formatted_customer_location:
        return clean(call.formatted_customer_location, single_line=True)
    parts = [clean(part, single_line=True) for part in (call.customer_city, call.customer_state) if part]
    return ", ".join(part for part in parts if part)


def source(call: CallRow) -> str:
    return clean(call.source_name or call.source or call.formatted_tracking_source or "", single_line=True)


def compact_phone(raw: str | None, formatted: str | None = None, *, mask: bool = False) -> str:
    """``+13035550100`` → ``303-555-0100`` (North American numbers); others as given."""
    if mask:
        return phone_number(raw, formatted, mask=True)
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if (raw or "").startswith("+1") and len(digits) == 11:
        return f"{digits[1:4]}-{digits[4:7]}-{digits[7:]}"
    return phone_number(raw, formatted)


LEAD_LABELS = {
    "good_lead": "good lead",
    "not_a_lead": "not a lead",
    "previously_marked_good_lead": "was good",
}


def lead_status(value: str | None) -> str:
    text = clean(value or "", single_line=True)
    return LEAD_LABELS.get(text, text.replace("_", " "))


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(counts: Sequence[int], *, per: int = 1) -> str:
    """One bar per ``per`` counts (summed), scaled to the largest; a blank for none at all."""
    buckets = [sum(counts[i : i + per]) for i in range(0, len(counts), per)]
    top = max(buckets, default=0)
    if not top:
        return " " * len(buckets)
    return "".join(
        " " if n == 0 else _BARS[min(len(_BARS) - 1, (n * len(_BARS) - 1) // top)] for n in buckets
    )


def money(value: str | None, formatted: str | None = None) -> str:
    """``$1,250`` or ``$1,250.50`` from CallRail's value; its own text when the value is not a number."""
    try:
        amount = float((value or "").replace(",", "").lstrip("$"))
    except ValueError:
        return clean(formatted or value, single_line=True)
    return f"${amount:,.0f}" if amount.is_integer() else f"${amount:,.2f}"
