"""The scenario engine: a seeded, deterministic stream of calls and texts for each account.

Calls are planned an hour at a time per company (a Poisson process whose rate follows the company's
local business hours); each plan becomes timed events (started, ended, enriched, texts) on a heap, and
``advance(now)`` applies every event due. Each hour's randomness comes from its own generator seeded by
(seed, account, company, hour), so the result depends only on the seed and the clock, not on how often
``advance`` is called.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from tui.sim import catalog, scripts
from tui.sim.accounts import build_account, masked_id
from tui.sim.config import SimConfig
from tui.sim.state import (
    Account,
    Call,
    Company,
    Conversation,
    Customer,
    Enrichment,
    Message,
    Outcome,
    Phase,
    Tag,
    Tracker,
    User,
)

EventSink = Callable[[str, str, datetime], None]


def short_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(rng.choice(alphabet) for _ in range(5))


@dataclass
class PlannedText:
    company_id: str
    customer: Customer
    tracker_id: str
    direction: str
    content: str
    user_id: str | None = None
    media_urls: tuple[str, ...] = ()


class CustomerBook:
    """A company's contacts: fresh numbers from its area codes, the people who called before, and
    numbers the business texted first."""

    def __init__(self, rng: random.Random, company: Company) -> None:
        numbers = [f"+1{code}55501{n:02d}" for code in company.area_codes for n in range(20, 100)]
        rng.shuffle(numbers)
        self._fresh = numbers
        self._company = company
        self._callers: list[Customer] = []
        self._by_phone: dict[str, Customer] = {}
        self.calls_from: dict[str, int] = {}

    def count_call(self, phone: str) -> int:
        """Record a call from ``phone``; returns how many it made before."""
        prior = self.calls_from.get(phone, 0)
        self.calls_from[phone] = prior + 1
        return prior

    def pick(self, rng: random.Random, repeat_chance: float) -> Customer:
        """Someone who calls or texts: often a new number, sometimes one who called before."""
        if self._callers and (rng.random() < repeat_chance or not self._fresh):
            return rng.choice(self._callers)
        phone = self._fresh.pop()
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        anonymous = rng.random() < 0.25
        cnam = rng.choice(catalog.ANONYMOUS_CNAMS) if anonymous else f"{last} {first}".upper()
        customer = self._by_phone.get(phone) or Customer(
            phone, "", "", self._company.city, self._company.state
        )
        customer.cnam, customer.first_name = cnam, first
        self._by_phone[phone] = customer
        self._callers.append(customer)
        return customer

    def contact(self, phone: str) -> Customer:
        """The record of a number the business texts; a nameless one if it never got in touch."""
        if phone not in self._by_phone:
            self._by_phone[phone] = Customer(phone, "", "", self._company.city, self._company.state)
        return self._by_phone[phone]


class Engine:
    def __init__(self, config: SimConfig, start: datetime, on_event: EventSink) -> None:
        self._config = config
        self._on_event = on_event
        self._live_from = start
        self._heap: list[tuple[datetime, int, str, object]] = []
        self._seq = itertools.count()
        setup = random.Random(f"{config.seed}:setup")
        specs = (catalog.MAIN_ACCOUNT, catalog.OTHER_ACCOUNT)
        keys = (config.api_key, config.other_api_key)
        self.accounts = [
            build_account(setup, spec, key, start) for spec, key in zip(specs, keys, strict=True)
        ]
        self._books = {
            company.id: CustomerBook(random.Random(f"{config.seed}:book:{company.id}"), company)
            for account in self.accounts
            for company in account.companies.values()
        }
        self._account_of = {c: account for account in self.accounts for c in account.companies}
        self._trackers_of = {
            c: [t for t in account.trackers.values() if t.company_id == c]
            for c, account in self._account_of.items()
        }
        self._agents_of = {
            c: [u for u in account.users.values() if c in u.company_ids and u.role != "admin"]
            for c, account in self._account_of.items()
        }
        self._id_rng = random.Random(f"{config.seed}:conversations")
        self._outbound_rng = random.Random(f"{config.seed}:outbound")
        self._message_ids = itertools.count(88_100_000)
        history_start = start - timedelta(days=config.history_days)
        self._next_hour = math.floor(history_start.timestamp() / 3600)

    # -- time ---------------------------------------------------------------------------------------

    def advance(self, now: datetime) -> None:
        """Plan every hour that has begun by ``now`` and apply every event due by then."""
        while datetime.fromtimestamp(self._next_hour * 3600, UTC) <= now:
            for index, account in enumerate(self.accounts):
                for company in account.companies.values():
                    self._plan_hour(index, account, company, self._next_hour)
            self._next_hour += 1
        while self._heap and self._heap[0][0] <= now:
            at, _, kind, subject = heapq.heappop(self._heap)
            self._apply(at, kind, subject)

    def _schedule(self, at: datetime, kind: str, subject: object) -> None:
        heapq.heappush(self._heap, (at, next(self._seq), kind, subject))

    def _emit(self, kind: str, subject_id: str, at: datetime) -> None:
        if at >= self._live_from:
            self._on_event(kind, subject_id, at)

    # -- planning -----------------------------------------------------------------------------------

    def _plan_hour(self, account_index: int, account: Account, company: Company, hour: int) -> None:
        rng = random.Random(f"{self._config.seed}:{account_index}:{company.id}:{hour}")
        hour_start = datetime.fromtimestamp(hour * 3600, UTC)
        local = hour_start.astimezone(ZoneInfo(company.time_zone))
        day_factor = company.weekend_factor if local.weekday() >= 5 else 1.0
        profile = catalog.HOURLY_PROFILE[local.hour] * day_factor
        call_rate = catalog.BASE_CALLS_PER_HOUR * company.weight * profile * self._config.call_volume
        for offset in _arrivals(rng, call_rate):
            self._plan_call(rng, account, company, hour_start + timedelta(seconds=offset), local.hour)
        for offset in _arrivals(rng, 0.2 * company.weight * profile * self._config.call_volume):
            self._plan_cold_text(rng, account, company, hour_start + timedelta(seconds=offset))

    def _plan_call(
        self, rng: random.Random, account: Account, company: Company, start: datetime, local_hour: int
    ) -> None:
        trackers = self._trackers_of[company.id]
        tracker = rng.choices(trackers, weights=[t.weight for t in trackers])[0]
        book = self._books[company.id]
        customer = book.pick(rng, repeat_chance=0.22)
        prior = book.count_call(customer.phone)
        open_hours = local_hour in catalog.BUSINESS_HOURS
        weights = (72, 12, 10, 6) if open_hours else (25, 20, 45, 10)
        outcome = rng.choices(list(Outcome), weights=weights)[0]
        ring = rng.randint(4, 25)
        reason = scripts.pick_reason(rng, company.industry)
        agent = rng.choice(self._agents_of[company.id]) if outcome is Outcome.ANSWERED else None
        post_call = None
        if outcome is Outcome.ANSWERED:
            talk = min(1800, max(20, int(rng.lognormvariate(math.log(150), 0.7))))
            duration = ring + talk
            post_call = partial(
                scripts.answered_enrichment,
                reason=reason,
                company=company.name,
                agent=agent.first_name,
                caller=customer.first_name,
                talk_seconds=talk,
            )
        elif outcome is Outcome.VOICEMAIL:
            message = rng.randint(12, 60)
            duration = ring + 20 + message
            post_call = partial(
                scripts.voicemail_enrichment,
                reason=reason,
                caller=customer.first_name,
                phone=customer.phone,
                seconds=message,
            )
        elif outcome is Outcome.MISSED:
            duration = rng.randint(15, 35)
        else:
            duration = rng.randint(1, 8)
        call = self._new_call(
            rng,
            company=company,
            tracker_id=tracker.id,
            customer=customer,
            start=start,
            duration=duration,
            outcome=outcome,
            agent=agent,
            business_phone_number=tracker.destination_number,
            prior=prior,
            post_call=post_call,
        )
        if tracker.source == "Google Ads":
            call.gclid = f"Cj0KCQ{rng.getrandbits(64):016x}"
        self._schedule(start, "call_started", call)
        self._schedule_call_end(call)
        self._plan_follow_up_texts(rng, account, call, reason.keyword)

    def _new_call(
        self,
        rng: random.Random,
        *,
        company: Company,
        tracker_id: str,
        customer: Customer,
        start: datetime,
        duration: int,
        outcome: Outcome,
        agent: User | None,
        business_phone_number: str | None,
        prior: int,
        post_call: Callable[[random.Random], Enrichment] | None,
    ) -> Call:
        """A call with its end, and when its recording and transcript arrive (if it gets them)."""
        end = start + timedelta(seconds=duration)
        low, high = self._config.post_call_delay
        enriched_at = end + timedelta(minutes=rng.uniform(low, high)) if post_call else None
        return Call(
            id=masked_id(rng, "CAL"),
            person_id=masked_id(rng, "PER"),
            company_id=company.id,
            tracker_id=tracker_id,
            customer=customer,
            started_at=start,
            ended_at=end,
            enriched_at=enriched_at,
            outcome=outcome,
            agent_id=agent.id if agent else None,
            business_phone_number=business_phone_number,
            first_call=prior == 0,
            prior_calls=prior,
            post_call=post_call,
        )

    def _schedule_call_end(self, call: Call) -> None:
        self._schedule(call.ended_at, "call_ended", call)
        if call.enriched_at:
            self._schedule(call.enriched_at, "call_enriched", call)

    def _plan_follow_up_texts(self, rng: random.Random, account: Account, call: Call, topic: str) -> None:
        answered = call.outcome is Outcome.ANSWERED
        chance = {Outcome.ANSWERED: 0.08, Outcome.VOICEMAIL: 0.15}.get(call.outcome, 0.35)
        if rng.random() >= chance:
            return
        customer = call.customer
        templates = scripts.TEXTS_AFTER_ANSWERED if answered else scripts.TEXTS_AFTER_MISSED
        delay = timedelta(minutes=rng.uniform(5, 60)) if answered else timedelta(seconds=rng.uniform(30, 600))
        at = call.ended_at + delay
        content = rng.choice(templates).format(topic=topic, name=customer.first_name)
        self._schedule(
            at, "text_in", PlannedText(call.company_id, customer, call.tracker_id, "incoming", content)
        )
        reply = scripts.AGENT_REPLY_THANKS if answered else scripts.AGENT_REPLY_MISSED
        self._plan_exchange(rng, account, call.company_id, customer, call.tracker_id, at, topic, reply)

    def _plan_cold_text(self, rng: random.Random, account: Account, company: Company, at: datetime) -> None:
        customer = self._books[company.id].pick(rng, repeat_chance=0.1)
        tracker = self._trackers_of[company.id][0]
        topic = scripts.pick_reason(rng, company.industry).keyword
        content = rng.choice(scripts.TEXTS_COLD).format(topic=topic)
        self._schedule(at, "text_in", PlannedText(company.id, customer, tracker.id, "incoming", content))
        self._plan_exchange(
            rng, account, company.id, customer, tracker.id, at, topic, scripts.AGENT_REPLY_OFFER
        )

    def _plan_exchange(
        self,
        rng: random.Random,
        account: Account,
        company_id: str,
        customer: Customer,
        tracker_id: str,
        after: datetime,
        topic: str,
        reply: str,
    ) -> None:
        """An agent's reply to an inbound text, and sometimes the customer's answer (now and then STOP)."""
        if rng.random() >= 0.6:
            return
        company = account.companies[company_id]
        agent = rng.choice(self._agents_of[company_id])
        reply_at = after + timedelta(minutes=rng.uniform(2, 30))
        content = reply.format(
            name=customer.first_name, agent=agent.first_name, company=company.name, topic=topic
        )
        self._schedule(
            reply_at, "text_out", PlannedText(company_id, customer, tracker_id, "outgoing", content, agent.id)
        )
        if rng.random() < 0.5:
            answer_at = reply_at + timedelta(minutes=rng.uniform(1, 20))
            answer = (
                rng.choice(scripts.STOP_WORDS)
                if rng.random() < 0.15
                else rng.choice(scripts.CUSTOMER_REPLIES)
            )
            self._schedule(
                answer_at, "text_in", PlannedText(company_id, customer, tracker_id, "incoming", answer)
            )

    # -- applying -----------------------------------------------------------------------------------

    def _apply(self, at: datetime, kind: str, subject: object) -> None:
        if isinstance(subject, Call):
            account = self._account_of[subject.company_id]
            if kind == "call_started":
                self._start_call(account, subject)
            elif kind == "call_ended":
                subject.phase = Phase.ENDED
            elif kind == "call_enriched":
                self._enrich_call(account, subject, at)
            self._emit(kind, subject.id, at)
        elif isinstance(subject, PlannedText):
            account = self._account_of[subject.company_id]
            conversation = self.deliver_text(account, subject, at)
            if conversation is not None:
                self._emit(kind, conversation.id, at)

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

    # -- shared with the API ------------------------------------------------------------------------

    def place_outbound_call(
        self,
        account: Account,
        caller_id: Tracker,
        customer: Customer,
        business_phone_number: str,
        agent: User | None,
        recording: bool,
        at: datetime,
    ) -> Call:
        """Ring the business, then the customer; the outcome and recording follow on the clock."""
        rng = self._outbound_rng
        company = account.companies[caller_id.company_id]
        book = self._books[company.id]
        prior = book.count_call(customer.phone)
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
        call = self._new_call(
            rng,
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
        self._apply(at, "call_started", call)
        self._schedule_call_end(call)
        return call

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
        return self._books[company_id].contact(phone)

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


def _arrivals(rng: random.Random, per_hour: float) -> list[float]:
    """Seconds into the hour at which a Poisson process of that rate fires."""
    offsets: list[float] = []
    if per_hour <= 0:
        return offsets
    at = rng.expovariate(per_hour) * 3600
    while at < 3600:
        offsets.append(at)
        at += rng.expovariate(per_hour) * 3600
    return offsets
