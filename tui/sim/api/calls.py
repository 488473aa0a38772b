"""Calls: list (offset or relative pagination), show, update (PUT), recording."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from tui.sim import serializers
from tui.sim.api.common import (
    ApiError,
    Ctx,
    choice,
    date_window,
    digits,
    json_response,
    link_header,
    normalize_phone,
    not_found,
    paged,
    per_page,
    request_zone,
    sorted_by,
)
from tui.sim.state import Account, Call, Outcome, Phase

LEAD_STATUSES = ("good_lead", "not_a_lead")


def _api_base(ctx: Ctx) -> str:
    return f"{ctx.request.url.scheme}://{ctx.request.url.netloc}/v3"


def _sort_keys(account: Account) -> dict[str, Callable[[Call], Any]]:
    def tracker(call: Call):
        return account.trackers[call.tracker_id]

    def ended(call: Call) -> bool:
        return call.phase is not Phase.RINGING

    return {
        "start_time": lambda c: c.started_at,
        "duration": lambda c: c.duration if ended(c) else -1,
        "customer_name": lambda c: (
            (c.customer_name if c.customer_name is not None else c.customer.cnam) or ""
        ),
        "customer_phone_number": lambda c: c.customer.phone,
        "customer_city": lambda c: c.customer.city,
        "customer_country": lambda c: "US",
        "source": lambda c: tracker(c).source,
        "source_name": lambda c: tracker(c).name,
        "landing_page_url": lambda c: (
            "" if tracker(c).source == "Direct" else account.companies[c.company_id].website
        ),
        "device_type": lambda c: "",
        "answered": lambda c: ended(c) and c.outcome is Outcome.ANSWERED,
        "first_call": lambda c: c.first_call,
        "lead_status": lambda c: c.lead_status or "",
        "tags": lambda c: min(
            (account.tags[t].name.lower() for t in c.tag_ids if t in account.tags), default=""
        ),
    }


def _matching_calls(ctx: Ctx, zone: tzinfo) -> list[Call]:
    params, account = ctx.params, ctx.account
    start, end = date_window(ctx, zone)
    direction = choice(params, "direction", ("inbound", "outbound"))
    answer_status = choice(params, "answer_status", ("answered", "missed", "voicemail"))
    lead_status = choice(params, "lead_status", ("good_lead", "not_a_lead", "not_scored"))
    call_type = choice(params, "call_type", ("first_call", "missed", "voicemails", "inbound", "outbound"))
    company_id, tracker_id = params.get("company_id"), params.get("tracker_id")
    tags = {t.lower() for t in params.getlist("tags") + params.getlist("tags[]") if t}
    search = params.get("search", "").strip().lower()

    def keep(call: Call) -> bool:
        if call.spam or (start and call.started_at < start) or (end and call.started_at >= end):
            return False
        if (company_id and call.company_id != company_id) or (tracker_id and call.tracker_id != tracker_id):
            return False
        outcome = call.outcome if call.phase is not Phase.RINGING else None
        return (
            direction in (None, call.direction)
            and (answer_status is None or _has_answer_status(outcome, answer_status))
            and (lead_status is None or _has_lead_status(call, lead_status))
            and (call_type is None or _has_call_type(call, outcome, call_type))
            and (
                not tags
                or any(t in account.tags and account.tags[t].name.lower() in tags for t in call.tag_ids)
            )
            and (not search or _search_matches(account, call, search))
        )

    return [call for call in account.calls if keep(call)]


def _has_answer_status(outcome: Outcome | None, wanted: str) -> bool:
    """``answered`` and ``missed`` split the finished calls; a call still ringing is neither."""
    if wanted == "answered":
        return outcome is Outcome.ANSWERED
    if wanted == "missed":
        return outcome is not None and outcome is not Outcome.ANSWERED
    return outcome is Outcome.VOICEMAIL


def _has_lead_status(call: Call, wanted: str) -> bool:
    if wanted == "not_scored":
        return call.lead_status in (None, "previously_marked_good_lead")
    return call.lead_status == wanted


def _has_call_type(call: Call, outcome: Outcome | None, wanted: str) -> bool:
    if wanted == "first_call":
        return call.first_call
    if wanted == "missed":
        return outcome in (Outcome.MISSED, Outcome.ABANDONED)
    if wanted == "voicemails":
        return call.direction == "inbound" and outcome is Outcome.VOICEMAIL
    return wanted == call.direction


def _search_matches(account: Account, call: Call, term: str) -> bool:
    tracker = account.trackers[call.tracker_id]
    name = call.customer_name if call.customer_name is not None else call.customer.cnam
    texts = (name or "", call.note or "", tracker.source)
    if any(term in text.lower() for text in texts):
        return True
    numbers = (call.customer.phone, tracker.tracking_number, call.business_phone_number)
    wanted = digits(term)
    return len(wanted) >= 3 and any(wanted in digits(number) for number in numbers)


async def list_calls(ctx: Ctx) -> Response:
    zone = request_zone(ctx)
    calls = sorted_by(ctx.params, _matching_calls(ctx, zone), _sort_keys(ctx.account), ("start_time", "desc"))
    fields, base = ctx.fields, _api_base(ctx)

    def render(call: Call) -> dict:
        return serializers.call_json(ctx.account, call, zone, fields, base)

    if ctx.params.get("relative_pagination", "").lower() != "true":
        return paged(ctx, "calls", calls, render)
    size = per_page(ctx.params)
    offset = _offset(ctx)
    chunk = calls[offset * size : (offset + 1) * size]
    has_next = len(calls) > (offset + 1) * size
    next_page = _relative_page_url(ctx, offset + 1, size) if has_next else None
    response = json_response(
        {"calls": [render(call) for call in chunk], "next_page": next_page, "has_next_page": has_next}
    )
    # No "last": relative pagination does not count the pages.
    links = {"next": next_page} if next_page else {}
    if offset > 0:
        links["prev"] = _relative_page_url(ctx, offset - 1, size)
    links["first"] = _relative_page_url(ctx, 0, size)
    response.headers["link"] = link_header(links)
    return response


def _offset(ctx: Ctx) -> int:
    text = ctx.params.get("offset") or "0"
    if not text.isdigit():
        raise ApiError(400, "offset must be a non-negative integer")
    return int(text)


def _relative_page_url(ctx: Ctx, offset: int, size: int) -> str:
    """The absolute URL of a page: the same filters, no ``.json``, as CallRail returns ``next_page``."""
    kept = [
        (k, v) for k, v in ctx.params.multi_items() if k not in ("offset", "per_page", "relative_pagination")
    ]
    query = urlencode([*kept, ("offset", offset), ("per_page", size), ("relative_pagination", "true")])
    return f"{_api_base(ctx)}/a/{ctx.account.id}/calls?{query}"


def _find_call(ctx: Ctx) -> Call:
    call = ctx.account.calls_by_id.get(ctx.request.path_params["call_id"])
    if call is None or call.spam:
        raise not_found("Call")
    return call


async def create_outbound_call(ctx: Ctx) -> Response:
    account = ctx.account
    if not ctx.sim.config.outbound_calls_enabled:
        raise ApiError(403, "Outbound calling is not enabled for this account.")
    body = await ctx.body()
    for name in ("caller_id", "customer_phone_number", "business_phone_number"):
        if body.get(name) in (None, ""):
            raise ApiError(400, f"Missing required parameter: {name}")
    numbers = {
        name: normalize_phone(body[name])
        for name in ("caller_id", "customer_phone_number", "business_phone_number")
    }
    for name, number in numbers.items():
        if number is None:
            raise ApiError(400, f"{name} is not a valid 10 digit US or Canadian phone number")
    caller_id = next(
        (t for t in account.trackers.values() if t.tracking_number == numbers["caller_id"]), None
    )
    if caller_id is None:
        raise ApiError(400, "caller_id must be a tracking number or verified caller id of this account")
    agent = None
    if body.get("agent_id"):
        agent = account.users.get(body["agent_id"])
        if agent is None:
            raise ApiError(400, "agent_id is not a user of this account")
    recording = body.get("recording_enabled") is not False
    call = ctx.sim.writes.place_outbound_call(
        account,
        caller_id,
        numbers["customer_phone_number"],
        numbers["business_phone_number"],
        agent,
        recording,
        ctx.now,
    )
    return json_response(
        serializers.call_json(account, call, request_zone(ctx), ctx.fields, _api_base(ctx)), status=201
    )


async def show_call(ctx: Ctx) -> Response:
    call = _find_call(ctx)
    return json_response(
        serializers.call_json(ctx.account, call, request_zone(ctx), ctx.fields, _api_base(ctx))
    )


async def call_recording(ctx: Ctx) -> Response:
    call = _find_call(ctx)
    enrichment = call.enrichment
    if enrichment is None or not enrichment.recording_duration:
        raise not_found("Recording")
    access_key = hashlib.sha1(f"{call.id}:{ctx.now.date()}".encode()).hexdigest()[:16]
    return json_response(
        {"url": f"{serializers.APP_URL}/calls/{call.id}/recording/redirect?access_key={access_key}"}
    )


async def update_call(ctx: Ctx) -> Response:
    call = _find_call(ctx)
    body = await ctx.body()
    changes = _validated_changes(call, body)
    ctx.sim.writes.update_call(ctx.account, call, changes, body.get("append_tags") is True, ctx.now)
    return json_response(
        serializers.call_json(ctx.account, call, request_zone(ctx), ctx.fields, _api_base(ctx))
    )


def _cleared(value: Any) -> bool:
    return value is None or value == ""


def _validated_changes(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """Check the whole body before changing anything, so a 400 leaves the call untouched."""
    changes: dict[str, Any] = {}
    for name in ("note", "customer_name"):
        if name in body:
            value = body[name]
            if not _cleared(value) and not isinstance(value, str):
                raise ApiError(400, f"{name} must be a string")
            changes[name] = None if _cleared(value) else value
    if "tags" in body:
        tags = body["tags"]
        if _cleared(tags):
            tags = []
        elif isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            raise ApiError(400, "tags must be an array of tag names")
        changes["tags"] = [t.strip() for t in tags]
    if "lead_status" in body:
        status = body["lead_status"]
        if not _cleared(status) and status not in LEAD_STATUSES:
            raise ApiError(
                400, f"Invalid lead_status: {status}. Valid values are: good_lead, not_a_lead, null"
            )
        if status == "good_lead" and call.lead_status == "previously_marked_good_lead":
            raise ApiError(
                400,
                "This caller was previously marked as a good lead; the call cannot be marked good lead again",
            )
        changes["lead_status"] = None if _cleared(status) else status
    if "value" in body:
        changes["value"] = None if _cleared(body["value"]) else _money(body["value"])
    if "spam" in body:
        if body["spam"] is not True:
            raise ApiError(400, "spam can only be set to true")
        changes["spam"] = True
    return changes


def _money(value: Any) -> str:
    text = re.sub(r"[$,\s]", "", str(value)) if isinstance(value, str | int | float) else ""
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ApiError(400, f"Invalid value: {value}") from error
    if not amount.is_finite() or amount < 0:
        raise ApiError(400, f"Invalid value: {value}")
    return f"{amount.quantize(Decimal('0.01'))}"
