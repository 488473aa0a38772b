"""``callrail-tui hub``: serve a team from one process that holds the account's key, and manage the
viewers who may watch it (``hub viewer add|list|revoke NAME``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import shlex
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli_values import positive
from tui.config import (
    ConfigError,
    Settings,
    account_flags,
    listen_address,
    load_settings,
    one_account,
    save_settings,
)
from tui.hub.tokens import TokenBook, TokenError, ViewerTokens
from tui.logging_setup import register_secret, setup_logging

if TYPE_CHECKING:
    from tui.hub.replicas.replica import Replica
    from tui.hub.server import Hub

log = logging.getLogger(__name__)

DEFAULT_LISTEN = "127.0.0.1:8788"
REDIS_HELP = (
    "redis://HOST:PORT: run as one of several replicas behind a load balancer; Redis holds the event log, "
    "the viewers' tokens, the budget, the texts and a lease (one replica polls and sends at a time)"
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "hub",
        help="serve a team: one key, one poller and webhook receiver, many viewers",
        description=__doc__.replace("``", ""),
    )
    parser.add_argument(
        "--listen",
        default=DEFAULT_LISTEN,
        metavar="HOST:PORT",
        help=f"where viewers (and CallRail's webhooks) reach the hub (default {DEFAULT_LISTEN})",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="where CallRail reaches this hub (behind TLS): webhooks are received at URL/webhooks/…",
    )
    parser.add_argument(
        "--web",
        metavar="HOST:PORT",
        help="also serve the app to browser tabs there: each viewer signs in with their token",
    )
    parser.add_argument("--demo", action="store_true", help="serve the built-in simulator's account")
    parser.add_argument("--speed", type=positive, default=20.0, help="demo pace, times real time (20)")
    parser.add_argument("--seed", type=int, default=7, help="demo scenario seed (default 7)")
    parser.add_argument(
        "--home", type=Path, metavar="DIR", help="the hub's folder (default: under the app's)"
    )
    parser.add_argument("--redis", metavar="URL", help=REDIS_HELP)
    viewers = parser.add_subparsers(dest="hub_command", metavar="{viewer}")
    viewer = viewers.add_parser("viewer", help="add, list or revoke the viewers' tokens")
    viewer.add_argument("action", choices=("add", "list", "revoke"))
    viewer.add_argument("name", nargs="?", help="the viewer's name (add, revoke)")
    viewer.add_argument(
        "--redis", dest="viewer_redis", metavar="URL", help="the replicas' Redis (as the hub's)"
    )


def ask_hub_token(settings: Settings) -> Settings:
    """Ask once for the viewer's token (not echoed) and keep it in the config file, which is 0600."""
    token = getpass.getpass(f"Your viewer token for {settings.hub_url} (from the hub's owner): ").strip()
    if not token:
        return settings
    save_settings(settings.config_path, hub_token=token)
    print(f"Saved in {settings.config_path} (readable only by you).")
    return replace(settings, hub_token=token)


def hub_home(settings: Settings, home: Path | None) -> Path:
    return home or settings.state_dir / "hub"


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(
            flags={"base_url": args.base_url, **account_flags(args.account)}, config_path=args.config
        )
    except ConfigError as error:
        print(f"callrail-tui: {error}", file=sys.stderr)
        return 2
    home = hub_home(settings, args.home)
    redis_url = getattr(args, "viewer_redis", None) or args.redis
    if args.hub_command == "viewer":
        try:
            tokens = _team_tokens(redis_url) if redis_url else ViewerTokens(home)
        except (ValueError, ConnectionError) as error:
            print(f"callrail-tui hub viewer: --redis: {error}", file=sys.stderr)
            return 2
        return run_viewer(tokens, args.action, args.name)
    if redis_url and args.demo:
        print(
            "callrail-tui hub: --redis needs a real account (each --demo hub simulates its own);",
            file=sys.stderr,
        )
        print("point the replicas at `callrail-tui sim` with --base-url instead.", file=sys.stderr)
        return 2
    try:
        host, port = listen_address(args.listen)
        if args.web:
            listen_address(args.web)
    except ValueError as error:
        print(f"callrail-tui hub: --listen or --web: {error}", file=sys.stderr)
        return 2
    several = None if args.demo else one_account(settings, "hub")
    if several:
        print(several, file=sys.stderr)
        return 2
    if not args.demo and not (settings.has_credentials and settings.account_id):
        print("callrail-tui hub: no API key or account: set CALLRAIL_API_KEY and CALLRAIL_ACCOUNT_ID, or run")
        print("callrail-tui once to save them in the config file; --demo serves the simulator instead.")
        return 2
    setup_logging(home, secrets=[settings.api_key_value])
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(settings, args, home, host, port))
    except OSError as error:
        print(f"callrail-tui hub: {error} (listening on {host}:{port}, folder {home})", file=sys.stderr)
        return 2
    return 0


def _team_tokens(url: str) -> TokenBook:
    from tui.hub.replicas.replica import team_tokens

    return team_tokens(url)


def run_viewer(tokens: TokenBook, action: str, name: str | None) -> int:
    try:
        if action == "list":
            for viewer in tokens.viewers():
                print(f"{viewer.name}\tadded {viewer.added_at:%Y-%m-%d %H:%M} UTC")
            return 0
        if not name:
            print(f"callrail-tui hub viewer {action}: give the viewer's NAME", file=sys.stderr)
            return 2
        if action == "add":
            token = tokens.add(name)
            print(f"Token for {name} (shown once; the hub keeps only its hash):\n\n  {token}\n")
            print(
                "The viewer runs:  CALLRAIL_HUB_TOKEN=<token> callrail-tui --hub https://<the hub's address>"
            )
            print("or puts it in its config file as hub_token (the file is kept chmod 600).")
            return 0
        tokens.revoke(name)
        print(f"Revoked {name}; an open connection is cut within a second.")
        return 0
    except TokenError as error:
        print(f"callrail-tui hub viewer: {error}", file=sys.stderr)
        return 1


@contextlib.asynccontextmanager
async def browser_tabs(listen: str | None, hub: Hub, home: Path, host: str, port: int) -> AsyncIterator[None]:
    """With ``listen``, the app served to browser tabs there (``callrail-tui web``), each tab a viewer of
    this hub signed in with that viewer's token; the key stays here."""
    if not listen:
        yield
        return
    from tui.web.server import WebServer
    from tui.web.viewer_sign_in import ViewerSignIn

    web_host, web_port = listen_address(listen)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    command = "exec " + shlex.join([sys.executable, "-m", "tui", "--hub", f"http://{local}:{port}"])
    server = WebServer(command, sign_in=ViewerSignIn(hub.tokens, home), host=web_host, port=web_port)
    runner = await server.start()
    print(f"Browser tabs: {server.public_url} (each viewer signs in with their own token).")
    try:
        yield
    finally:
        await runner.cleanup()


async def _serve(settings: Settings, args: argparse.Namespace, home: Path, host: str, port: int) -> None:
    from tui.hub.serve import hub_running
    from tui.wiring import hub_for_account, hub_on_demo

    scratch = Path(tempfile.mkdtemp(prefix="callrail-hub-demo-")) if args.demo else None
    replica = _join(args.redis, settings) if args.redis else None
    if scratch is not None:
        hub, webhooks = hub_on_demo(home, scratch, seed=args.seed, speed=args.speed), None
    else:
        hub, webhooks = hub_for_account(settings, home, public_url=args.public_url, replica=replica)
    for secret in hub.secrets:
        register_secret(secret)
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        await hub.session.start()
        if webhooks is not None:
            await webhooks.keys.ensure()
        async with hub_running(hub, host, port), browser_tabs(args.web, hub, home, host, port):
            print(f"Hub for {hub.session.account_name} on http://{host}:{port} (put TLS in front of it).")
            if replica is not None:
                print(f"A replica ({replica.lease.replica}) on Redis at {replica.shared.where}: it polls and")
                print("sends texts while it holds the lease; put the replicas behind one load balancer.")
            if args.public_url:
                print(f"Webhooks: {args.public_url.rstrip('/')}/webhooks/… — run once:")
                print(f"  callrail-tui webhooks enable --url {args.public_url}")
            print("Viewers: callrail-tui hub viewer add NAME, then callrail-tui --hub URL. Ctrl+C stops.")
            await hub.run()
    except asyncio.CancelledError:
        pass
    finally:
        await hub.leadership.step_down()
        await hub.session.stop()
        hub.events.close()
        if webhooks is not None:
            webhooks.close()
        if replica is not None:
            await replica.aclose()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _join(url: str, settings: Settings) -> Replica:
    from tui.hub.replicas.replica import join

    try:
        return join(url, settings.account_id or "")
    except ValueError as error:
        raise OSError(f"--redis: {error}") from None
