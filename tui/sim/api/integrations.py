"""Integrations: list (per company), show (``fields=signing_key``), create, update and delete (disable)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from tui.sim.api.common import ApiError, Ctx, json_response, not_found, paged
from tui.sim.state import Account, Integration
from tui.sim.webhooks.integrations import STATES, InvalidIntegration, validated_config


def integration_json(account: Account, integration: Integration, fields: set[str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": integration.id,
        "type": integration.type,
        "state": integration.state,
        "config": {key: list(values) for key, values in integration.config.items()},
    }
    if "signing_key" in fields and integration.type == "Webhooks":
        record["signing_key"] = account.signing_keys[integration.company_id]
    return record


def _required(body: dict[str, Any], name: str) -> Any:
    if body.get(name) in (None, ""):
        raise ApiError(400, f"Missing required parameter: {name}")
    return body[name]


def _find(ctx: Ctx) -> Integration:
    text = ctx.request.path_params["integration_id"]
    integration = ctx.account.integrations.get(int(text)) if text.isdigit() else None
    if integration is None:
        raise not_found("Integration")
    return integration


async def list_integrations(ctx: Ctx) -> Response:
    company_id = ctx.params.get("company_id")
    if not company_id:
        raise ApiError(400, "Missing required parameter: company_id")
    if company_id not in ctx.account.companies:
        raise not_found("Company")
    integrations = sorted(
        (i for i in ctx.account.integrations.values() if i.company_id == company_id), key=lambda i: i.id
    )
    fields = ctx.fields
    return paged(ctx, "integrations", integrations, lambda i: integration_json(ctx.account, i, fields))


async def show_integration(ctx: Ctx) -> Response:
    return json_response(integration_json(ctx.account, _find(ctx), ctx.fields))


async def create_integration(ctx: Ctx) -> Response:
    body = await ctx.body()
    kind, company_id = _required(body, "type"), _required(body, "company_id")
    config = _required(body, "config")
    if company_id not in ctx.account.companies:
        raise not_found("Company")
    try:
        integration = ctx.sim.integrations.create(ctx.account, kind, company_id, config, ctx.now)
    except InvalidIntegration as error:
        raise ApiError(400, str(error)) from error
    return json_response(integration_json(ctx.account, integration, {"signing_key"}), status=201)


async def update_integration(ctx: Ctx) -> Response:
    integration = _find(ctx)
    body = await ctx.body()
    if "config" not in body and "state" not in body:
        raise ApiError(400, "Nothing to update: give config and/or state")
    state = body.get("state", integration.state)
    if state not in STATES:
        raise ApiError(400, f"Invalid state: {state}. Valid values are: {', '.join(STATES)}")
    try:
        config = validated_config(integration.type, body["config"]) if "config" in body else None
    except InvalidIntegration as error:
        raise ApiError(400, str(error)) from error
    if config is not None:
        integration.config = config  # a partial list replaces the old one, as CallRail's does
    if state == "active" and integration.state != "active":
        integration.failures.clear()
    integration.state = state
    return json_response(integration_json(ctx.account, integration, ctx.fields))


async def delete_integration(ctx: Ctx) -> Response:
    # DELETE disables (the reference's word): the integration stays, and PUT state=active brings it back.
    _find(ctx).state = "disabled"
    return Response(status_code=204)
