"""What a session asks of the account for its user's actions, as one narrow interface: a session on the
account's key reads and writes through the client (``ClientActions``); a viewer of a team hub sends the
same actions to the hub (``tui.hub.viewer.link.HubLink``), which holds the key."""

from __future__ import annotations

from typing import Protocol

from tui.callrail.client import CallRailClient
from tui.callrail.models import Call, Company, Conversation


class Actions(Protocol):
    async def open_call(self, call_id: str) -> Call:
        """The call with its detail fields (transcript, summary, ...)."""
        ...

    async def update_call(self, call_id: str, **changes) -> None:
        """Tags, append_tags, note, lead_status, value (``None`` clears a field)."""
        ...

    async def call_back(self, *, customer_phone_number: str, tracking_number: str, my_phone: str) -> Call: ...

    async def get_conversation(
        self, conversation_id: str, *, page: int = 1, per_page: int = 100
    ) -> Conversation: ...

    async def account(self) -> tuple[list[Company], str]:
        """The account's companies and its name."""
        ...

    async def aclose(self) -> None: ...


class ClientActions:
    """The actions, read and written with the account's own key."""

    def __init__(self, client: CallRailClient, account_id: str) -> None:
        self._client = client
        self._account_id = account_id

    async def open_call(self, call_id: str) -> Call:
        return await self._client.get_call(self._account_id, call_id)

    async def update_call(self, call_id: str, **changes) -> None:
        await self._client.update_call(self._account_id, call_id, **changes)

    async def call_back(self, *, customer_phone_number: str, tracking_number: str, my_phone: str) -> Call:
        return await self._client.create_outbound_call(
            self._account_id,
            caller_id=tracking_number,
            customer_phone_number=customer_phone_number,
            business_phone_number=my_phone,
        )

    async def get_conversation(
        self, conversation_id: str, *, page: int = 1, per_page: int = 100
    ) -> Conversation:
        return await self._client.get_conversation(
            self._account_id, conversation_id, page=page, per_page=per_page
        )

    async def account(self) -> tuple[list[Company], str]:
        companies = await self._client.list_companies(self._account_id)
        account = await self._client.get_account(self._account_id)
        return companies, account.name or ""

    async def aclose(self) -> None:
        await self._client.aclose()
