"""Text-message conversations: list, show (messages newest first) and send."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from tui.sim import serializers
from tui.sim.api.common import (
    ApiError,
    Ctx,
    date_window,
    digits,
    json_response,
    normalize_phone,
    not_found,
    paged,
    request_zone,
)
from tui.sim.state import Conversation

MAX_CONTENT = 140


async def list_conversations(ctx: Ctx) -> Response:
    params, account = ctx.params, ctx.account
    zone = request_zone(ctx)
    start, end = date_window(ctx, zone)
    company_id = params.get("company_id")
    search = params.get("search", "").strip().lower()

    def keep(conversation: Conversation) -> bool:
        last = conversation.last_message_at
        return (
            last is not None
            and (start is None or last >= start)
            and (end is None or last < end)
            and (not company_id or conversation.company_id == company_id)
            and (not search or _search_matches(conversation, search))
        )

    conversations = sorted(
        (c for c in account.conversations.values() if keep(c)), key=lambda c: c.last_message_at, reverse=True
    )
    fields = ctx.fields
    return paged(
        ctx,
        "conversations",
        conversations,
        lambda c: serializers.conversation_json(account, c, fields),
    )


def _search_matches(conversation: Conversation, term: str) -> bool:
    if term in conversation.customer.cnam.lower():
        return True
    wanted = digits(term)
    return len(wanted) >= 3 and wanted in digits(conversation.customer.phone)


async def show_conversation(ctx: Ctx) -> Response:
    conversation = ctx.account.conversations.get(ctx.request.path_params["conversation_id"])
    if conversation is None:
        raise not_found("Conversation")
    record = serializers.conversation_json(ctx.account, conversation, ctx.fields, recent=False)
    messages = conversation.newest_first()
    return paged(ctx, "messages", messages, lambda m: serializers.message_json(ctx.account, m), record)


async def send_text(ctx: Ctx) -> Response:
    account = ctx.account
    if not ctx.sim.config.texting_enabled:
        raise ApiError(
            403, "Texting is not enabled for this account. Register for A2P 10DLC texting to send messages."
        )
    body = await ctx.body()
    if body.get("media_url") and body.get("media_file"):
        raise ApiError(422, "Only one of media_url and media_file may be given")
    required = ["company_id", "customer_phone_number"] + ([] if body.get("media_url") else ["content"])
    for name in required:
        if body.get(name) in (None, ""):
            raise ApiError(400, f"Missing required parameter: {name}")
    content = body.get("content") or ""
    if not isinstance(content, str):
        raise ApiError(400, "content must be a string")
    if len(content) > MAX_CONTENT:
        raise ApiError(400, f"Content is too long (maximum is {MAX_CONTENT} characters)")
    company = account.companies.get(body["company_id"])
    if company is None:
        raise not_found("Company")
    phone = normalize_phone(body["customer_phone_number"])
    if phone is None:
        raise ApiError(400, "customer_phone_number is not a valid 10 digit US or Canadian phone number")
    if (company.id, phone) in account.opted_out:
        raise ApiError(400, "This number has opted out of text messages (replied STOP) and cannot be texted")
    existing_id = account.conversation_by_customer.get((company.id, phone))
    existing = account.conversations.get(existing_id) if existing_id else None
    tracker_id = _sending_tracker(ctx, company.id, body.get("tracking_number"), existing)
    media = (body["media_url"],) if isinstance(body.get("media_url"), str) else ()
    conversation = ctx.sim.writes.send_text(account, company.id, phone, tracker_id, content, media, ctx.now)
    record = serializers.sent_conversation_json(account, conversation)
    return json_response(record, status=ctx.sim.config.send_text_status)


def _sending_tracker(ctx: Ctx, company_id: str, number: Any, existing: Conversation | None) -> str:
    if number in (None, ""):
        if existing is None:
            raise ApiError(400, "Missing required parameter: tracking_number")
        return existing.current_tracker_id
    tracker = ctx.account.tracker_for_number(company_id, normalize_phone(number) or "")
    if tracker is None:
        raise ApiError(400, "tracking_number is not a tracking number of this company")
    if not tracker.sms_enabled:
        raise ApiError(400, "Texting is not enabled on this tracking number")
    return tracker.id
