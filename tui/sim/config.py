"""What a simulator run looks like: seed, keys, limits, volume and switches."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.sim.webhooks.faults import WebhookFaults


@dataclass
class SimConfig:
    seed: int = 7
    api_key: str = "sim-key-0001"
    # A second, smaller account with its own key, to prove that a key sees only its own account.
    other_api_key: str = "sim-key-0002"
    # An agency user's key, which sees both accounts (each with its own rate limits); None: no such key.
    agency_api_key: str | None = "sim-agency-0001"
    hourly_limit: int = 1000
    daily_limit: int = 10000
    sms_hourly_limit: int = 150
    sms_daily_limit: int = 1000
    outbound_hourly_limit: int = 100
    outbound_daily_limit: int = 2000
    texting_enabled: bool = True
    outbound_calls_enabled: bool = True
    history_days: int = 7
    call_volume: float = 1.0
    # Calls and texts outside a company's business hours (catalog.BUSINESS_HOURS, its local time), relative
    # to the default; 0: a day with calls only while the companies are open.
    after_hours_volume: float = 1.0
    # Every company of the main account in this time zone (None: each in its own, as the catalog has it).
    time_zone: str | None = None
    send_text_status: int = 201
    # How likely a caller is to answer a text sent through the API (after a minute or so; 0: never).
    text_reply_chance: float = 0.5
    rate_limit_headers: bool = True
    # Fraction of the general limits that another integration of the account uses, spread over time.
    external_share: float = 0.0
    # Minutes between a call's end and its recording/transcript/summary (CallRail promises at most 20).
    post_call_delay: tuple[float, float] = (1.0, 20.0)
    # Time zone of the key's user; date filters use it when a request gives no ``time_zone``.
    user_time_zone: str = "America/New_York"
    # Form submissions, relative to the default (a few per company and business day).
    form_volume: float = 1.0
    # Webhooks: a receiver every company of the main account posts to from the start (all nine events),
    # seconds to wait for a receiver's answer, consecutive failures of a URL that disable its integration.
    webhook_url: str | None = None
    webhook_timeout: float = 10.0
    webhook_failure_limit: int = 10
    webhook_faults: WebhookFaults = field(default_factory=WebhookFaults)
