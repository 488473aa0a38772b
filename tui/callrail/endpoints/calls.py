"""Calls: list (offset or relative pagination), read, update, place an outbound call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from ..errors import InvalidRequest
from ..fields import DETAIL_CALL_FIELDS, LIST_CALL_FIELDS
from ..models import Call, Page
from ..paging import PAGE_MAX
from ..params import UNSET, body, date_filters, join_fields, query
from ..parsing import Collection
from ..sends import OUTBOUND_CALL
from .base import Endpoints, path

CALLS = Collection("calls", Call)


class CallEndpoints(Endpoints):
    async def list_calls(
        self,
        account_id: str,
        *,
        page: int = 1,
        per_page: int = 100,
        fields: str | Iterable[str] | None = LIST_CALL_FIELDS,
        company_id: str | None = None,
        tracker_id: str | None = None,
        date_range: str | None = None,
        start_date: str | date | datetime | None = None,
        end_date: str | date | datetime | None = None,
        time_zone: str | None = None,
        direction: str | None = None,
        answer_status: str | None = None,
        lead_status: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        relative: bool = False,
        offset: int | None = None,
        background: bool = False,
    ) -> Page[Call]:
        """One page of calls. ``relative=True`` uses relative pagination (``offset``, ``next_page``)."""
        params = query(
            per_page=per_page,
            fields=join_fields(fields),
            company_id=company_id,
            tracker_id=tracker_id,
            direction=direction,
            answer_status=answer_status,
            lead_status=lead_status,
            search=search,
            sort=sort,
            order=order,
            **date_filters(
                date_range=date_range, start_date=start_date, end_date=end_date, time_zone=time_zone
            ),
        )
        if relative:
            params |= query(relative_pagination=True, offset=offset)
        else:
            params |= query(page=page)
        return await self._page(path("a", account_id, "calls"), CALLS, params, background)

    async def iter_calls(
        self,
        account_id: str,
        *,
        relative: bool = True,
        per_page: int = PAGE_MAX,
        max_pages: int | None = None,
        background: bool = False,
        **filters: Any,
    ) -> AsyncIterator[Call]:
        """Every call matching ``filters`` (the keyword arguments of ``list_calls``), page by page."""
        fetch = partial(
            self.list_calls,
            account_id,
            relative=relative,
            per_page=per_page,
            background=background,
            **filters,
        )
        async for call in self._walk(
            fetch, CALLS, by_number=not relative, max_pages=max_pages, background=background
        ):
            yield call

    async def get_call(
        self,
        account_id: str,
        call_id: str,
        fields: str | Iterable[str] | None = DETAIL_CALL_FIELDS,
        *,
        background: bool = False,
    ) -> Call:
        params = query(fields=join_fields(fields))
        return await self._object(
            Call, "GET", path("a", account_id, "calls", call_id), params=params, background=background
        )

    async def update_call(
        self,
        account_id: str,
        call_id: str,
        *,
        tags: list[str] | None = UNSET,
        append_tags: bool | None = UNSET,
        note: str | None = UNSET,
        lead_status: str | None = UNSET,
        value: str | None = UNSET,
        customer_name: str | None = UNSET,
        spam: bool | None = UNSET,
        background: bool = False,
    ) -> Call:
        """PUT semantics: arguments not given are left unchanged; ``None`` clears the field."""
        changes = body(
            tags=tags,
            append_tags=append_tags,
            note=note,
            lead_status=lead_status,
            value=value,
            customer_name=customer_name,
            spam=spam,
        )
        if not changes:
            raise InvalidRequest("Nothing to update: give at least one field to change.")
        return await self._object(
            Call, "PUT", path("a", account_id, "calls", call_id), json=changes, background=background
        )

    async def create_outbound_call(
        self,
        account_id: str,
        *,
        caller_id: str,
        customer_phone_number: str,
        business_phone_number: str,
        recording_enabled: bool | None = None,
        outbound_greeting_recording_url: str | None = None,
        outbound_greeting_text: str | None = None,
        agent_id: str | None = None,
        background: bool = False,
    ) -> Call:
        """Ring ``business_phone_number``; when it answers, dial ``customer_phone_number`` showing
        ``caller_id`` (a tracking number or verified caller id). Real and billable, so never retried: on
        ``SendOutcomeUnknown`` the call may or may not have been placed. Returns the call as it starts."""
        if not caller_id or not customer_phone_number or not business_phone_number:
            raise InvalidRequest(
                "An outbound call needs a caller id, the customer's and the business's number."
            )
        optional = {
            "recording_enabled": recording_enabled,
            "outbound_greeting_recording_url": outbound_greeting_recording_url,
            "outbound_greeting_text": outbound_greeting_text,
            "agent_id": agent_id,
        }
        payload = {
            "caller_id": caller_id,
            "customer_phone_number": customer_phone_number,
            "business_phone_number": business_phone_number,
            **{name: value for name, value in optional.items() if value is not None},
        }
        return await self._object(
            Call,
            "POST",
            path("a", account_id, "calls"),
            json=payload,
            background=background,
            send=OUTBOUND_CALL,
        )
