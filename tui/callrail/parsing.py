"""Response bodies as models: pages of records and single objects."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .coerce import to_int
from .errors import MalformedResponse
from .models import Page
from .paging import next_link
from .transport import Reply

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Collection(Generic[M]):
    """A list endpoint's records: the body key that holds them and their model.

    ``key_verified=False`` where the reference only presumes the key: then a body without it whose only
    list is a list of objects is read as the records."""

    key: str
    model: type[M]
    key_verified: bool = True


def parse_page(reply: Reply, collection: Collection[M]) -> Page[M]:
    data, key = reply.data, collection.key
    records = _records(data, collection)
    items: list[M] = []
    rejected: list[str] = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            rejected.append(f"{key}[{index}]: not an object ({type(record).__name__})")
            continue
        try:
            items.append(collection.model.model_validate(record))
        except ValidationError as exc:
            reason = exc.errors()[0]
            where = ".".join(str(part) for part in reason["loc"]) or "record"
            rejected.append(f"{key}[{index}]: {where}: {reason['msg']}")
    if rejected:
        log.warning("skipped %d unreadable %s: %s", len(rejected), key, "; ".join(rejected))
    next_page = data.get("next_page")
    has_next_page = data.get("has_next_page")
    link = next_link(reply.headers.get("link"))
    return Page(
        items=items,
        page=to_int(data.get("page")),
        per_page=to_int(data.get("per_page")),
        total_pages=to_int(data.get("total_pages")),
        total_records=to_int(data.get("total_records")),
        next_page=next_page if isinstance(next_page, str) else None,
        has_next_page=has_next_page if isinstance(has_next_page, bool) else None,
        next_link=str(reply.url.join(link)) if link else None,
        rejected=rejected,
    )


def _records(data: Any, collection: Collection[Any]) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get(collection.key), list):
        return data[collection.key]
    if isinstance(data, dict) and not collection.key_verified:
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) == 1 and all(isinstance(record, dict) for record in lists[0]):
            return lists[0]
    raise MalformedResponse(f"CallRail's answer has no list of {collection.key}.")


def parse_one(model: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise MalformedResponse(f"CallRail's answer is not a {model.__name__.lower()} object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MalformedResponse(
            f"CallRail's {model.__name__.lower()} could not be read: {exc.errors()[0]['msg']}"
        ) from None
