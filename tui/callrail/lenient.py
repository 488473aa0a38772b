"""Lenient value types for the models: every value is coerced (``coerce.py``) and an unparseable one
becomes ``None``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from .coerce import (
    list_or_empty,
    parse_datetime,
    to_bool,
    to_dict,
    to_float,
    to_id,
    to_int,
    to_str,
    to_str_list,
    to_text,
)

Int = Annotated[int | None, BeforeValidator(to_int)]
Float = Annotated[float | None, BeforeValidator(to_float)]
Bool = Annotated[bool | None, BeforeValidator(to_bool)]
Str = Annotated[str | None, BeforeValidator(to_str)]
Text = Annotated[str | None, BeforeValidator(to_text)]
Id = Annotated[str, BeforeValidator(to_id)]
When = Annotated[datetime | None, BeforeValidator(parse_datetime)]
StrList = Annotated[list[str], BeforeValidator(to_str_list)]
Dict = Annotated[dict[str, Any] | None, BeforeValidator(to_dict)]


class Lenient(BaseModel):
    # defer_build: each model's validator is built when first used, not on import, so the models the
    # first frame does not need (accounts, users, tags, integrations, forms) cost nothing at start-up
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


def models_or_empty(model: type[BaseModel]):
    """A list of sub-objects; items that are not objects or do not validate are dropped."""

    def convert(value: Any) -> list[Any]:
        items = []
        for item in list_or_empty(value):
            if isinstance(item, model):
                items.append(item)
            elif isinstance(item, dict):
                try:
                    items.append(model.model_validate(item))
                except ValueError:
                    continue
        return items

    return BeforeValidator(convert)
