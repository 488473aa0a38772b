"""What every endpoint group shares: the transport, and reading objects and pages through it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from ..models import Page
from ..paging import PAGE_MAX, walk_pages
from ..params import query
from ..parsing import Collection, parse_one, parse_page
from ..sends import Send
from ..transport import Transport

M = TypeVar("M", bound=BaseModel)


def path(*parts: str) -> str:
    """A path under the base URL; ids are quoted so a strange id cannot escape its segment."""
    return "/".join(quote(str(part), safe="") for part in parts) + ".json"


class Endpoints:
    _transport: Transport

    async def _object(
        self,
        model: type[M],
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        background: bool = False,
        send: Send | None = None,
    ) -> M:
        reply = await self._transport.request(
            method, url, params=params, json=json, background=background, send=send
        )
        return parse_one(model, reply.data)

    async def _page(
        self, path: str, collection: Collection[M], params: dict[str, str], background: bool
    ) -> Page[M]:
        reply = await self._transport.request("GET", path, params=params, background=background)
        return parse_page(reply, collection)

    async def _follow(self, url: str, collection: Collection[M], background: bool) -> Page[M]:
        reply = await self._transport.request("GET", self._transport.follow(url), background=background)
        return parse_page(reply, collection)

    async def _walk(
        self,
        fetch: Callable[..., Awaitable[Page[M]]],
        collection: Collection[M],
        *,
        by_number: bool,
        max_pages: int | None,
        background: bool,
    ) -> AsyncIterator[M]:
        """Every record, starting with ``fetch()``; ``by_number``: ``fetch(page=n)`` gets page n."""

        async def follow(url: str) -> Page[M]:
            return await self._follow(url, collection, background)

        pages = walk_pages(
            await fetch(),
            by_number=(lambda number: fetch(page=number)) if by_number else None,
            by_link=follow,
            max_pages=max_pages,
        )
        async for item in pages:
            yield item

    async def _collect(
        self, path: str, collection: Collection[M], params: dict[str, str], background: bool
    ) -> list[M]:
        """Every record of a small collection (companies, trackers, ...), walking all pages."""

        async def fetch(page: int = 1) -> Page[M]:
            return await self._page(
                path, collection, params | query(page=page, per_page=PAGE_MAX), background
            )

        return [
            item
            async for item in self._walk(
                fetch, collection, by_number=True, max_pages=None, background=background
            )
        ]
