"""The companies of every account the session watches: from the store at once, then from CallRail; each
account's kept in the store under its own name, so the next start has them before any request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from tui.callrail.errors import CallRailError
from tui.callrail.models import Company
from tui.live.lanes import Lane, Lanes
from tui.live.state import LiveState

COMPANIES_META = "companies"
ACCOUNT_NAME_META = "account_name"


class AccountCompanies:
    def __init__(self, lanes: Lanes, state: LiveState) -> None:
        self._lanes = lanes
        self._state = state
        self.by_id: dict[str, Company] = {}

    def load_stored(self) -> None:
        for lane in self._lanes.all:
            cached = lane.meta.get(COMPANIES_META)
            if not cached:
                continue
            try:
                companies = [Company.model_validate(raw) for raw in json.loads(cached)]
            except ValueError:
                continue
            self.set(lane, companies)

    async def load(self, failed: Callable[[Lane, CallRailError], None]) -> None:
        """Every account's companies and name from CallRail; ``failed`` hears of an account that did not
        answer (its stored companies stay)."""
        await asyncio.gather(*(self._load(lane, failed) for lane in self._lanes.all))

    async def _load(self, lane: Lane, failed: Callable[[Lane, CallRailError], None]) -> None:
        try:
            companies, name = await lane.actions.account()
        except CallRailError as error:
            failed(lane, error)
            return
        self.set(lane, companies)
        lane.meta.set(
            COMPANIES_META,
            json.dumps([company.model_dump(mode="json", exclude_unset=True) for company in companies]),
        )
        if name:
            lane.name = name
            lane.meta.set(ACCOUNT_NAME_META, name)

    def set(self, lane: Lane, companies: list[Company]) -> None:
        """``lane``'s account has these companies (in place of what it had)."""
        self._lanes.learn(lane, (company.id for company in companies))
        others = {cid: c for cid, c in self.by_id.items() if self._lanes.for_company(cid) is not lane}
        self.by_id = others | {company.id: company for company in companies}
        self._state.set_company_time_zones({cid: c.time_zone for cid, c in self.by_id.items()})
        lane.poller.set_time_zones([company.time_zone for company in companies])

    def of(self, lane: Lane) -> dict[str, Company]:
        return {cid: c for cid, c in self.by_id.items() if self._lanes.for_company(cid) is lane}

    def account_if_ambiguous(self, company_id: str | None) -> str:
        """The name of the company's account when another account has a company of the same name (the
        feed says which one is meant); empty when the name says it alone."""
        company = self.by_id.get(company_id or "")
        if company is None or not self._lanes.several:
            return ""
        lane = self._lanes.for_company(company.id)
        name = (company.name or "").casefold()
        for other in self.by_id.values():
            if (other.name or "").casefold() == name and self._lanes.for_company(other.id) is not lane:
                return lane.label
        return ""
