"""Form submissions of the day: each company-hour's from its own generator, apart from calls and texts
(whose seeded draws stay exactly as they were)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tui.sim import catalog, scripts
from tui.sim.accounts import masked_id
from tui.sim.state import Account, Company, Customer, FormSubmission, Tracker
from tui.sim.timeline import Timeline, arrivals

# A share of the calls an hour brings, as forms.
FORMS_PER_CALL = 0.06
MESSAGES = (
    "Hi, I'd like a quote for {topic}.",
    "Can someone call me back about {topic}? Evenings are best.",
    "Do you have anything open this week for {topic}?",
    "Question about {topic} - what would it cost?",
)


class FormPlanner:
    def __init__(self, seed: int, volume: float, timeline: Timeline) -> None:
        self._seed = seed
        self._volume = volume
        self._timeline = timeline
        self._seen: set[tuple[str, str]] = set()  # (company, phone) that sent a form before

    def plan_hour(
        self, account: Account, company: Company, hour_start: datetime, calls_per_hour: float
    ) -> None:
        rng = random.Random(f"{self._seed}:forms:{company.id}:{hour_start.timestamp():.0f}")
        trackers = [t for t in account.trackers.values() if t.company_id == company.id]
        for offset in arrivals(rng, FORMS_PER_CALL * calls_per_hour * self._volume):
            at = hour_start + timedelta(seconds=offset)
            tracker = rng.choices(trackers, weights=[t.weight for t in trackers])[0]
            self._timeline.schedule(at, "form_submitted", self._form(rng, company, tracker, at))

    def _form(self, rng: random.Random, company: Company, tracker: Tracker, at: datetime) -> FormSubmission:
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        # 555-02xx: never a number of the customer books (555-01xx), so calls are unchanged.
        phone = f"+1{rng.choice(company.area_codes)}55502{rng.randint(0, 99):02d}"
        email = f"{first.lower()}.{last.lower()}@example.net"
        topic = scripts.pick_reason(rng, company.industry).keyword
        key = (company.id, phone)
        first_form = key not in self._seen
        self._seen.add(key)
        paid = tracker.medium == "PPC"
        return FormSubmission(
            id=masked_id(rng, "FRM"),
            legacy_id=rng.randint(100_000_000, 999_999_999),
            company_id=company.id,
            person_id=masked_id(rng, "PER"),
            customer=Customer(phone, f"{last} {first}".upper(), first, company.city, company.state),
            email=email,
            form_data={
                "name": f"{first} {last}",
                "email": email,
                "phone": phone[2:],
                "message": rng.choice(MESSAGES).format(topic=topic),
            },
            form_url=f"{company.website}/contact",
            landing_page_url=f"{company.website}/{'lp/' if paid else ''}",
            referrer="direct" if tracker.source == "Direct" else tracker.source.split()[0].lower(),
            source=tracker.source,
            medium=tracker.medium,
            campaign=tracker.campaign,
            keywords=topic if paid else None,
            submitted_at=at,
            first_form=first_form,
        )
