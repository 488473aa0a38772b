"""The scenario engine: the world's record of calls and texts, brought up to the clock.

``DayPlanner`` (``day_plan``) turns the seeded plan into timed events on the ``Timeline``; ``advance(now)``
applies every event due, and the record-keeping here (conversations, tags, lead status) is shared with
the API's writes (``writes``).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from tui.sim import catalog, scripts
from tui.sim.accounts import build_account
from tui.sim.config import SimConfig
from tui.sim.customers import CustomerBook
from tui.sim.day_plan import DayPlanner, PlannedText
from tui.sim.events import ScenarioEvent
from tui.sim.state import Account, Call, Conversation, Customer, FormSubmission, Message, Phase, Tag
from tui.sim.timeline import Timeline

EventSink = Callable[[ScenarioEvent], None]


def short_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(rng.choice(alphabet) for _ in range(5))


class Engine:
    def __init__(self, config: SimConfig, start: datetime, on_event: EventSink) -> None:
        self._on_event = on_event
        self._live_from = start
        self.timeline = Timeline()
        setup = random.Random(f"{config.seed}:setup")
        specs = (catalog.main_account(config.time_zone), catalog.OTHER_ACCOUNT)
        keys = (config.api_key, config.other_api_key)
        self.accounts = [
            build_account(setup, spec, key, start) for spec, key in zip(specs, keys, strict=True)
        ]
        self.books = {
            company.id: CustomerBook(random.Random(f"{config.seed}:book:{company.id}"), company)
            for account in self.accounts
            for company in account.companies.values()
        }
        self._account_of = {c: account for account in self.accounts for c in account.companies}
        self._id_rng = random.Random(f"{config.seed}:conversations")
        self._message_ids = itertools.count(88_100_000)
        history_start = start - timedelta(days=config.history_days)
        self.planner = DayPlanner(config, self.accounts, self.books, self.timeline, history_start)

    def advance(self, now: datetime) -> None:
        """Plan every hour that has begun by ``now`` and apply every event due by then."""
        self.planner.plan_until(now)
        for at, kind, subject in self.timeline.due(now):
            self.apply(at, kind, subject)

    def emit(
        self,
        kind: str,
        account: Account,
        subject: Call | Conversation | FormSubmission,
        at: datetime,
        changes: tuple[str, ...] = (),
    ) -> None:
        """Tell the simulator what happened, once the scenario reaches its start (history is silent)."""
        if at >= self._live_from:
            message = subject.messages[-1] if isinstance(subject, Conversation) else None
            self._on_event(ScenarioEvent(kind, account, subject, at, changes, message))

    def apply(self, at: datetime, kind: str, subject: object) -> None:
        if isinstance(subject, Call):
            account = self._account_of[subject.company_id]
            if kind == "call_started":
                self._start_call(account, subject)
            elif kind == "call_ended":
                subject.phase = Phase.ENDED
            elif kind == "call_enriched":
                self._enrich_call(account, subject, at)
            self.emit(kind, account, subject, at)
        elif isinstance(subject, PlannedText):
            account = self._account_of[subject.company_id]
            conversation = self.deliver_text(account, subject, at)
            if conversation is not None:
                self.emit(kind, account, conversation, at)
        elif isinstance(subject, FormSubmission):
            account = self._account_of[subject.company_id]
            account.form_submissions.append(subject)
            self.emit(kind, account, subject, at)

    def _start_call(self, account: Account, call: Call) -> None:
        if (call.company_id, call.customer.phone) in account.good_leads:
            call.lead_status = "previously_marked_good_lead"
        account.calls.append(call)
        account.calls_by_id[call.id] = call

    def _enrich_call(self, account: Account, call: Call, at: datetime) -> None:
        call.phase = Phase.ENRICHED
        if call.post_call is None:
            return
        # Written only now, as CallRail does, from the call's own seed so the text is the same every run.
        enrichment = call.enrichment = call.post_call(random.Random(call.id))
        for name in enrichment.tag_names:
            tag = self.tag_for(account, call.company_id, name, at)
            if tag.id not in call.tag_ids:
                call.tag_ids.append(tag.id)
        if enrichment.lead_status and call.lead_status is None:
            self.set_lead_status(account, call, enrichment.lead_status)

    # -- record-keeping shared with the API's writes ------------------------------------------------

    def deliver_text(self, account: Account, text: PlannedText, at: datetime) -> Conversation | None:
        """Add a text to its conversation (created on first contact); None if the customer opted out.

        The business's first text to a customer gets an opt-out notice unless it names a keyword.
        """
        key = (text.company_id, text.customer.phone)
        outgoing = text.direction == "outgoing"
        if outgoing and key in account.opted_out:
            return None
        conversation = self.conversation_for(account, text.company_id, text.customer, text.tracker_id)
        conversation.current_tracker_id = text.tracker_id
        content = text.content
        first_text = not any(m.direction == "outgoing" for m in conversation.messages)
        if outgoing and first_text and not scripts.has_opt_out_keyword(content):
            content = scripts.with_opt_out_notice(content)
        message = Message(
            next(self._message_ids), text.direction, content, at, text.user_id, list(text.media_urls)
        )
        conversation.messages.append(message)
        if text.direction == "incoming" and scripts.is_stop_message(text.content):
            account.opted_out.add(key)
        return conversation

    def conversation_for(
        self, account: Account, company_id: str, customer: Customer, tracker_id: str
    ) -> Conversation:
        key = (company_id, customer.phone)
        existing = account.conversation_by_customer.get(key)
        if existing:
            return account.conversations[existing]
        conversation_id = short_id(self._id_rng)
        while any(conversation_id in a.conversations for a in self.accounts):
            conversation_id = short_id(self._id_rng)
        conversation = Conversation(conversation_id, company_id, customer, tracker_id, tracker_id)
        account.conversations[conversation_id] = conversation
        account.conversation_by_customer[key] = conversation_id
        return conversation

    def customer_for(self, company_id: str, phone: str) -> Customer:
        return self.books[company_id].contact(phone)

    def tag_for(self, account: Account, company_id: str, name: str, at: datetime) -> Tag:
        """The company's tag of that name, created if it does not exist yet."""
        tag = account.tag_named(company_id, name)
        if tag is None:
            tag_id = max(account.tags) + 1
            tag = Tag(tag_id, name, company_id, "gray1", at)
            account.tags[tag_id] = tag
        return tag

    def set_lead_status(self, account: Account, call: Call, status: str | None) -> None:
        call.lead_status = status
        if status == "good_lead":
            account.good_leads.add((call.company_id, call.customer.phone))
