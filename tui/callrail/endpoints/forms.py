"""Form submissions: list, with the same date filters as calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from ..models import FormSubmission, Page
from ..paging import PAGE_MAX
from ..params import date_filters, join_fields, query
from ..parsing import Collection
from .base import Endpoints, path

FORM_SUBMISSIONS = Collection("form_submissions", FormSubmission, key_verified=False)


class FormEndpoints(Endpoints):
    async def list_form_submissions(
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
        fields: str | Iterable[str] | None = None,
        background: bool = False,
    ) -> Page[FormSubmission]:
        params = query(
            page=page,
            per_page=per_page,
            company_id=company_id,
            fields=join_fields(fields),
            **date_filters(
                date_range=date_range, start_date=start_date, end_date=end_date, time_zone=time_zone
            ),
        )
        return await self._page(
            path("a", account_id, "form_submissions"), FORM_SUBMISSIONS, params, background
        )

    async def iter_form_submissions(
        self,
        account_id: str,
        *,
        per_page: int = PAGE_MAX,
        max_pages: int | None = None,
        background: bool = False,
        **filters: Any,
    ) -> AsyncIterator[FormSubmission]:
        """Every submission matching ``filters`` (the keyword arguments of ``list_form_submissions``)."""
        fetch = partial(
            self.list_form_submissions, account_id, per_page=per_page, background=background, **filters
        )
        async for submission in self._walk(
            fetch, FORM_SUBMISSIONS, by_number=True, max_pages=max_pages, background=background
        ):
            yield submission
