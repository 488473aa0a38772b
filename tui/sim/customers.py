"""A company's contacts: who calls and texts it in the scenario."""

from __future__ import annotations

import random

from tui.sim import catalog
from tui.sim.state import Company, Customer


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
