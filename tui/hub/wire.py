"""The hub's messages as JSON, one reading for the hub and its viewers.

Records travel as the API gave them (``model_dump(mode="json", exclude_unset=True)``) and are read back
with the lenient models; statuses, budgets and outbox items as plain objects with ISO times. Nothing here
knows a key: a status or an error is only ever the app's own words.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from tui.callrail.budget import BudgetSnapshot
from tui.callrail.models import Call, Company, Conversation
from tui.live.events import OutboxItem, OutboxState, PollState, PollStatus

# WebSocket close codes the hub cuts a viewer with (4000-4999 are the application's)
CUT_OVERFLOW = 4000
CUT_REVOKED = 4401
CUT_TOO_BIG = 1009
CUT_BAD_MESSAGE = 1003

Json = dict[str, Any]


def record(model: Call | Conversation | Company) -> Json:
    return model.model_dump(mode="json", exclude_unset=True)


def calls(raw: list[Json]) -> list[Call]:
    return [Call.model_validate(item) for item in raw]


def conversations(raw: list[Json]) -> list[Conversation]:
    return [Conversation.model_validate(item) for item in raw]


def companies(raw: list[Json]) -> list[Company]:
    return [Company.model_validate(item) for item in raw]


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _read_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def budget(snapshot: BudgetSnapshot) -> Json:
    data = asdict(snapshot)
    data["backoff_until"] = _time(snapshot.backoff_until)
    return data


def read_budget(raw: Json) -> BudgetSnapshot:
    known = {field.name for field in fields(BudgetSnapshot)}
    values = {key: value for key, value in raw.items() if key in known}
    values["backoff_until"] = _read_time(raw.get("backoff_until"))
    return BudgetSnapshot(**values)


def status(value: PollStatus) -> Json:
    return {
        "state": value.state.value,
        "last_success": _time(value.last_success),
        "next_poll_at": _time(value.next_poll_at),
        "message": value.message,
        "budget": budget(value.budget) if value.budget is not None else None,
    }


def read_status(raw: Json) -> PollStatus:
    return PollStatus(
        state=PollState(raw["state"]),
        last_success=_read_time(raw.get("last_success")),
        next_poll_at=_read_time(raw.get("next_poll_at")),
        message=str(raw.get("message") or ""),
        budget=read_budget(raw["budget"]) if raw.get("budget") else None,
    )


def outbox_item(item: OutboxItem) -> Json:
    data = asdict(item)
    data["state"] = item.state.value
    data["created_at"] = _time(item.created_at)
    data["updated_at"] = _time(item.updated_at)
    return data


def read_outbox_item(raw: Json) -> OutboxItem:
    known = {field.name for field in fields(OutboxItem)}
    values = {key: value for key, value in raw.items() if key in known}
    values["state"] = OutboxState(raw["state"])
    values["created_at"] = _read_time(raw["created_at"])
    values["updated_at"] = _read_time(raw["updated_at"])
    return OutboxItem(**values)


def handled_mark(key: str, by: str, at: datetime) -> Json:
    """An inbox item marked handled at the hub: its key (``tui.live.attention``), who, when."""
    return {"key": key, "by": by, "at": _time(at)}
