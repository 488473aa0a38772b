"""Form submissions: the list, newest first, filtered by company and date."""

from __future__ import annotations

from starlette.responses import Response

from tui.sim import serializers
from tui.sim.api.common import Ctx, date_window, paged, request_zone, sorted_by


async def list_form_submissions(ctx: Ctx) -> Response:
    params, account = ctx.params, ctx.account
    zone = request_zone(ctx)
    start, end = date_window(ctx, zone)
    company_id = params.get("company_id")
    forms = [
        form
        for form in account.form_submissions
        if (not company_id or form.company_id == company_id)
        and (start is None or form.submitted_at >= start)
        and (end is None or form.submitted_at < end)
    ]
    forms = sorted_by(params, forms, {"submitted_at": lambda f: f.submitted_at}, ("submitted_at", "desc"))
    fields = ctx.fields
    return paged(
        ctx, "form_submissions", forms, lambda f: serializers.form_submission_json(account, f, fields)
    )
