"""``callrail-tui webhooks status|enable|disable --url BASE``: each company's Webhooks integration as seen
from the receiver at BASE (its URLs are ``BASE/webhooks/<company>/<event>``). ``enable`` appends our URL
to the chosen events, ``disable`` removes only ours; other consumers' URLs are never dropped."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.config import ConfigError, account_flags, load_settings, one_account
from tui.live.webhooks.events import EVENTS, MONITOR_EVENTS
from tui.live.webhooks.signature import masked

if TYPE_CHECKING:
    from tui.callrail.client import CallRailClient
    from tui.live.webhooks.inbox import Inbox
    from tui.live.webhooks.setup import CompanyWebhooks

ACTIONS = ("status", "enable", "disable")


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "webhooks",
        help="point each company's CallRail webhooks at a receiver, or check them",
        description=__doc__.replace("``", ""),
    )
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument(
        "--url",
        metavar="BASE",
        help="where CallRail reaches the receiver (http(s)://host:port); default: webhooks_url in the config",
    )
    parser.add_argument(
        "--company", action="append", metavar="COM", help="only this company (repeatable; default: all)"
    )
    parser.add_argument(
        "--event",
        action="append",
        choices=EVENTS,
        metavar="EVENT",
        help=f"enable only this event (repeatable; default: {', '.join(MONITOR_EVENTS)})",
    )


def run(args: argparse.Namespace) -> int:
    flags = {"base_url": args.base_url, **account_flags(args.account)}
    try:
        settings = load_settings(flags=flags, config_path=args.config)
    except ConfigError as error:
        print(f"callrail-tui: {error}", file=sys.stderr)
        return 2
    if not settings.has_credentials or not settings.account_id:
        print("callrail-tui webhooks: no API key or account yet; run callrail-tui once to set them up.")
        return 2
    several = one_account(settings, "webhooks")
    if several:
        print(several, file=sys.stderr)
        return 2
    args.url = args.url or settings.webhooks_url or ""
    if not args.url:
        print("callrail-tui webhooks: give --url BASE, or set webhooks_url in the config file.")
        return 2
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        print(f"callrail-tui webhooks: --url must be an absolute http(s) URL, not {args.url}")
        return 2
    # imported here so that the app's start-up does not load the client for this command
    from tui.callrail.client import CallRailClient
    from tui.live.webhooks.inbox import INBOX_FILE, Inbox

    client = CallRailClient(settings.api_key_value, base_url=settings.base_url)
    inbox = Inbox(settings.data_dir / INBOX_FILE)
    try:
        return asyncio.run(
            webhooks(
                client,
                settings.account_id,
                args.action,
                args.url,
                args.company,
                args.event or MONITOR_EVENTS,
                inbox=inbox,
            )
        )
    finally:
        inbox.close()


async def webhooks(
    client: CallRailClient,
    account_id: str,
    action: str,
    base_url: str,
    companies: Sequence[str] | None = None,
    events: Sequence[str] = MONITOR_EVENTS,
    say: Callable[[str], None] = print,
    *,
    inbox: Inbox,
) -> int:
    """Do ``action`` for each company (all of the account's by default); one line each. Exit status.
    What is turned on or off is remembered in ``inbox``, as the app's Webhooks screen does it."""
    from tui.callrail.clock import SystemClock
    from tui.callrail.errors import CallRailError
    from tui.live.webhooks.control import WebhookControl
    from tui.live.webhooks.keys import SigningKeys

    control = WebhookControl(client, account_id, base_url, inbox, SigningKeys(inbox, SystemClock()))

    failed = False
    async with client:
        try:
            company_ids = companies or [c.id for c in await client.list_companies(account_id)]
        except CallRailError as error:
            say(f"could not list the companies: {error.message}")
            return 1
        for company_id in company_ids:
            try:
                if action == "enable":
                    [result] = await control.enable([company_id], events)
                elif action == "disable":
                    [result] = await control.disable([company_id])
                else:
                    [result] = await control.status([company_id])
            except CallRailError as error:
                say(f"{company_id}  {action} failed: {error.message}")
                failed = True
                continue
            say(describe(result))
    return 1 if failed else 0


def describe(result: CompanyWebhooks) -> str:
    if result.integration_id is None:
        return f"{result.company_id}  no Webhooks integration"
    ours = f"ours on {len(result.ours)} event(s)" if result.ours else "not ours"
    line = f"{result.company_id}  integration {result.integration_id} {result.state}  {ours}"
    line += f"  other URLs: {result.others}"
    if result.signing_key:
        line += f"  signing key {masked(result.signing_key)}"
    return line
