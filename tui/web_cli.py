"""``callrail-tui web --listen HOST:PORT [--demo]``: the app in browser tabs, each tab its own app process.

It prints a link with a one-time sign-in token; the browser trades it for a cookie. Each tab runs
``callrail-tui`` (``--demo`` with ``--demo``) on this machine, so the API key stays in the config file.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from tui.cli_values import positive
from tui.config import ConfigError, listen_address, load_settings
from tui.logging_setup import register_secret, setup_logging

DEFAULT_LISTEN = "127.0.0.1:8080"


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "web", help="serve the app to browser tabs, behind a sign-in", description=__doc__.replace("``", "")
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default=DEFAULT_LISTEN,
        help=f"where to listen (default {DEFAULT_LISTEN})",
    )
    parser.add_argument(
        "--public-url", metavar="URL", help="the address browsers use, when a reverse proxy is in front"
    )
    parser.add_argument(
        "--demo", action="store_true", default=argparse.SUPPRESS, help="each tab runs the demo (no account)"
    )
    parser.add_argument(
        "--idle-minutes",
        type=positive,
        default=None,
        metavar="M",
        help="end a tab after M minutes without input (480)",
    )


def tab_command(args: argparse.Namespace) -> str:
    """The shell command each tab runs: this app with this run's choices (never the key itself)."""
    argv = [sys.executable, "-m", "tui"]
    if args.demo:
        argv += ["--demo", "--speed", f"{args.speed:g}", "--seed", str(args.seed)]
    options = [("--config", args.config), ("--base-url", args.base_url)]
    options += [("--account", account) for account in args.account or ()]
    for flag, value in options:
        if value and not args.demo:
            argv += [flag, str(value)]
    if args.mask:
        argv.append("--mask")
    return "exec " + shlex.join(argv)


def run(args: argparse.Namespace) -> int:
    from tui.web.server import IDLE_MINUTES, WebServer
    from tui.web.sign_in import SignIn

    try:
        host, port = listen_address(args.listen)
    except ValueError as error:
        print(f"callrail-tui web: {error}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="callrail-tui-web-")) if args.demo else None
    try:
        state_dir = home or load_settings(flags={}, config_path=args.config).state_dir
    except ConfigError as error:
        print(f"callrail-tui: {error}", file=sys.stderr)
        return 2
    sign_in = SignIn()
    register_secret(sign_in.token)
    setup_logging(state_dir)
    idle = args.idle_minutes if args.idle_minutes is not None else IDLE_MINUTES
    server = WebServer(
        tab_command(args),
        sign_in=sign_in,
        host=host,
        port=port,
        public_url=args.public_url,
        idle_seconds=idle * 60,
    )
    try:
        asyncio.run(serve(server))
    except OSError as error:
        print(f"callrail-tui web: cannot listen on {args.listen}: {error}", file=sys.stderr)
        return 2
    finally:
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
    return 0


async def serve(server) -> None:
    """Serve until SIGINT or SIGTERM; then every tab's app is asked to quit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner = await server.start()
    demo = " (each tab a demo)" if "--demo" in server.command else ""
    print(f"callrail-tui web: serving the app at {server.public_url}{demo}")
    print(f"Open this link to sign in (it works once):\n\n    {server.sign_in_url}\n", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
