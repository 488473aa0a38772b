"""Applying the API's writes to the scenario: outbound calls, texts sent, call updates."""

from __future__ import annotations

import math
import random
from datetime import datetime
from functools import partial
from typing import Any

from tui.sim import scripts
from tui.sim.config import SimConfig
from tui.sim.day_plan import PlannedText, new_call, schedule_call_end
from tui.sim.scenario import Engine
from tui.sim.state import Account, Call, Conversation, Outcome, Phase, Tracker, User
from tui.sim.text_replies import TextReplies


class ApiWrites:
    def __init__(self, engine: Engine, config: SimConfig) -> None:
        self._engine = engine
        self._config = config
        self._outbound_rng = random.Random(f"{config.seed}:outbound")
        self.replies = TextReplies(config.seed, config.text_reply_chance, engine.timeline)

    def place_outbound_call(
        self,
        account: Account,
        caller_id: Tracker,
        customer_phone: str,
        business_phone_number: str,
        agent: User | None,
        recording: bool,
        at: datetime,
    ) -> Call:
        """Ring the business, then the customer; the outcome and recording follow on the clock."""
        engine, rng = self._engine, self._outbound_rng
        company = account.companies[caller_id.company_id]
        customer = engine.customer_for(company.id, customer_phone)
        prior = engine.books[company.id].count_call(customer.phone)
        outcome = rng.choices((Outcome.ANSWERED, Outcome.MISSED, Outcome.VOICEMAIL), weights=(65, 25, 10))[0]
        ring = rng.randint(8, 35)
        talk = min(1200, max(15, int(rng.lognormvariate(math.log(120), 0.6))))
        duration = ring + (talk if outcome is Outcome.ANSWERED else rng.randint(10, 30))
        post_call = None
        if outcome is Outcome.ANSWERED and recording:
            post_call = partial(
                scripts.outbound_enrichment,
                reason=scripts.pick_reason(rng, company.industry),
                company=company.name,
                agent=agent.first_name if agent else "the office",
                caller=customer.first_name or "there",
                talk_seconds=talk,
            )
        call = new_call(
            rng,
            self._config,
            company=company,
            tracker_id=caller_id.id,
            customer=customer,
            start=at,
            duration=duration,
            outcome=outcome,
            agent=agent,
            business_phone_number=business_phone_number,
            prior=prior,
            post_call=post_call,
        )
        call.direction = "outbound"
        engine.apply(at, "call_started", call)
        schedule_call_end(engine.timeline, call)
        return call

    def send_text(
        self,
        account: Account,
        company_id: str,
        customer_phone: str,
        tracker_id: str,
        content: str,
        media_urls: tuple[str, ...],
        at: datetime,
    ) -> Conversation:
        """A text sent by the account's owner; the caller has checked the number has not opted out."""
        engine = self._engine
        customer = engine.customer_for(company_id, customer_phone)
        owner = account.owner_id
        text = PlannedText(company_id, customer, tracker_id, "outgoing", content, owner, media_urls)
        conversation = engine.deliver_text(account, text, at)
        engine.emit("text_out", account, conversation, at)
        self.replies.after_sent(conversation, text, at)
        return conversation

    def update_call(
        self, account: Account, call: Call, changes: dict[str, Any], append_tags: bool, at: datetime
    ) -> None:
        """Apply validated changes: omitted fields stay, ``None`` clears, tags replace unless appended.
        A finished call that changed fires Call Modified."""
        engine = self._engine
        before = _editable(call)
        if "note" in changes:
            call.note = changes["note"]
        if "customer_name" in changes:
            call.customer_name = changes["customer_name"] or ""
        if "tags" in changes:
            ids = [engine.tag_for(account, call.company_id, name, at).id for name in changes["tags"]]
            call.tag_ids = list(dict.fromkeys((call.tag_ids if append_tags else []) + ids))
        if "lead_status" in changes:
            engine.set_lead_status(account, call, changes["lead_status"])
        if "value" in changes:
            call.value = changes["value"]
        if changes.get("spam"):
            call.spam = True
        changed = tuple(name for name, value in _editable(call).items() if before[name] != value)
        if changed and call.phase is not Phase.RINGING:
            engine.emit("call_modified", account, call, at, changed)


def _editable(call: Call) -> dict[str, object]:
    """What an update can change, by the name Call Modified gives it in ``changes``."""
    return {
        "note": call.note,
        "customer_name": call.customer_name,
        "tags": list(call.tag_ids),
        "value": call.value,
        # the lead status a user sets is CallRail's manual score
        "manual_score": call.lead_status,
        "spam": call.spam,
    }
