"""``callrail-tui``: parse the command line, build settings and the session, run the app or the simulator."""

from __future__ import annotations

from tui import startup_gc

startup_gc.hold()  # until the app's first frame, or until a command that runs no app starts

import argparse
import logging
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tui.cli_values import chance, count, port, positive
from tui.config import (
    DEFAULT_BASE_URL,
    ConfigError,
    Settings,
    account_flags,
    default_config_path,
    load_settings,
    permission_warning,
)
from tui.hub_cli import add_parser as add_hub_parser
from tui.hub_cli import ask_hub_token
from tui.hub_cli import run as run_hub
from tui.logging_setup import redact, register_secret, setup_logging
from tui.web_cli import add_parser as add_web_parser
from tui.web_cli import run as run_web
from tui.webhooks_cli import add_parser as add_webhooks_parser
from tui.webhooks_cli import run as run_webhooks

DESCRIPTION = "Watch CallRail calls and texts arrive across your companies, from the terminal."
EPILOG = """\
try it without an account:
  callrail-tui --demo             the whole app on a built-in simulator (nothing is saved)

connecting an account (first of these wins):
  flags                           --base-url, --account
  environment                     CALLRAIL_API_KEY, CALLRAIL_BASE_URL, CALLRAIL_ACCOUNT_ID
  config file                     {config_path}
                                  (TOML: api_key, account_id or accounts = [...], base_url, share,
                                  notify_toast, notify_bell, display_time_zone, mask; keep it chmod 600)
  with no key, a setup screen asks for one, checks it and saves it to the config file.

a local CallRail-compatible server:
  callrail-tui sim --port 8765    then: callrail-tui --base-url http://127.0.0.1:8765
                                  and give the setup screen the key sim-key-0001
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callrail-tui",
        description=DESCRIPTION,
        epilog=EPILOG.format(config_path=default_config_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # an option of a command (hub --web) is not taken for one of the app's
    )
    parser.add_argument("--demo", action="store_true", help="run on the built-in simulator; needs no account")
    parser.add_argument("--speed", type=positive, default=20.0, help="demo pace, times real time (20)")
    parser.add_argument("--seed", type=int, default=7, help="demo scenario seed (default 7)")
    parser.add_argument("--base-url", metavar="URL", help=f"API base URL (default {DEFAULT_BASE_URL})")
    parser.add_argument(
        "--account",
        metavar="ACC",
        action="append",
        help="account id (ACC…) when the key sees several; repeat it to watch several at once",
    )
    parser.add_argument("--mask", action="store_true", default=None, help="hide caller names and numbers")
    parser.add_argument(
        "--webhooks-listen",
        metavar="HOST:PORT",
        help="receive CallRail's webhooks here (push, polling as backstop)",
    )
    parser.add_argument(
        "--webhooks-url",
        metavar="URL",
        help="the public address CallRail posts webhooks to (a proxy or tunnel)",
    )
    parser.add_argument(
        "--hub", metavar="URL", help="watch a team hub (callrail-tui hub) with your token, not the account"
    )
    parser.add_argument(
        "--config", metavar="PATH", type=Path, help="config file to use instead of the default"
    )

    commands = parser.add_subparsers(dest="command", metavar="{sim,webhooks,hub,web}")
    sim = commands.add_parser(
        "sim",
        help="serve the CallRail v3 simulator over HTTP",
        description="Serve the CallRail v3 simulator (seeded calls, texts, rate limits) over HTTP.",
    )
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--port", type=port, default=8765, help="port (default 8765)")
    sim.add_argument("--seed", type=int, default=7, help="scenario seed (default 7)")
    sim.add_argument("--speed", type=positive, default=1.0, help="times real time (default 1)")
    sim.add_argument("--api-key", help="the key clients must send (default sim-key-0001)")
    sim.add_argument("--hourly-limit", type=count, help="API requests per hour (default 1000)")
    sim.add_argument("--daily-limit", type=count, help="API requests per day (default 10000)")
    sim.add_argument("--sms-hourly-limit", type=count, help="texts per hour (default 150)")
    sim.add_argument("--sms-daily-limit", type=count, help="texts per day (default 1000)")
    sim.add_argument(
        "--texting-disabled", action="store_true", help="answer sends as an account without texting"
    )
    sim.add_argument(
        "--outbound-disabled",
        action="store_true",
        help="answer call-backs as an account without outbound calls",
    )
    sim.add_argument(
        "--text-reply-chance",
        type=chance,
        metavar="P",
        help="how likely a caller answers a text sent to them, 0 to 1 (default 0.5)",
    )
    hooks = sim.add_argument_group("webhooks (seeded faults are rates from 0 to 1)")
    hooks.add_argument(
        "--webhook-url", metavar="URL", help="post every event of every company to URL (signed, as CallRail)"
    )
    hooks.add_argument(
        "--webhook-timeout", type=positive, metavar="S", help="seconds to wait for a receiver (10)"
    )
    hooks.add_argument(
        "--webhook-failure-limit", type=count, metavar="N", help="failures in a row that disable it (10)"
    )
    hooks.add_argument("--webhook-drop", type=chance, default=0.0, metavar="RATE", help="never sent")
    hooks.add_argument("--webhook-duplicate", type=chance, default=0.0, metavar="RATE", help="sent twice")
    hooks.add_argument(
        "--webhook-reorder", type=chance, default=0.0, metavar="RATE", help="sent after the next one"
    )
    hooks.add_argument(
        "--webhook-bad-signature", type=chance, default=0.0, metavar="RATE", help="signed with a wrong key"
    )
    hooks.add_argument(
        "--webhook-delay", type=chance, default=0.0, metavar="RATE", help="sent up to 2 sim minutes late"
    )
    add_webhooks_parser(commands)
    add_hub_parser(commands)
    add_web_parser(commands)
    return parser


def run_sim(args: argparse.Namespace) -> int:
    from tui.sim import SimConfig
    from tui.sim.serve import serve
    from tui.sim.webhooks.faults import WebhookFaults
    from tui.sim.webhooks.integrations import is_absolute_http_url

    options = {
        "api_key": args.api_key,
        "hourly_limit": args.hourly_limit,
        "daily_limit": args.daily_limit,
        "sms_hourly_limit": args.sms_hourly_limit,
        "sms_daily_limit": args.sms_daily_limit,
        "webhook_url": args.webhook_url,
        "webhook_timeout": args.webhook_timeout,
        "webhook_failure_limit": args.webhook_failure_limit,
        "text_reply_chance": args.text_reply_chance,
    }
    if args.webhook_url and not is_absolute_http_url(args.webhook_url):
        print(f"callrail-tui sim: --webhook-url must be an absolute http(s) URL, not {args.webhook_url}")
        return 2
    config = SimConfig(seed=args.seed, **{key: value for key, value in options.items() if value is not None})
    config.webhook_faults = WebhookFaults(
        drop_rate=args.webhook_drop,
        duplicate_rate=args.webhook_duplicate,
        reorder_rate=args.webhook_reorder,
        bad_signature_rate=args.webhook_bad_signature,
        delay_rate=args.webhook_delay,
    )
    if args.texting_disabled:
        config.texting_enabled = False
    if args.outbound_disabled:
        config.outbound_calls_enabled = False
    try:
        return serve(args.host, args.port, config, args.speed)
    except KeyboardInterrupt:
        return 0


DEMO_ZONE = ZoneInfo("America/Chicago")
DEMO_PREFIX = "callrail-tui-demo-"
# The terminal closed, or the system asks the app to stop: quit as ``q`` does.
EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
# Keys this run knows, masked in anything it prints.
_secrets: list[str] = []


def demo_start(now: datetime) -> datetime | None:
    """When the demo's day begins: now during business hours (weekdays 9:00-16:00 Central, when every
    demo company is open), otherwise 10:30 Central on the latest weekday: the demo is never a quiet night."""
    local = now.astimezone(DEMO_ZONE)
    if local.weekday() < 5 and 9 <= local.hour < 16:
        return None
    day = local.date() if local.hour >= 16 else local.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(10, 30), DEMO_ZONE)


def remove_demo_home(home: Path) -> None:
    """Delete the demo's temporary folder (store, log, budget state); a second call does nothing."""
    shutil.rmtree(home, ignore_errors=True)


@contextmanager
def signals_raise_exit() -> Iterator[None]:
    """Outside the app's event loop (before it starts, after it ends), SIGHUP and SIGTERM raise
    ``SystemExit`` so that ``finally`` blocks run; inside it, the app quits gracefully on them."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, stop) for signum in EXIT_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_demo(args: argparse.Namespace) -> int:
    from tui.app import make_app
    from tui.wiring import demo_session

    home = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))
    try:
        with signals_raise_exit():
            settings = Settings(
                mask=bool(args.mask),
                display_time_zone=DEMO_ZONE.key,  # the demo's front desk works in Central time
                config_path=home / "config.toml",
                data_dir=home / "data",
                state_dir=home / "state",
            )
            setup_logging(settings.state_dir)
            session, simulator = demo_session(
                seed=args.seed,
                speed=args.speed,
                data_dir=settings.data_dir,
                start=demo_start(datetime.now(UTC)),
            )
            _secrets.append(simulator.api_key)
            register_secret(simulator.api_key)
            app = make_app(
                session, settings, title_note=f"demo · {args.speed:g}× speed", exit_signals=EXIT_SIGNALS
            )
            app.run()
    finally:
        remove_demo_home(home)
    return app.return_code or 0


def run_app(args: argparse.Namespace) -> int:
    from tui.app import make_app

    flags = {
        "base_url": args.base_url,
        **account_flags(args.account),
        "mask": args.mask,
        "webhooks_listen": args.webhooks_listen,
        "webhooks_url": args.webhooks_url,
        "hub_url": args.hub,
    }
    try:
        settings = load_settings(flags=flags, config_path=args.config)
    except ConfigError as error:
        print(f"callrail-tui: {error}", file=sys.stderr)
        return 2
    warning = permission_warning(settings.config_path)
    if warning:
        print(f"callrail-tui: warning: {warning}", file=sys.stderr)
    _secrets.append(settings.api_key_value)
    if settings.hub_url:
        if settings.hub_token is None and sys.stdin.isatty():
            settings = ask_hub_token(settings)
        if settings.hub_token is None:
            print("callrail-tui: --hub needs your viewer token: CALLRAIL_HUB_TOKEN or hub_token in", end=" ")
            print(f"{settings.config_path} (the hub's owner makes one: callrail-tui hub viewer add NAME)")
            return 2
        _secrets.append(settings.hub_token.get_secret_value())
    log_path = setup_logging(settings.state_dir, secrets=_secrets)
    app = make_app(None, settings, exit_signals=EXIT_SIGNALS)  # its session comes after its first frame
    with signals_raise_exit():
        app.run()
    if app.return_code:
        print(f"callrail-tui stopped; details are in {log_path}", file=sys.stderr)
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is not None:  # a server or a tool: no app, no first frame
        startup_gc.release()
    try:
        if args.command == "sim":
            return run_sim(args)
        if args.command == "webhooks":
            return run_webhooks(args)
        if args.command == "hub":
            return run_hub(args)
        if args.command == "web":
            return run_web(args)
        if args.demo:
            return run_demo(args)
        return run_app(args)
    except Exception as error:
        # No bare traceback: its text could quote the key. The log file has the (redacted) details.
        if logging.getLogger().handlers:
            logging.getLogger(__name__).critical("callrail-tui failed", exc_info=True)
        said = redact(f"{type(error).__name__}: {error}", _secrets)
        print(f"callrail-tui: unexpected error: {said}", file=sys.stderr)
        return 1
