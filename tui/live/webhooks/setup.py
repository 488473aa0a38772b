"""Pointing a company's Webhooks integration at the receiver, and back, without touching other
consumers' URLs: the API replaces a config key's whole URL list (reference §4.8), so each change reads
the integration, edits its lists and writes them all back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui.callrail.client import CallRailClient
from tui.callrail.models import Integration
from tui.live.webhooks.events import EVENTS, MONITOR_EVENTS
from tui.live.webhooks.keys import webhooks_integration
from tui.live.webhooks.receiver import PREFIX, company_prefix, webhook_url


@dataclass(frozen=True)
class CompanyWebhooks:
    company_id: str
    integration_id: str | None  # None: the company has no Webhooks integration
    state: str | None
    ours: tuple[str, ...]  # the events that post to our receiver
    others: int  # URLs of other consumers, over all events
    signing_key: str | None = None  # when a change brought it (a create answers with it)


def config_of(integration: Integration | None) -> dict[str, list[str]]:
    if integration is None:
        return {}
    return {key: integration.webhook_urls(key) for key in (integration.config or {})}


def with_ours(
    config: Mapping[str, list[str]],
    base_url: str,
    company_id: str,
    events: Iterable[str],
    prefix: str = PREFIX,
) -> dict[str, list[str]]:
    """``config`` with our URL appended to each of ``events`` (every other URL kept, in order)."""
    changed = {key: list(urls) for key, urls in config.items()}
    for event in events:
        url = webhook_url(base_url, company_id, event, prefix)
        urls = changed.setdefault(event, [])
        if url not in urls:
            urls.append(url)
    return changed


def without_ours(
    config: Mapping[str, list[str]], base_url: str, company_id: str, prefix: str = PREFIX
) -> dict[str, list[str]]:
    ours = company_prefix(base_url, company_id, prefix)
    return {key: [url for url in urls if not url.startswith(ours)] for key, urls in config.items()}


def describe(
    company_id: str, integration: Integration | None, base_url: str, prefix: str = PREFIX
) -> CompanyWebhooks:
    config = config_of(integration)
    ours = company_prefix(base_url, company_id, prefix)
    return CompanyWebhooks(
        company_id=company_id,
        integration_id=integration.id if integration else None,
        state=integration.state if integration else None,
        ours=tuple(event for event in EVENTS if any(url.startswith(ours) for url in config.get(event, []))),
        others=sum(1 for urls in config.values() for url in urls if not url.startswith(ours)),
        signing_key=integration.signing_key if integration else None,
    )


async def _current(client: CallRailClient, account_id: str, company_id: str) -> Integration | None:
    return webhooks_integration(await client.list_integrations(account_id, company_id))


async def status(
    client: CallRailClient, account_id: str, company_id: str, base_url: str, prefix: str = PREFIX
) -> CompanyWebhooks:
    return describe(company_id, await _current(client, account_id, company_id), base_url, prefix)


async def enable(
    client: CallRailClient,
    account_id: str,
    company_id: str,
    base_url: str,
    events: Iterable[str] = MONITOR_EVENTS,
    prefix: str = PREFIX,
    *,
    activate: bool = True,
) -> CompanyWebhooks:
    """Our URL on each event (the integration created if the company has none; made active if not,
    unless ``activate`` is false: putting our URLs back must not undo CallRail disabling it)."""
    events = tuple(events)
    integration = await _current(client, account_id, company_id)
    if integration is None:
        created = await client.create_integration(
            account_id, company_id=company_id, config=with_ours({}, base_url, company_id, events, prefix)
        )
        return describe(company_id, created, base_url, prefix)
    config = with_ours(config_of(integration), base_url, company_id, events, prefix)
    changes: dict = {}
    if config != config_of(integration):
        changes["config"] = config
    if activate and integration.state != "active":
        changes["state"] = "active"
    if changes:
        integration = await client.update_integration(account_id, integration.id, **changes)
    return describe(company_id, integration, base_url, prefix)


async def disable(
    client: CallRailClient, account_id: str, company_id: str, base_url: str, prefix: str = PREFIX
) -> CompanyWebhooks:
    """Our URLs off every event; the integration and other consumers' URLs stay as they are."""
    integration = await _current(client, account_id, company_id)
    if integration is None:
        return describe(company_id, None, base_url, prefix)
    config = without_ours(config_of(integration), base_url, company_id, prefix)
    if config != config_of(integration):
        integration = await client.update_integration(account_id, integration.id, config=config)
    return describe(company_id, integration, base_url, prefix)
