"""Integrations as CallRail keeps them: one ``Webhooks`` and one ``Custom`` per company at most, each with
a config the API replaces whole, and a state (active, disabled)."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from tui.sim.state import Account, Integration

# Config key of each webhook event, in the order the reference lists them.
WEBHOOK_EVENTS = (
    "pre_call_webhook",
    "answered_call_webhook",
    "post_call_webhook",
    "updated_call_webhook",
    "sms_received_webhook",
    "sms_sent_webhook",
    "form_captured_webhook",
    "post_outbound_call_webhook",
    "updated_outbound_call_webhook",
)
CREATABLE_TYPES = ("Webhooks", "Custom")
STATES = ("active", "disabled")


class InvalidIntegration(ValueError):
    """A request the API answers with 400; the message says why."""


def validated_config(kind: str, config: Any) -> dict[str, list[str]]:
    if not isinstance(config, dict):
        raise InvalidIntegration("config must be an object")
    allowed = WEBHOOK_EVENTS if kind == "Webhooks" else ("grab_cookies",)
    for key, values in config.items():
        if key not in allowed:
            raise InvalidIntegration(f"Unknown config key for a {kind} integration: {key}")
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise InvalidIntegration(f"{key} must be an array of strings")
        if kind == "Webhooks":
            for url in values:
                if not is_absolute_http_url(url):
                    raise InvalidIntegration(f"{key}: {url} is not an absolute http(s) URL")
    return {key: list(values) for key, values in config.items()}


def is_absolute_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


class Integrations:
    """Creates integrations with ids unique across the simulator's accounts."""

    def __init__(self) -> None:
        self._ids = itertools.count(2_210_001)

    def create(self, account: Account, kind: str, company_id: str, config: Any, at: datetime) -> Integration:
        if kind not in CREATABLE_TYPES:
            raise InvalidIntegration(
                f"Invalid type: {kind}. Only Webhooks and Custom integrations can be created through the API"
            )
        checked = validated_config(kind, config)
        if any(i.type == kind and i.company_id == company_id for i in account.integrations.values()):
            raise InvalidIntegration(f"This company already has a {kind} integration")
        integration = Integration(next(self._ids), kind, company_id, checked, at)
        account.integrations[integration.id] = integration
        return integration

    def add_receiver(self, account: Account, url: str, at: datetime) -> dict[str, str]:
        """``url`` on every webhook event of every company, appended to a Webhooks integration that exists
        (and made active) or in a new one; returns each company's signing key."""
        if not is_absolute_http_url(url):
            raise InvalidIntegration(f"{url} is not an absolute http(s) URL")
        for company_id in account.companies:
            existing = next(
                (
                    i
                    for i in account.integrations.values()
                    if i.type == "Webhooks" and i.company_id == company_id
                ),
                None,
            )
            if existing is None:
                self.create(account, "Webhooks", company_id, {key: [url] for key in WEBHOOK_EVENTS}, at)
                continue
            for key in WEBHOOK_EVENTS:
                urls = existing.config.setdefault(key, [])
                if url not in urls:
                    urls.append(url)
            existing.state = "active"
            existing.failures.clear()
        return dict(account.signing_keys)


def active_webhooks(account: Account, company_id: str) -> list[Integration]:
    return [
        integration
        for integration in account.integrations.values()
        if integration.type == "Webhooks"
        and integration.company_id == company_id
        and integration.state == "active"
    ]


def receivers(account: Account, company_id: str, event: str) -> list[tuple[Integration, str]]:
    """The (integration, URL) pairs an event of the company is posted to."""
    return [
        (integration, url)
        for integration in active_webhooks(account, company_id)
        for url in integration.config.get(event, [])
    ]
