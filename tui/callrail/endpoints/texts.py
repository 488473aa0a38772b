"""Text conversations: list, read one with its messages, send a text."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from ..errors import InvalidRequest
from ..models import Conversation, Page
from ..paging import PAGE_MAX
from ..params import date_filters, join_fields, query
from ..parsing import Collection
from ..sends import TEXT
from .base import Endpoints, path

TEXT_MAX_CHARS = 140
CONVERSATIONS = Collection("conversations", Conversation)


class TextEndpoints(Endpoints):
    async def list_conversations(
        self,
        account_id: str,
        *,
        page: int = 1,
        per_page: int = 100,
        company_id: str | None = None,
        date_range: str | None = None,
        start_date: str | date | datetime | None = None,
        end_date: str | date | datetime | None = None,
        time_zone: str | None = None,
        search: str | None = None,
        fields: str | Iterable[str] | None = None,
        background: bool = False,
    ) -> Page[Conversation]:
        params = query(
            page=page,
            per_page=per_page,
            company_id=company_id,
            search=search,
            fields=join_fields(fields),
            **date_filters(
                date_range=date_range, start_date=start_date, end_date=end_date, time_zone=time_zone
            ),
        )
        return await self._page(path("a", account_id, "text-messages"), CONVERSATIONS, params, background)

    async def iter_conversations(
        self,
        account_id: str,
        *,
        per_page: int = PAGE_MAX,
        max_pages: int | None = None,
        background: bool = False,
        **filters: Any,
    ) -> AsyncIterator[Conversation]:
        fetch = partial(
            self.list_conversations, account_id, per_page=per_page, background=background, **filters
        )
        async for conversation in self._walk(
            fetch, CONVERSATIONS, by_number=True, max_pages=max_pages, background=background
        ):
            yield conversation

    async def get_conversation(
        self,
        account_id: str,
        conversation_id: str,
        page: int = 1,
        per_page: int = 100,
        *,
        background: bool = False,
    ) -> Conversation:
        """The conversation with one page of its ``messages``, newest first."""
        return await self._object(
            Conversation,
            "GET",
            path("a", account_id, "text-messages", conversation_id),
            params=query(page=page, per_page=per_page),
            background=background,
        )

    async def send_text(
        self,
        account_id: str,
        *,
        company_id: str,
        customer_phone_number: str,
        content: str,
        tracking_number: str | None = None,
        background: bool = False,
    ) -> Conversation:
        """Send one SMS. Never retried: on ``SendOutcomeUnknown`` the text may or may not have gone out."""
        if not content or not content.strip():
            raise InvalidRequest("The message is empty.")
        if len(content) > TEXT_MAX_CHARS:
            raise InvalidRequest(
                f"The message is {len(content)} characters; CallRail accepts at most {TEXT_MAX_CHARS}."
            )
        if not company_id or not customer_phone_number:
            raise InvalidRequest("A text needs a company and the customer's phone number.")
        payload = {
            "company_id": company_id,
            "customer_phone_number": customer_phone_number,
            "content": content,
        }
        if tracking_number:
            payload["tracking_number"] = tracking_number
        return await self._object(
            Conversation,
            "POST",
            path("a", account_id, "text-messages"),
            json=payload,
            background=background,
            send=TEXT,
        )
