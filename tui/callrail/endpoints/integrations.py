"""Integrations, the way webhooks are set up through the API: one ``Webhooks`` integration per company
whose config lists the URLs for each event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import InvalidRequest
from ..models import Integration
from ..params import UNSET, join_fields, query
from ..parsing import Collection
from .base import Endpoints, path

INTEGRATIONS = Collection("integrations", Integration, key_verified=False)
SETTABLE_STATES = ("active", "disabled")


class IntegrationEndpoints(Endpoints):
    async def list_integrations(
        self, account_id: str, company_id: str, *, background: bool = False
    ) -> list[Integration]:
        """The company's integrations (CallRail refuses the list without a company)."""
        params = query(company_id=company_id)
        return await self._collect(path("a", account_id, "integrations"), INTEGRATIONS, params, background)

    async def get_integration(
        self,
        account_id: str,
        integration_id: str,
        fields: str | Iterable[str] | None = ("signing_key",),
        *,
        background: bool = False,
    ) -> Integration:
        """One integration; by default with the company's webhook ``signing_key``, where CallRail gives it."""
        return await self._object(
            Integration,
            "GET",
            path("a", account_id, "integrations", integration_id),
            params=query(fields=join_fields(fields)),
            background=background,
        )

    async def create_integration(
        self,
        account_id: str,
        *,
        company_id: str,
        config: Mapping[str, Iterable[str]],
        type: str = "Webhooks",
        background: bool = False,
    ) -> Integration:
        """``config``: event key (``post_call_webhook``, ...) → URLs. One per type and company."""
        payload = {"type": type, "company_id": company_id, "config": _config(config)}
        return await self._object(
            Integration, "POST", path("a", account_id, "integrations"), json=payload, background=background
        )

    async def update_integration(
        self,
        account_id: str,
        integration_id: str,
        *,
        config: Mapping[str, Iterable[str]] = UNSET,
        state: str = UNSET,
        background: bool = False,
    ) -> Integration:
        """Change the config and/or the state (active, disabled). A config replaces the whole URL list of
        every key it names: to add a URL, read the integration and send its list with the URL added."""
        changes: dict[str, object] = {}
        if config is not UNSET:
            changes["config"] = _config(config)
        if state is not UNSET:
            if state not in SETTABLE_STATES:
                raise InvalidRequest(
                    f"An integration's state can be set to active or disabled, not {state!r}."
                )
            changes["state"] = state
        if not changes:
            raise InvalidRequest("Nothing to update: give a config or a state.")
        return await self._object(
            Integration,
            "PUT",
            path("a", account_id, "integrations", integration_id),
            json=changes,
            background=background,
        )

    async def delete_integration(
        self, account_id: str, integration_id: str, *, background: bool = False
    ) -> None:
        """Disables the integration (CallRail answers 204)."""
        await self._transport.request(
            "DELETE", path("a", account_id, "integrations", integration_id), background=background
        )


def _config(config: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The config as CallRail takes it: every key a list of strings (so one URL is not split into letters)."""
    if not isinstance(config, Mapping):
        raise InvalidRequest("An integration's config maps event keys to lists of URLs.")
    lists = {}
    for key, urls in config.items():
        if isinstance(urls, str) or not isinstance(urls, Iterable):
            raise InvalidRequest(f"The config's {key} needs a list of URLs, not {type(urls).__name__}.")
        lists[str(key)] = [str(url) for url in urls]
    return lists
