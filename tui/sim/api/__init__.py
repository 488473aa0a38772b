"""The CallRail v3 routes of the simulator as a Starlette app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tui.sim.api import calls, forms, integrations, resources, texts
from tui.sim.api.common import endpoint
from tui.sim.ratelimit import bucket_for

if TYPE_CHECKING:
    from tui.sim.simulator import Simulator

ACCOUNT = "/v3/a/{account_id}"


def _route(path: str, handler, methods: tuple[str, ...] = ("GET",)) -> Route:
    return Route(path, endpoint(handler), methods=list(methods))


ROUTES = [
    _route("/v3/a.json", resources.list_accounts),
    _route(ACCOUNT + ".json", resources.show_account),
    _route(ACCOUNT + "/companies.json", resources.list_companies),
    _route(ACCOUNT + "/companies/{company_id}.json", resources.show_company),
    _route(ACCOUNT + "/calls.json", calls.list_calls),
    _route(ACCOUNT + "/calls.json", calls.create_outbound_call, ("POST",)),
    # The relative-pagination ``next_page`` URL has no ``.json``.
    _route(ACCOUNT + "/calls", calls.list_calls),
    _route(ACCOUNT + "/calls/{call_id}.json", calls.show_call),
    _route(ACCOUNT + "/calls/{call_id}.json", calls.update_call, ("PUT",)),
    _route(ACCOUNT + "/calls/{call_id}/recording.json", calls.call_recording),
    _route(ACCOUNT + "/trackers.json", resources.list_trackers),
    _route(ACCOUNT + "/trackers/{tracker_id}.json", resources.show_tracker),
    _route(ACCOUNT + "/users.json", resources.list_users),
    _route(ACCOUNT + "/users/{user_id}.json", resources.show_user),
    _route(ACCOUNT + "/tags.json", resources.list_tags),
    _route(ACCOUNT + "/text-messages.json", texts.list_conversations),
    _route(ACCOUNT + "/text-messages.json", texts.send_text, ("POST",)),
    _route(ACCOUNT + "/text-messages/{conversation_id}.json", texts.show_conversation),
    _route(ACCOUNT + "/form_submissions.json", forms.list_form_submissions),
    _route(ACCOUNT + "/integrations.json", integrations.list_integrations),
    _route(ACCOUNT + "/integrations.json", integrations.create_integration, ("POST",)),
    _route(ACCOUNT + "/integrations/{integration_id}.json", integrations.show_integration),
    _route(ACCOUNT + "/integrations/{integration_id}.json", integrations.update_integration, ("PUT",)),
    _route(ACCOUNT + "/integrations/{integration_id}.json", integrations.delete_integration, ("DELETE",)),
]


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    """Unknown routes and methods: answered before authentication, logged but not counted."""
    messages = {404: "Not found", 405: "Method not allowed"}
    message = messages.get(error.status_code, error.detail)
    path = request.url.path
    request.app.state.sim.log_request(
        request.method, path, error.status_code, bucket_for(request.method, path)
    )
    return JSONResponse({"error": message}, status_code=error.status_code, headers=error.headers)


async def _server_error(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"error": "Internal server error"}, status_code=500)


def build_app(sim: Simulator) -> Starlette:
    app = Starlette(
        routes=ROUTES,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.sim = sim
    return app
