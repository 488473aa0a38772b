"""Walking a collection page by page.

The next page is, in order of preference: the body's ``next_page`` (relative pagination on calls), an
RFC 8288 ``Link`` header with ``rel="next"``, or, for offset pagination, the next page number while
``total_pages`` says there is one. A page without records ends the walk.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from .models import Page

PAGE_MAX = 250

T = TypeVar("T")

# <target> then its parameters; a quoted value may hold commas and semicolons
_LINK = re.compile(r"""<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"[^"]*"|[^;,\s]*))?)*)""")
_REL = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def next_link(header: str | None) -> str | None:
    """The target of the ``rel="next"`` link in a ``Link`` header, as written (maybe relative)."""
    for target, attributes in _LINK.findall(header or ""):
        for quoted, bare in _REL.findall(attributes):
            if "next" in (quoted or bare).lower().split():
                return target.strip() or None
    return None


async def walk_pages(
    first: Page[T],
    *,
    by_number: Callable[[int], Awaitable[Page[T]]] | None,
    by_link: Callable[[str], Awaitable[Page[T]]],
    max_pages: int | None,
) -> AsyncIterator[T]:
    """Every item from ``first`` on. ``by_number`` fetches page n (offset pagination; None for relative)."""
    result, pages = first, 1
    while True:
        for item in result.items:
            yield item
        if not result.items or result.has_next_page is False:
            return
        if max_pages is not None and pages >= max_pages:
            return
        link = result.next_page or result.next_link
        if link:
            result = await by_link(link)
        elif by_number is not None and result.total_pages is not None and pages < result.total_pages:
            result = await by_number(pages + 1)
        else:
            return
        pages += 1
