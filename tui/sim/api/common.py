"""What every endpoint shares: authentication, rate limiting, logging, errors, paging, sorting, fields."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tui.sim import dates
from tui.sim.ratelimit import bucket_for
from tui.sim.state import Account

if TYPE_CHECKING:
    from tui.sim.simulator import Simulator

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 250
AUTH_HEADER = re.compile(r'^Token\s+token=(?:"([^"]*)"|(\S+))\s*$', re.IGNORECASE)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> JSONResponse:
        headers = {"www-authenticate": 'Token realm="Application"'} if self.status == 401 else None
        return JSONResponse({"error": self.message}, status_code=self.status, headers=headers)


def request_zone(ctx: Ctx) -> tzinfo:
    """The ``time_zone`` the request asks for, else the account user's; 400 for an unknown one."""
    try:
        return dates.zone(ctx.params.get("time_zone"), ctx.sim.config.user_time_zone)
    except dates.DateFilterError as error:
        raise ApiError(400, str(error)) from error


def date_window(ctx: Ctx, zone: tzinfo) -> tuple[datetime, datetime]:
    """The ``date_range`` / ``start_date`` / ``end_date`` window of a list request; 400 when invalid."""
    try:
        return dates.window(ctx.params, zone, ctx.now)
    except dates.DateFilterError as error:
        raise ApiError(400, str(error)) from error


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


@dataclass
class Ctx:
    sim: Simulator
    account: Account
    request: Request
    now: datetime
    visible: tuple[Account, ...] = ()  # every account the key sees (an agency's key sees several)

    @property
    def params(self) -> QueryParams:
        return self.request.query_params

    @property
    def fields(self) -> set[str]:
        return {name.strip() for name in self.params.get("fields", "").split(",") if name.strip()}

    async def body(self) -> dict[str, Any]:
        raw = await self.request.body()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise ApiError(400, "The request body is not valid JSON") from error
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object")
        return body


Handler = Callable[[Ctx], Awaitable[Response]]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: advance the scenario, authenticate, rate-limit, count, log, add headers."""

    async def run(request: Request) -> Response:
        sim: Simulator = request.app.state.sim
        sim.advance()
        now = sim.clock.now()
        bucket = bucket_for(request.method, request.url.path)
        account = None
        try:
            visible = _authenticate(sim, request)
            account = _account_in_path(visible, request)
            if not sim.limiter.allows(account.id, bucket, now):
                raise ApiError(429, "Rate limit exceeded. Please slow down your requests.")
            sim.limiter.record(account.id, bucket, now)
            response = await handler(Ctx(sim, account, request, now, tuple(visible)))
        except ApiError as error:
            response = error.response()
        response.headers["x-request-id"] = str(uuid.uuid4())
        if account is not None and sim.config.rate_limit_headers:
            usage = sim.limiter.usage(account.id, bucket, now)
            response.headers["x-rate-limit-hourly-allowed"] = str(usage.limits.hourly)
            response.headers["x-rate-limit-hourly-used"] = str(usage.hourly_used)
            response.headers["x-rate-limit-daily-allowed"] = str(usage.limits.daily)
            response.headers["x-rate-limit-daily-used"] = str(usage.daily_used)
        sim.log_request(request.method, request.url.path, response.status_code, bucket)
        return response

    return run


def _authenticate(sim: Simulator, request: Request) -> list[Account]:
    match = AUTH_HEADER.match(request.headers.get("authorization", ""))
    accounts = sim.accounts_for_key(match.group(1) or match.group(2)) if match else []
    if not accounts:
        raise ApiError(401, "HTTP Token: Access denied.")
    return accounts


def _account_in_path(visible: list[Account], request: Request) -> Account:
    """The account the path names, among those the key sees (the first of them for a path with none)."""
    requested = request.path_params.get("account_id")
    if requested is None:
        return visible[0]
    # Another account's id looks the same as one that does not exist.
    named = (a for a in visible if requested in (a.id, str(a.numeric_id)))
    account = next(named, None)
    if account is None:
        raise not_found("Account")
    return account


def json_response(payload: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status)


def positive_int(params: QueryParams, name: str, default: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise ApiError(400, f"{name} must be a positive integer") from error
    if value < 1:
        raise ApiError(400, f"{name} must be a positive integer")
    return value


def per_page(params: QueryParams) -> int:
    return min(MAX_PER_PAGE, positive_int(params, "per_page", DEFAULT_PER_PAGE))


def paged(
    ctx: Ctx,
    key: str,
    items: Sequence[Any],
    render: Callable[[Any], Any],
    record: dict[str, Any] | None = None,
) -> JSONResponse:
    """One page of ``items`` in the offset-pagination envelope (after ``record``'s fields, if given), with
    an RFC 8288 ``Link`` header to the next, previous, first and last pages that exist."""
    params = ctx.params
    page, size = positive_int(params, "page", 1), per_page(params)
    total_pages = math.ceil(len(items) / size)
    chunk = items[(page - 1) * size : page * size]
    envelope = {
        "page": page,
        "per_page": size,
        "total_pages": total_pages,
        "total_records": len(items),
        key: [render(item) for item in chunk],
    }
    url = ctx.request.url
    links = {}
    if page < total_pages:
        links["next"] = url.include_query_params(page=page + 1)
    if page > 1:
        links["prev"] = url.include_query_params(page=min(page - 1, max(total_pages, 1)))
    if total_pages:
        links["first"] = url.include_query_params(page=1)
        links["last"] = url.include_query_params(page=total_pages)
    response = json_response((record or {}) | envelope)
    if links:
        response.headers["link"] = link_header({rel: str(target) for rel, target in links.items()})
    return response


def link_header(links: dict[str, str]) -> str:
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())


def sorted_by(
    params: QueryParams, items: list[Any], keys: dict[str, Callable[[Any], Any]], default: tuple[str, str]
) -> list[Any]:
    """Apply ``sort``/``order`` (``order`` needs ``sort``); ``default`` is (field, order) otherwise."""
    sort, order = params.get("sort"), params.get("order")
    if order and not sort:
        raise ApiError(400, "order requires sort")
    if order and order.lower() not in ("asc", "desc"):
        raise ApiError(400, f"Invalid order: {order}. Valid values are asc and desc")
    if sort and sort not in keys:
        raise ApiError(400, f"Invalid sort field: {sort}. Valid fields are: {', '.join(keys)}")
    field, direction = (sort, (order or "asc").lower()) if sort else default
    return sorted(items, key=keys[field], reverse=direction == "desc")


def choice(params: QueryParams, name: str, allowed: Sequence[str]) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if value not in allowed:
        raise ApiError(400, f"Invalid {name}: {value}. Valid values are: {', '.join(allowed)}")
    return value


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def normalize_phone(text: Any) -> str | None:
    """A US/Canada number in E.164, from E.164, 10 digits or a dashed form; None if it is not one."""
    if not isinstance(text, str | int):
        return None
    number = digits(str(text))
    if len(number) == 11 and number.startswith("1"):
        number = number[1:]
    return f"+1{number}" if len(number) == 10 else None
