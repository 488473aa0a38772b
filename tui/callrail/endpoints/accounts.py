"""Accounts and what they are made of: companies, trackers, users, tags."""

from __future__ import annotations

from ..models import Account, Company, Tag, Tracker, User
from ..params import query
from ..parsing import Collection
from .base import Endpoints, path

ACCOUNTS = Collection("accounts", Account)
COMPANIES = Collection("companies", Company)
TRACKERS = Collection("trackers", Tracker)
USERS = Collection("users", User)
TAGS = Collection("tags", Tag)


class AccountEndpoints(Endpoints):
    async def list_accounts(self, *, background: bool = False) -> list[Account]:
        return await self._collect("a.json", ACCOUNTS, {}, background)

    async def get_account(self, account_id: str, *, background: bool = False) -> Account:
        return await self._object(Account, "GET", path("a", account_id), background=background)

    async def list_companies(
        self, account_id: str, status: str | None = None, *, background: bool = False
    ) -> list[Company]:
        return await self._collect(
            path("a", account_id, "companies"), COMPANIES, query(status=status), background
        )

    async def get_company(self, account_id: str, company_id: str, *, background: bool = False) -> Company:
        return await self._object(
            Company, "GET", path("a", account_id, "companies", company_id), background=background
        )

    async def list_trackers(
        self, account_id: str, company_id: str | None = None, *, background: bool = False
    ) -> list[Tracker]:
        params = query(company_id=company_id)
        return await self._collect(path("a", account_id, "trackers"), TRACKERS, params, background)

    async def list_users(
        self, account_id: str, company_id: str | None = None, *, background: bool = False
    ) -> list[User]:
        params = query(company_id=company_id)
        return await self._collect(path("a", account_id, "users"), USERS, params, background)

    async def list_tags(
        self, account_id: str, company_id: str | None = None, *, background: bool = False
    ) -> list[Tag]:
        params = query(company_id=company_id)
        return await self._collect(path("a", account_id, "tags"), TAGS, params, background)
