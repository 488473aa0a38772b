"""Planning the day: seeded plans of calls and texts, turned into timed events on the timeline.

Calls are planned an hour at a time per company (a Poisson process whose rate follows the company's
local business hours). Each hour's randomness comes from its own generator seeded by
(seed, account, company, hour), so the plan depends only on the seed and the clock, not on how often
it is asked to plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from tui.sim import catalog, scripts
from tui.sim.accounts import masked_id
from tui.sim.config import SimConfig
from tui.sim.customers import CustomerBook
from tui.sim.form_plan import FormPlanner
from tui.sim.state import Account, Call, Company, Customer, Enrichment, Outcome, User
from tui.sim.timeline import Timeline, arrivals


@dataclass
class PlannedText:
    company_id: str
    customer: Customer
    tracker_id: str
    direction: str
    content: str
    user_id: str | None = None
    media_urls: tuple[str, ...] = ()


def new_call(
    rng: random.Random,
    config: SimConfig,
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
    low, high = config.post_call_delay
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


def schedule_call_end(timeline: Timeline, call: Call) -> None:
    timeline.schedule(call.ended_at, "call_ended", call)
    if call.enriched_at:
        timeline.schedule(call.enriched_at, "call_enriched", call)


class DayPlanner:
    """Plans every hour from ``history_start`` on, as the clock reaches it, onto ``timeline``."""

    def __init__(
        self,
        config: SimConfig,
        accounts: list[Account],
        books: dict[str, CustomerBook],
        timeline: Timeline,
        history_start: datetime,
    ) -> None:
        self._config = config
        self._forms = FormPlanner(config.seed, config.form_volume, timeline)
        self._accounts = accounts
        self._books = books
        self._timeline = timeline
        self._next_hour = math.floor(history_start.timestamp() / 3600)
        company_accounts = {c: account for account in accounts for c in account.companies}
        self._trackers_of = {
            c: [t for t in account.trackers.values() if t.company_id == c]
            for c, account in company_accounts.items()
        }
        self.agents_of = {
            c: [u for u in account.users.values() if c in u.company_ids and u.role != "admin"]
            for c, account in company_accounts.items()
        }

    def plan_until(self, now: datetime) -> None:
        """Plan every hour that has begun by ``now``."""
        while datetime.fromtimestamp(self._next_hour * 3600, UTC) <= now:
            for index, account in enumerate(self._accounts):
                for company in account.companies.values():
                    self._plan_hour(index, account, company, self._next_hour)
            self._next_hour += 1

    def _plan_hour(self, account_index: int, account: Account, company: Company, hour: int) -> None:
        rng = random.Random(f"{self._config.seed}:{account_index}:{company.id}:{hour}")
        hour_start = datetime.fromtimestamp(hour * 3600, UTC)
        local = hour_start.astimezone(ZoneInfo(company.time_zone))
        day_factor = company.weekend_factor if local.weekday() >= 5 else 1.0
        profile = catalog.HOURLY_PROFILE[local.hour] * day_factor
        if local.hour not in catalog.BUSINESS_HOURS:
            profile *= self._config.after_hours_volume
        call_rate = catalog.BASE_CALLS_PER_HOUR * company.weight * profile * self._config.call_volume
        for offset in arrivals(rng, call_rate):
            self._plan_call(rng, account, company, hour_start + timedelta(seconds=offset), local.hour)
        for offset in arrivals(rng, 0.2 * company.weight * profile * self._config.call_volume):
            self._plan_cold_text(rng, account, company, hour_start + timedelta(seconds=offset))
        self._forms.plan_hour(account, company, hour_start, call_rate)

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
        agent = rng.choice(self.agents_of[company.id]) if outcome is Outcome.ANSWERED else None
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
        call = new_call(
            rng,
            self._config,
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
        self._timeline.schedule(start, "call_started", call)
        if outcome is Outcome.ANSWERED:
            call.answered_at = start + timedelta(seconds=ring)
            self._timeline.schedule(call.answered_at, "call_routed", call)
        schedule_call_end(self._timeline, call)
        self._plan_follow_up_texts(rng, account, call, reason.keyword)

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
        self._timeline.schedule(
            at, "text_in", PlannedText(call.company_id, customer, call.tracker_id, "incoming", content)
        )
        reply = scripts.AGENT_REPLY_THANKS if answered else scripts.AGENT_REPLY_MISSED
        self._plan_exchange(rng, account, call.company_id, customer, call.tracker_id, at, topic, reply)

    def _plan_cold_text(self, rng: random.Random, account: Account, company: Company, at: datetime) -> None:
        customer = self._books[company.id].pick(rng, repeat_chance=0.1)
        tracker = self._trackers_of[company.id][0]
        topic = scripts.pick_reason(rng, company.industry).keyword
        content = rng.choice(scripts.TEXTS_COLD).format(topic=topic)
        self._timeline.schedule(
            at, "text_in", PlannedText(company.id, customer, tracker.id, "incoming", content)
        )
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
        agent = rng.choice(self.agents_of[company_id])
        reply_at = after + timedelta(minutes=rng.uniform(2, 30))
        content = reply.format(
            name=customer.first_name, agent=agent.first_name, company=company.name, topic=topic
        )
        self._timeline.schedule(
            reply_at, "text_out", PlannedText(company_id, customer, tracker_id, "outgoing", content, agent.id)
        )
        if rng.random() < 0.5:
            answer_at = reply_at + timedelta(minutes=rng.uniform(1, 20))
            answer = (
                rng.choice(scripts.STOP_WORDS)
                if rng.random() < 0.15
                else rng.choice(scripts.CUSTOMER_REPLIES)
            )
            self._timeline.schedule(
                answer_at, "text_in", PlannedText(company_id, customer, tracker_id, "incoming", answer)
            )
