"""Accounts, companies, trackers, users and tags: read-only lists and single records."""

from __future__ import annotations

from starlette.responses import Response

from tui.sim import serializers
from tui.sim.api.common import ApiError, Ctx, choice, json_response, not_found, paged, sorted_by


async def list_accounts(ctx: Ctx) -> Response:
    accounts = list(ctx.visible or (ctx.account,))
    hipaa = choice(ctx.params, "hipaa_account", ("true", "false"))
    if hipaa == "true":
        accounts = []
    accounts = sorted_by(ctx.params, accounts, {"name": lambda a: a.name.lower()}, ("name", "asc"))
    fields = ctx.fields
    return paged(ctx, "accounts", accounts, lambda a: serializers.account_json(a, fields))


async def show_account(ctx: Ctx) -> Response:
    return json_response(serializers.account_json(ctx.account, ctx.fields))


async def list_companies(ctx: Ctx) -> Response:
    companies = list(ctx.account.companies.values())
    status = choice(ctx.params, "status", ("active", "disabled"))
    if status:
        companies = [c for c in companies if c.status == status]
    search = ctx.params.get("search", "").lower()
    if search:
        companies = [c for c in companies if search in c.name.lower()]
    companies = sorted_by(ctx.params, companies, {"name": lambda c: c.name.lower()}, ("name", "asc"))
    fields = ctx.fields
    return paged(ctx, "companies", companies, lambda c: serializers.company_json(ctx.account, c, fields))


async def show_company(ctx: Ctx) -> Response:
    company = ctx.account.companies.get(ctx.request.path_params["company_id"])
    if company is None:
        raise not_found("Company")
    return json_response(serializers.company_json(ctx.account, company, ctx.fields))


async def list_trackers(ctx: Ctx) -> Response:
    trackers = list(ctx.account.trackers.values())
    company_id = ctx.params.get("company_id")
    if company_id:
        trackers = [t for t in trackers if t.company_id == company_id]
    status = choice(ctx.params, "status", ("active", "disabled"))
    if status:
        trackers = [t for t in trackers if t.status == status]
    trackers = sorted_by(
        ctx.params,
        trackers,
        {"name": lambda t: t.name.lower(), "created_at": lambda t: t.created_at},
        ("created_at", "asc"),
    )
    return paged(ctx, "trackers", trackers, lambda t: serializers.tracker_json(ctx.account, t))


async def show_tracker(ctx: Ctx) -> Response:
    tracker = ctx.account.trackers.get(ctx.request.path_params["tracker_id"])
    if tracker is None:
        raise not_found("Tracker")
    return json_response(serializers.tracker_json(ctx.account, tracker))


async def list_users(ctx: Ctx) -> Response:
    users = list(ctx.account.users.values())
    company_id = ctx.params.get("company_id")
    if company_id:
        users = [u for u in users if company_id in u.company_ids]
    search = ctx.params.get("search", "").lower()
    if search:
        users = [u for u in users if search in f"{u.first_name} {u.last_name} {u.email}".lower()]
    users = sorted_by(
        ctx.params,
        users,
        {"email": lambda u: u.email, "created_at": lambda u: u.created_at},
        ("created_at", "asc"),
    )
    return paged(ctx, "users", users, lambda u: serializers.user_json(ctx.account, u))


async def show_user(ctx: Ctx) -> Response:
    user = ctx.account.users.get(ctx.request.path_params["user_id"])
    if user is None:
        raise not_found("User")
    return json_response(serializers.user_json(ctx.account, user))


async def list_tags(ctx: Ctx) -> Response:
    tags = list(ctx.account.tags.values())
    company_id = ctx.params.get("company_id")
    level = choice(ctx.params, "tag_level", ("company", "account"))
    if level == "account" and company_id:
        raise ApiError(400, "tag_level=account cannot be combined with company_id")
    if company_id:
        tags = [t for t in tags if t.company_id == company_id]
    if level:
        tags = [t for t in tags if t.tag_level == level]
    status = choice(ctx.params, "status", ("enabled", "disabled"))
    if status:
        tags = [t for t in tags if t.status == status]
    tags = sorted_by(
        ctx.params, tags, {"name": lambda t: t.name.lower(), "id": lambda t: t.id}, ("id", "asc")
    )
    return paged(ctx, "tags", tags, lambda t: serializers.tag_json(ctx.account, t))
