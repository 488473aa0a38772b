"""What every endpoint group shares: the transport, and reading objects and pages through it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from ..errors import MalformedResponse, SendOutcomeUnknown
from ..models import Page
from ..paging import PAGE_MAX, walk_pages
from ..params import query
from ..parsing import Collection, parse_one, parse_page
from ..sends import Send
from ..transport import Reply, Transport

log = logging.getLogger(__name__)

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
        try:
            reply = await self._transport.request(
                method, url, params=params, json=json, background=background, send=send
            )
            return parse_one(model, reply.data)
        except MalformedResponse as exc:
            if not send:
                raise
            # A 2xx came back, so it probably went out: failing it would invite a duplicate.
            raise SendOutcomeUnknown(
                f"CallRail accepted the {send.noun} but its answer could not be read ({exc.message}). "
                f"{send.check}."
            ) from None

    async def _page(
        self, path: str, collection: Collection[M], params: dict[str, str], background: bool
    ) -> Page[M]:
        reply = await self._transport.request("GET", path, params=params, background=background)
        return self._read(reply, collection)

    async def _follow(self, url: str, collection: Collection[M], background: bool) -> Page[M]:
        reply = await self._transport.request("GET", self._transport.follow(url), background=background)
        return self._read(reply, collection)

    def _read(self, reply: Reply, collection: Collection[M]) -> Page[M]:
        page = parse_page(reply, collection)
        if page.next_link and not self._transport.owns(page.next_link):
            # Unlike ``next_page`` the header is optional: page on by number rather than send the key away.
            log.warning("ignored a Link header that points to another server (%s)", page.next_link)
            page.next_link = None
        return page

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
