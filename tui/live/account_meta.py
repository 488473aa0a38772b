"""What the store keeps about one account: when its reads last completed (calls, conversations, forms,
the last good poll, so a restart catches up from there), its companies and its name.

A session watching several accounts keeps one store for all of them: each keeps these under its own
prefix, except the account the store was first used for, which keeps the plain keys (so a store from
before there were several accounts is read as it was, whichever order the accounts are listed in)."""

from __future__ import annotations

from datetime import datetime

from tui.live.store import Store

PLAIN_KEYS_ACCOUNT = "plain_keys_account"


class AccountMeta:
    def __init__(self, store: Store, account_id: str | None = None) -> None:
        self._store = store
        self._prefix = f"{account_id}:" if account_id else ""

    @classmethod
    def for_account(cls, store: Store, account_id: str) -> AccountMeta:
        owner = store.get_meta(PLAIN_KEYS_ACCOUNT)
        if owner is None:
            store.set_meta(PLAIN_KEYS_ACCOUNT, account_id)
            owner = account_id
        return cls(store, None if owner == account_id else account_id)

    def get_time(self, name: str) -> datetime | None:
        return self._store.get_time(self._prefix + name)

    def set_time(self, name: str, moment: datetime) -> None:
        self._store.set_time(self._prefix + name, moment)

    def get(self, name: str) -> str | None:
        return self._store.get_meta(self._prefix + name)

    def set(self, name: str, value: str) -> None:
        self._store.set_meta(self._prefix + name, value)
