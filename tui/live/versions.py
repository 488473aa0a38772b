"""One truth from several sources: each field keeps the value observed last.

Every field of a call or conversation remembers when the value it holds was observed (a poll's time, a
webhook's ``timestamp``). An incoming value replaces it only if it was observed later; on a tie the
larger value (in a fixed order) wins. Merging is then idempotent, commutative and associative: the same
observations in any order, duplicated or not, end in the same record, so a late Post-Call never rolls
back a newer Call Modified. A conversation's messages are a set that only grows (keyed by direction,
content and second, each merged like a record), from which its ``recent_messages`` and, once a thread
was read, ``messages`` are drawn.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from tui.callrail.models import TextMessage

Model = TypeVar("Model", bound=BaseModel)
Versions = dict[str, float]  # field name -> epoch seconds of the observation its value came from
MessageKey = tuple[str, str, float]
Messages = dict[MessageKey, tuple[TextMessage, Versions]]  # every message seen in a conversation

RECENT_MESSAGES = 2  # as many as the API's conversation list carries
MESSAGE_FIELDS = frozenset({"messages", "recent_messages"})  # merged as a set, not field by field
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def carried(record: BaseModel) -> dict[str, Any]:
    """The fields a record was given (set or extra): what an observation says, and nothing it did not."""
    fields = type(record).model_fields
    values = {name: getattr(record, name) for name in record.model_fields_set if name in fields}
    values.update(record.__pydantic_extra__ or {})
    return values


def _rank(value: Any) -> tuple[str, str]:
    return (type(value).__name__, repr(value))


def merge_fields(
    old: Model, versions: Versions, new: BaseModel, at: float, skip: frozenset[str] = frozenset()
) -> Model:
    """``old`` with each field of ``new`` observed later than what ``old`` holds; ``versions`` is updated.
    A field of ``old`` with no version (read from the store) gives way to any observation."""
    update: dict[str, Any] = {}
    for name, value in carried(new).items():
        if name in skip:
            continue
        held = versions.get(name)
        if held is not None:
            if at < held:
                continue
            if at == held and _rank(value) <= _rank(getattr(old, name, None)):
                continue
        versions[name] = at
        update[name] = value
    return old.model_copy(update=update) if update else old


def first_versions(record: BaseModel, at: float) -> Versions:
    return dict.fromkeys(carried(record), at)


# -- messages -----------------------------------------------------------------------------------------


def message_key(message: TextMessage) -> MessageKey:
    # the list's recent_messages carry no id, and a webhook's timestamp may be finer than the API's
    moment = message.created_at.timestamp() // 1 if message.created_at else float("-inf")
    return (message.direction or "", message.content or "", moment)


def _order(message: TextMessage) -> tuple:
    return (message.created_at or _EARLIEST, *message_key(message))


def add_messages(seen: Messages, messages: list[TextMessage], at: float) -> None:
    """Into ``seen``, each message merged field by field like a record (a thread read's status is
    kept when a later list read, which carries none, brings the same message)."""
    for message in messages:
        key = message_key(message)
        held = seen.get(key)
        if held is None:
            seen[key] = (message, first_versions(message, at))
        else:
            kept, versions = held
            seen[key] = (merge_fields(kept, versions, message, at), versions)


def newest_first(seen: Messages) -> list[TextMessage]:
    return sorted((message for message, _ in seen.values()), key=_order, reverse=True)


def message_fields(seen: Messages, thread_read: bool) -> dict[str, Any]:
    """What a conversation shows of its message set: the newest few, and every one once a thread was read."""
    ordered = newest_first(seen)
    update: dict[str, Any] = {"recent_messages": ordered[:RECENT_MESSAGES]} if ordered else {}
    if thread_read:
        update["messages"] = ordered
    return update
